package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a {@link MarketRecord}'s payload is, and so which Kafka topic it goes to; written in JSON by its {@link #id()}. */
public enum Channel {
    /** Book changes ({@code book_delta}, sizes absolute), full books ({@code book_snapshot}) and resets, in order. */
    BOOK,
    TRADES,
    TICKERS,
    STATUS,
    /** Stale, resynced, gap and connection records: how a consumer tells a quiet market from missed data. */
    CONTINUITY,
    /**
     * Venue frames as received ({@link RawFrame}). Keyed {@code venue:socket-N} rather than by market (one frame can
     * carry several markets); {@code sequence} counts the frames of that socket since it (re)connected.
     */
    RAW,
    /** The latest full book per market (a compacted topic). */
    SNAPSHOTS,
    /** The market catalogue ({@link MarketMetadata}), keyed by market (a compacted topic). */
    MARKETS,
    /** Instrument summaries ({@link InstrumentSummary}), keyed by instrument. */
    SUMMARIES,
    /** Arbitrage opportunities opened, updated and closed ({@link ArbitrageEvent}), keyed by instrument. */
    ARBITRAGE;

    private final String id = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Channel fromId(String id) {
        for (Channel c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown channel '" + id + "'");
    }
}
