package io.marketmesh.node.venue.coinbase;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.WideSizes;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * The values of a Coinbase frame as {@link CoinbaseFrameReader} reads them from Jackson's buffer, without a String per
 * value: scalars through {@link #text}, exact decimals, sizes of any width, RFC 3339 times, products of the socket,
 * and field names matched in the venue's usual order first. A value that cannot be read is recorded on the frame
 * ({@link CoinbaseFrame#fail}) and skipped.
 */
final class CoinbaseValues {

    /** The last scalar read; valid until the parser moves on. */
    final CharWindow text = new CharWindow();
    private final ProductIndex products;

    CoinbaseValues(ProductIndex products) {
        this.products = products;
    }

    /**
     * The next field's name, or null at the end of the object: the {@code index}-th of the usual {@code order} is
     * tried first, matched against the input without a symbol-table lookup.
     */
    static String nextName(JsonParser p, SerializedString[] order, int index) throws IOException {
        if (index < order.length) {
            if (p.nextFieldName(order[index])) {
                return order[index].getValue();
            }
            return p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
        }
        return p.nextToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
    }

    static SerializedString[] names(String... names) {
        SerializedString[] result = new SerializedString[names.length];
        for (int i = 0; i < names.length; i++) {
            result[i] = new SerializedString(names[i]);
        }
        return result;
    }

    /**
     * Points {@link #text} at a scalar value. False for null (treated as absent) and for a non-scalar, which is also
     * recorded as a failure and skipped.
     */
    boolean scalar(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
        switch (v) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                text.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                return true;
            }
            case VALUE_NULL -> {
                return false;
            }
            default -> {
                f.fail(field + " is " + v + ", not a scalar");
                p.skipChildren();
                return false;
            }
        }
    }

    Product product(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!scalar(p, v, f, "product_id")) {
            return null;
        }
        return products.find(text.buffer(), text.offset(), text.length());
    }

    long decimal(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
        if (!scalar(p, v, f, field)) {
            return Decimals.NONE;
        }
        try {
            return Decimals.parse(text, 0, text.length());
        } catch (NumberFormatException e) {
            f.fail("bad " + field + " '" + text + "': " + e.getMessage());
            return Decimals.NONE;
        }
    }

    /** A ticker value: an empty string means the venue has none (an empty side of the book, say). */
    long optionalDecimal(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
        if (v == JsonToken.VALUE_STRING && p.getTextLength() == 0) {
            return Decimals.NONE;
        }
        return decimal(p, v, f, field);
    }

    /**
     * A size or total of any width (a micro-priced token's trade, a memecoin's daily volume outgrow 17 digits); an
     * empty string is none.
     */
    BigDecimal wide(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
        if (!scalar(p, v, f, field) || text.length() == 0) {
            return null;
        }
        try {
            return WideSizes.parse(text);
        } catch (NumberFormatException e) {
            f.fail("bad " + field + " '" + text + "': " + e.getMessage());
            return null;
        }
    }

    long sequence(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            try {
                long s = p.getLongValue();
                if (s >= 0) {
                    return s;
                }
            } catch (IOException e) {
                // beyond a long: reported below
            }
        }
        f.fail("sequence_num is not a non-negative integer");
        p.skipChildren();
        return CoinbaseFrame.NO_SEQUENCE;
    }

    /** An RFC 3339 time. A time changes no book, so an unreadable one reads as 0 instead of failing the frame. */
    long time(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return 0;
        }
        return Rfc3339.epochMillis(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    static boolean array(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
        if (v == JsonToken.START_ARRAY) {
            return true;
        }
        if (v != JsonToken.VALUE_NULL) {
            f.fail(field + " is " + v + ", not an array");
            p.skipChildren();
        }
        return false;
    }
}
