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
 * One level change inside a {@link BookDelta}: with {@link BookDelta.Mode#ABSOLUTE} {@code size} is the
 * level's new size (0 removes it); with {@link BookDelta.Mode#RELATIVE} it is a signed change to add.
 * In JSON {@code {"side":"bid","price":"0.52","size":"100"}}, sizes exact however wide.
 *
 * @param size     the size as a {@link Decimals} long: exact when it has at most 17 significant digits, otherwise
 *                 rounded to 17 (good for signs and comparisons, never for output)
 * @param wideSize the exact size when it has more than 17 significant digits ({@code 123456789012.12345678}), else
 *                 null; see {@link WideSizes}
 */
@JsonSerialize(using = LevelUpdate.Writer.class)
@JsonDeserialize(using = LevelUpdate.Reader.class)
public record LevelUpdate(Side side, long price, long size, BigDecimal wideSize) {

    public LevelUpdate {
        if (wideSize != null) {
            size = WideSizes.approximate(wideSize);
            wideSize = WideSizes.exactIfWide(wideSize);
        }
    }

    public LevelUpdate(Side side, long price, long size) {
        this(side, price, size, null);
    }

    /**
     * A level from the venue's size text, exactly as sent. Every venue parser builds its levels through here (or
     * {@link PriceLevel#parse}), so sizes wider than one {@code long} holds are handled in one place.
     *
     * @throws NumberFormatException when the size is not a decimal
     */
    public static LevelUpdate parse(Side side, long price, CharSequence size) {
        try {
            return new LevelUpdate(side, price, Decimals.parse(size), null);
        } catch (NumberFormatException tooWideOrNotANumber) {
            return new LevelUpdate(side, price, 0, WideSizes.parse(size));
        }
    }

    /** The exact size. */
    public BigDecimal exactSize() {
        return wideSize != null ? wideSize : Decimals.toBigDecimal(size);
    }

    /** The exact size as decimal text: {@code "100"}, {@code "123456789012.12345678"}. */
    public String sizeText() {
        return wideSize != null ? Decimals.toString(wideSize) : Decimals.toString(size);
    }

    @Override
    public String toString() {
        return side.id() + " " + sizeText() + " @ " + Decimals.toString(price);
    }

    static final class Writer extends JsonSerializer<LevelUpdate> {
        @Override
        public void serialize(LevelUpdate u, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartObject();
            gen.writeStringField("side", u.side.id());
            gen.writeStringField("price", Decimals.toString(u.price));
            gen.writeStringField("size", u.sizeText());
            gen.writeEndObject();
        }
    }

    static final class Reader extends JsonDeserializer<LevelUpdate> {
        @Override
        public LevelUpdate deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (LevelUpdate) ctxt.handleUnexpectedToken(LevelUpdate.class, p);
            }
            Side side = null;
            long price = Decimals.NONE;
            String size = null;
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                JsonToken value = p.nextToken();
                switch (field) {
                    case "side" -> side = Side.fromId(p.getText());
                    case "price" -> price = value == JsonToken.VALUE_NULL ? Decimals.NONE : Decimals.parse(p.getText());
                    case "size" -> size = value == JsonToken.VALUE_NULL ? null : p.getText();
                    default -> p.skipChildren();
                }
            }
            if (side == null || size == null) {
                return (LevelUpdate) ctxt.handleWeirdStringValue(LevelUpdate.class, String.valueOf(size),
                        "a level update needs side, price and size");
            }
            return parse(side, price, size);
        }
    }
}
