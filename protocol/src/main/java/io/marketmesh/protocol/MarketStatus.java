package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Lifecycle of a market, common to all venues. */
public enum MarketStatus {
    /** Nothing heard about its lifecycle yet. */
    UNKNOWN,
    /** Trading. */
    ACTIVE,
    /** Temporarily not trading. */
    PAUSED,
    /** Closed for trading, outcome not yet known. */
    CLOSED,
    /** Outcome determined (Kalshi), not yet settled. */
    DETERMINED,
    /** Settled or resolved: final. */
    SETTLED;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static MarketStatus fromId(String id) {
        return MarketStatus.valueOf(id.toUpperCase(Locale.ROOT));
    }
}
