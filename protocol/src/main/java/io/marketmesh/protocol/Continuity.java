package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Tells a consumer whether it saw every change of a market: a quiet market produces no record, missed
 * data always produces one. {@code market} is null for connection-wide records.
 */
public record Continuity(Venue venue, MarketKey market, Kind kind, String reason, long timestamp) {

    public enum Kind {
        CONNECTION_UP, CONNECTION_DOWN, GAP_DETECTED, BOOK_STALE, BOOK_RESYNCED;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Kind fromId(String id) {
            return Kind.valueOf(id.toUpperCase(Locale.ROOT));
        }
    }
}
