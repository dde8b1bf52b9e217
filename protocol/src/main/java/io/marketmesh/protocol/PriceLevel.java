package io.marketmesh.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * One level of a book, in JSON {@code ["price","size"]} with exact decimal strings, sizes exact however wide.
 *
 * @param size     as in {@link LevelUpdate#size()}: exact up to 17 significant digits, else a rounding
 * @param wideSize the exact size when it has more than 17 significant digits, else null ({@link WideSizes})
 */
@JsonSerialize(using = PriceLevel.Writer.class)
@JsonDeserialize(using = PriceLevel.Reader.class)
public record PriceLevel(long price, long size, BigDecimal wideSize) {

    public PriceLevel {
        if (wideSize != null) {
            size = WideSizes.approximate(wideSize);
            wideSize = WideSizes.exactIfWide(wideSize);
        }
    }

    public PriceLevel(long price, long size) {
        this(price, size, null);
    }

    /**
     * A level from the venue's size text, exactly as sent; see {@link LevelUpdate#parse}.
     *
     * @throws NumberFormatException when the size is not a decimal
     */
    public static PriceLevel parse(long price, CharSequence size) {
        try {
            return new PriceLevel(price, Decimals.parse(size), null);
        } catch (NumberFormatException tooWideOrNotANumber) {
            return new PriceLevel(price, 0, WideSizes.parse(size));
        }
    }

    /** The exact size. */
    public BigDecimal exactSize() {
        return wideSize != null ? wideSize : Decimals.toBigDecimal(size);
    }

    /** The exact size as decimal text. */
    public String sizeText() {
        return wideSize != null ? Decimals.toString(wideSize) : Decimals.toString(size);
    }

    @Override
    public String toString() {
        return "[" + Decimals.toString(price) + ", " + sizeText() + "]";
    }

    static final class Writer extends JsonSerializer<PriceLevel> {
        @Override
        public void serialize(PriceLevel level, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartArray();
            gen.writeString(Decimals.toString(level.price));
            gen.writeString(level.sizeText());
            gen.writeEndArray();
        }
    }

    static final class Reader extends JsonDeserializer<PriceLevel> {
        @Override
        public PriceLevel deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                return (PriceLevel) ctxt.handleUnexpectedToken(PriceLevel.class, p);
            }
            p.nextToken();
            long price = Decimals.parse(p.getText());
            p.nextToken();
            String size = p.getText();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
            }
            return parse(price, size);
        }
    }
}
