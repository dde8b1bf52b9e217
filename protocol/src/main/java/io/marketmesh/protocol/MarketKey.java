package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * Identifies one market of one venue. Written {@code venue:symbol}, e.g. {@code kalshi:KXBTCD-26MAY3017-T72999.99}
 * or {@code polymarket:<token id>}; this is the sharding entity id and the Kafka record key.
 */
public record MarketKey(Venue venue, String symbol) {

    public MarketKey {
        Objects.requireNonNull(venue, "venue");
        if (symbol == null || symbol.isBlank()) {
            throw new IllegalArgumentException("symbol must not be blank");
        }
    }

    public static MarketKey of(Venue venue, String symbol) {
        return new MarketKey(venue, symbol);
    }

    @JsonValue
    public String id() {
        return venue.id() + ':' + symbol;
    }

    /** Parses {@code venue:symbol}; the symbol may itself contain colons. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static MarketKey parse(String id) {
        int colon = id == null ? -1 : id.indexOf(':');
        if (colon <= 0 || colon == id.length() - 1) {
            throw new IllegalArgumentException("market id must be venue:symbol, got '" + id + "'");
        }
        return new MarketKey(Venue.fromId(id.substring(0, colon)), id.substring(colon + 1));
    }

    @Override
    public String toString() {
        return id();
    }
}
