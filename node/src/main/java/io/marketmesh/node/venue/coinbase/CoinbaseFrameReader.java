package io.marketmesh.node.venue.coinbase;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.node.venue.coinbase.CoinbaseFrame.EventType;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.WideSizes;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Streams one market-data frame into a {@link CoinbaseFrame} with Jackson's {@link JsonParser}: no tree, no String
 * per value, products resolved from the parser's buffer. Hot path: every {@code l2_data} update goes through here.
 *
 * <p>Events are read by their content, not by the envelope's channel ({@code updates} are levels, {@code trades}
 * trades, {@code tickers} tickers), so the order of the envelope's fields does not matter; the session checks the
 * channel once the whole frame is read.
 */
final class CoinbaseFrameReader {

    /** Thread-safe and costly to make: one for the JVM. */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    // The fields in the order the venue writes them: matched straight against the input, without a symbol-table
    // lookup per name (a level update has four, and a frame a few dozen); any other order still reads.
    private static final SerializedString[] ENVELOPE_FIELDS = names("channel", "client_id", "timestamp", "sequence_num",
            "events");
    private static final SerializedString[] EVENT_FIELDS = names("type", "product_id", "updates");
    private static final SerializedString[] LEVEL_FIELDS = names("side", "event_time", "price_level", "new_quantity");

    private final ProductIndex products;
    private final CoinbaseFrame frame = new CoinbaseFrame();
    private final CharWindow text = new CharWindow();

    CoinbaseFrameReader(ProductIndex products) {
        this.products = products;
    }

    /** Reads one text frame; the result is valid until the next call. */
    CoinbaseFrame read(String json) {
        CoinbaseFrame f = frame;
        f.reset();
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                f.malformed = t == null ? "empty frame" : "frame is " + t + ", not a JSON object";
                return f;
            }
            envelope(p, f);
            if (p.nextToken() != null) {
                f.malformed = "trailing data after the JSON object";
            }
        } catch (JsonProcessingException e) {
            f.malformed = "malformed JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            // Reading from a String: only a parser bug gets here, but it must never escape the session.
            f.malformed = "unreadable frame: " + e.getMessage();
        }
        return f;
    }

    private void envelope(JsonParser p, CoinbaseFrame f) throws IOException {
        String name;
        for (int field = 0; (name = nextName(p, ENVELOPE_FIELDS, field)) != null; field++) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "channel" -> {
                    if (scalar(p, v, f, name)) {
                        f.channel = Channel.of(text);
                        if (f.channel == Channel.UNKNOWN) {
                            f.unknownChannel = text.toString();
                        }
                    }
                }
                case "sequence_num" -> f.sequence = sequence(p, v, f);
                case "timestamp" -> f.timestamp = time(p, v);
                case "type" -> f.error = scalar(p, v, f, name) && text.contentEquals("error");
                case "message" -> {
                    if (scalar(p, v, f, name)) {
                        f.message.append(text.buffer(), text.offset(), text.length());
                    }
                }
                case "events" -> events(p, v, f);
                default -> p.skipChildren();
            }
        }
    }

    private void events(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!array(p, v, f, "events")) {
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                f.fail("event is " + t + ", not an object");
                p.skipChildren();
                continue;
            }
            event(p, f);
        }
    }

    private void event(JsonParser p, CoinbaseFrame f) throws IOException {
        EventType type = null;
        Product product = null;
        boolean hasUpdates = false;
        int levelsFrom = f.levels.count;
        int tradesFrom = f.trades.count;
        String name;
        for (int field = 0; (name = nextName(p, EVENT_FIELDS, field)) != null; field++) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "type" -> type = scalar(p, v, f, name) ? eventType() : null;
                case "product_id" -> product = product(p, v, f);
                case "updates" -> {
                    hasUpdates = true;
                    levels(p, v, f);
                }
                case "trades" -> trades(p, v, f);
                case "tickers" -> tickers(p, v, f);
                default -> p.skipChildren();
            }
        }
        if (hasUpdates) {
            if (product == null) {
                f.books.unnamed = true;
                f.fail("level2 event without product_id");
            } else if (type == null) {
                f.fail("level2 event of " + product.symbol + " without type");
            }
            f.books.add(type, product, levelsFrom, f.levels.count);
        }
        if (type == EventType.SNAPSHOT) {
            for (int i = tradesFrom; i < f.trades.count; i++) {
                f.trades.snapshot[i] = true;
            }
        }
    }

    private EventType eventType() {
        if (text.contentEquals("update")) {
            return EventType.UPDATE;
        }
        return text.contentEquals("snapshot") ? EventType.SNAPSHOT : EventType.OTHER;
    }

    /** {@code [{"side":"bid","event_time":"...","price_level":"65083.66","new_quantity":"0.2"}, ...]} */
    private void levels(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!array(p, v, f, "updates")) {
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                f.fail("level update is " + t + ", not an object");
                p.skipChildren();
                continue;
            }
            Side side = null;
            long price = Decimals.NONE;
            int slot = -1;
            String name;
            for (int field = 0; (name = nextName(p, LEVEL_FIELDS, field)) != null; field++) {
                JsonToken lv = p.nextToken();
                switch (name) {
                    case "side" -> side = bookSide(p, lv, f);
                    case "price_level" -> price = decimal(p, lv, f, name);
                    case "new_quantity" -> {
                        // Copied as text while the parser still holds it; it becomes a number through
                        // LevelUpdate.parse/PriceLevel.parse, which decide how wide a size may be.
                        if (slot >= 0) {
                            f.fail("level update with new_quantity twice");
                            p.skipChildren();
                        } else if (scalar(p, lv, f, name)) {
                            slot = f.levels.count;
                            f.levels.add(null, Decimals.NONE, text);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (slot < 0) {
                f.fail("level update without new_quantity");
            } else if (side == null || price == Decimals.NONE) {
                f.fail("level update without side or price_level");
                f.levels.dropLast();
            } else {
                f.levels.sides[slot] = side;
                f.levels.prices[slot] = price;
            }
        }
    }

    /** {@code bid} / {@code offer}: the only book sides the level2 channel documents. */
    private Side bookSide(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!scalar(p, v, f, "side")) {
            return null;
        }
        if (text.contentEquals("bid")) {
            return Side.BID;
        }
        if (text.contentEquals("offer")) {
            return Side.ASK;
        }
        f.fail("unknown book side '" + text + "'");
        return null;
    }

    /** {@code [{"product_id":..,"trade_id":..,"price":..,"size":..,"time":..,"side":"BUY"|"SELL"}, ...]} */
    private void trades(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!array(p, v, f, "trades")) {
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                f.fail("trade is " + t + ", not an object");
                p.skipChildren();
                continue;
            }
            Product product = null;
            String id = null;
            long price = Decimals.NONE;
            BigDecimal size = null;
            Side makerSide = null;
            long time = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken tv = p.nextToken();
                switch (name) {
                    case "product_id" -> product = product(p, tv, f);
                    case "trade_id" -> id = scalar(p, tv, f, name) ? text.toString() : null;
                    case "price" -> price = decimal(p, tv, f, name);
                    case "size" -> size = wide(p, tv, f, name);
                    case "side" -> makerSide = tradeSide(p, tv, f);
                    case "time" -> time = time(p, tv);
                    default -> p.skipChildren();
                }
            }
            if (product == null || price == Decimals.NONE || size == null || makerSide == null) {
                f.fail("trade without product_id, price, size or side");
            } else {
                f.trades.add(product, id, price, size, makerSide, time);
            }
        }
    }

    private Side tradeSide(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!scalar(p, v, f, "side")) {
            return null;
        }
        if (text.equalsIgnoreCase("BUY")) {
            return Side.BID;
        }
        if (text.equalsIgnoreCase("SELL")) {
            return Side.ASK;
        }
        f.fail("unknown trade side '" + text + "'");
        return null;
    }

    /** {@code [{"type":"ticker","product_id":..,"price":..,"volume_24_h":..,"best_bid":..,...}]} */
    private void tickers(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!array(p, v, f, "tickers")) {
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                f.fail("ticker is " + t + ", not an object");
                p.skipChildren();
                continue;
            }
            Product product = null;
            long price = Decimals.NONE;
            BigDecimal volume = null;
            long bestBid = Decimals.NONE;
            BigDecimal bestBidSize = null;
            long bestAsk = Decimals.NONE;
            BigDecimal bestAskSize = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken tv = p.nextToken();
                switch (name) {
                    case "product_id" -> product = product(p, tv, f);
                    case "price" -> price = optionalDecimal(p, tv, f, name);
                    case "volume_24_h" -> volume = wide(p, tv, f, name);
                    case "best_bid" -> bestBid = optionalDecimal(p, tv, f, name);
                    case "best_bid_quantity" -> bestBidSize = wide(p, tv, f, name);
                    case "best_ask" -> bestAsk = optionalDecimal(p, tv, f, name);
                    case "best_ask_quantity" -> bestAskSize = wide(p, tv, f, name);
                    default -> p.skipChildren();
                }
            }
            if (product == null) {
                f.fail("ticker without product_id");
            } else {
                f.tickers.add(product, price, volume, bestBid, bestBidSize, bestAsk, bestAskSize);
            }
        }
    }

    /**
     * The next field's name, or null at the end of the object: the {@code index}-th of the usual {@code order} is
     * tried first, matched against the input without a symbol-table lookup.
     */
    private static String nextName(JsonParser p, SerializedString[] order, int index) throws IOException {
        if (index < order.length) {
            if (p.nextFieldName(order[index])) {
                return order[index].getValue();
            }
            return p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
        }
        return p.nextToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
    }

    private static SerializedString[] names(String... names) {
        SerializedString[] result = new SerializedString[names.length];
        for (int i = 0; i < names.length; i++) {
            result[i] = new SerializedString(names[i]);
        }
        return result;
    }

    // ---- values ----------------------------------------------------------------------------------------------

    /**
     * Points {@link #text} at a scalar value. False for null (treated as absent) and for a non-scalar, which is also
     * recorded as a failure and skipped.
     */
    private boolean scalar(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
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

    private Product product(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!scalar(p, v, f, "product_id")) {
            return null;
        }
        return products.find(text.buffer(), text.offset(), text.length());
    }

    private long decimal(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
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
    private long optionalDecimal(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
        if (v == JsonToken.VALUE_STRING && p.getTextLength() == 0) {
            return Decimals.NONE;
        }
        return decimal(p, v, f, field);
    }

    /**
     * A size or total of any width (a micro-priced token's trade, a memecoin's daily volume outgrow 17 digits); an
     * empty string is none.
     */
    private BigDecimal wide(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
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

    private long sequence(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
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
    private long time(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return 0;
        }
        return Rfc3339.epochMillis(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    private static boolean array(JsonParser p, JsonToken v, CoinbaseFrame f, String field) throws IOException {
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
