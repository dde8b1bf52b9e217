package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One level of a book, in JSON {@code ["price","size"]} with exact decimal strings. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"price", "size"})
public record PriceLevel(@Fixed long price, @Fixed long size) {

    /**
     * A level from the venue's size text, exactly as sent; see {@link LevelUpdate#parse}.
     *
     * @throws NumberFormatException when the size is not a decimal or cannot be held exactly
     */
    public static PriceLevel parse(long price, CharSequence size) {
        return new PriceLevel(price, Decimals.parse(size));
    }

    @Override
    public String toString() {
        return "[" + Decimals.toString(price) + ", " + Decimals.toString(size) + "]";
    }
}
