package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
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
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code long} holding an exact decimal (see {@link Decimals}): it is written to JSON as an
 * exact decimal string ({@code "0.52"}) and {@link Decimals#NONE} as {@code null}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@JacksonAnnotationsInside
@JsonSerialize(using = Fixed.Writer.class)
@JsonDeserialize(using = Fixed.Reader.class)
public @interface Fixed {

    final class Writer extends JsonSerializer<Long> {
        @Override
        public void serialize(Long value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (value == null || value == Decimals.NONE) {
                gen.writeNull();
            } else {
                gen.writeString(Decimals.toString(value));
            }
        }
    }

    final class Reader extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                try {
                    return Decimals.parse(p.getText());
                } catch (NumberFormatException e) {
                    return (Long) ctxt.handleWeirdStringValue(Long.class, p.getText(), e.getMessage());
                }
            }
            return (Long) ctxt.handleUnexpectedToken(Long.class, p);
        }

        @Override
        public Long getNullValue(DeserializationContext ctxt) {
            return Decimals.NONE;
        }
    }
}
