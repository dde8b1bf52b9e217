package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One level of a book, in JSON {@code ["price","size"]} with exact decimal strings. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"price", "size"})
public record PriceLevel(@Fixed long price, @Fixed long size) {

    @Override
    public String toString() {
        return "[" + Decimals.toString(price) + ", " + Decimals.toString(size) + "]";
    }
}
