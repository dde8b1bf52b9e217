package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Level changes to apply in order, as one: a node applies all of them or none. {@code claim}, when the venue sent
 * one, is what the venue promises about the book after the change (see {@link BookClaim}); null otherwise, and
 * always on the records a node publishes.
 */
public record BookDelta(MarketKey market, Mode mode, List<LevelUpdate> updates, long venueSequence,
                        long venueTimestamp, long receivedAt, @JsonInclude(JsonInclude.Include.NON_NULL) BookClaim claim)
        implements MarketEvent {

    public enum Mode {
        /** Sizes are the level's new total; 0 removes the level (Polymarket, Binance, Bybit, ...). */
        ABSOLUTE,
        /** Sizes are signed changes; a level reaching 0 is removed, below 0 is corruption (Kalshi). */
        RELATIVE
    }

    public BookDelta {
        updates = List.copyOf(updates);
    }

    /** A change the venue makes no claim about. */
    public BookDelta(MarketKey market, Mode mode, List<LevelUpdate> updates, long venueSequence, long venueTimestamp,
                     long receivedAt) {
        this(market, mode, updates, venueSequence, venueTimestamp, receivedAt, null);
    }
}
