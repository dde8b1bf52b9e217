package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a venue promises about a book right after a change or snapshot: a node verifies it where the book lives
 * (its MarketActor), after applying the change, and a book that does not match is stale and resynchronized. An
 * input-side integrity check: the records a node publishes never carry one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = BookClaim.TopOfBook.class, name = "top_of_book"),
    @JsonSubTypes.Type(value = BookClaim.Checksum.class, name = "checksum")
})
public sealed interface BookClaim permits BookClaim.TopOfBook, BookClaim.Checksum {

    /**
     * The venue's best bid and ask after the change (Polymarket's {@code best_bid}/{@code best_ask}): {@link
     * Decimals#NONE} = no claim about that side, {@code 0} = that side is empty.
     */
    record TopOfBook(@Fixed long bestBid, @Fixed long bestAsk) implements BookClaim {
    }

    /**
     * A CRC32 the venue computed over the top levels of its book, written as {@code layout} says (Kraken, OKX).
     *
     * @param expected the venue's value as an unsigned 32-bit number (a venue that sends it signed is converted)
     */
    record Checksum(ChecksumLayout layout, long expected) implements BookClaim {

        public Checksum {
            if (expected < 0 || expected > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("checksum must be an unsigned 32-bit value, got " + expected);
            }
        }
    }
}
