package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A venue marketmesh follows. Its {@link #id()} is the lowercase name used in keys, URLs and config. */
public enum Venue {
    POLYMARKET, KALSHI, BINANCE, COINBASE, KRAKEN, OKX, BYBIT, CRYPTOCOM, BITSTAMP;

    private static final String KNOWN = String.join(", ",
            java.util.Arrays.stream(values()).map(Venue::id).toArray(String[]::new));

    private final String id = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the known venues when {@code id} is none of them */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Venue fromId(String id) {
        for (Venue v : values()) {
            if (v.id.equalsIgnoreCase(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown venue '" + id + "' (known: " + KNOWN + ")");
    }
}
