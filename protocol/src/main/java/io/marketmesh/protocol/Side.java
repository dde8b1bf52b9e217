package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Side of the book. For a trade it is the aggressor's side: BID = the taker bought. */
public enum Side {
    BID, ASK;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Side fromId(String id) {
        return Side.valueOf(id.toUpperCase(Locale.ROOT));
    }
}
