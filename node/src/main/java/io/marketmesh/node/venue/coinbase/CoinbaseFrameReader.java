package io.marketmesh.node.venue.coinbase;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import io.marketmesh.node.venue.coinbase.CoinbaseFrame.EventType;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
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
    private static final SerializedString[] ENVELOPE_FIELDS =
            CoinbaseValues.names("channel", "client_id", "timestamp", "sequence_num", "events");
    private static final SerializedString[] EVENT_FIELDS = CoinbaseValues.names("type", "product_id", "updates");
    private static final SerializedString[] LEVEL_FIELDS =
            CoinbaseValues.names("side", "event_time", "price_level", "new_quantity");

    private final CoinbaseFrame frame = new CoinbaseFrame();
    private final CoinbaseValues values;

    CoinbaseFrameReader(ProductIndex products) {
        this.values = new CoinbaseValues(products);
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
        for (int field = 0; (name = CoinbaseValues.nextName(p, ENVELOPE_FIELDS, field)) != null; field++) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "channel" -> {
                    if (values.scalar(p, v, f, name)) {
                        f.channel = Channel.of(values.text);
                        if (f.channel == Channel.UNKNOWN) {
                            f.unknownChannel = values.text.toString();
                        }
                    }
                }
                case "sequence_num" -> f.sequence = values.sequence(p, v, f);
                case "timestamp" -> f.timestamp = values.time(p, v);
                case "type" -> f.error = values.scalar(p, v, f, name) && values.text.contentEquals("error");
                case "message" -> {
                    if (values.scalar(p, v, f, name)) {
                        f.message.append(values.text.buffer(), values.text.offset(), values.text.length());
                    }
                }
                case "events" -> events(p, v, f);
                default -> p.skipChildren();
            }
        }
    }

    private void events(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!CoinbaseValues.array(p, v, f, "events")) {
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
        for (int field = 0; (name = CoinbaseValues.nextName(p, EVENT_FIELDS, field)) != null; field++) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "type" -> type = values.scalar(p, v, f, name) ? eventType() : null;
                case "product_id" -> product = values.product(p, v, f);
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
        if (values.text.contentEquals("update")) {
            return EventType.UPDATE;
        }
        return values.text.contentEquals("snapshot") ? EventType.SNAPSHOT : EventType.OTHER;
    }

    /** {@code [{"side":"bid","event_time":"...","price_level":"65083.66","new_quantity":"0.2"}, ...]} */
    private void levels(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!CoinbaseValues.array(p, v, f, "updates")) {
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
            for (int field = 0; (name = CoinbaseValues.nextName(p, LEVEL_FIELDS, field)) != null; field++) {
                JsonToken lv = p.nextToken();
                switch (name) {
                    case "side" -> side = bookSide(p, lv, f);
                    case "price_level" -> price = values.decimal(p, lv, f, name);
                    case "new_quantity" -> {
                        // Copied as text while the parser still holds it; it becomes a number through
                        // LevelUpdate.parse/PriceLevel.parse, which decide how wide a size may be.
                        if (slot >= 0) {
                            f.fail("level update with new_quantity twice");
                            p.skipChildren();
                        } else if (values.scalar(p, lv, f, name)) {
                            slot = f.levels.count;
                            f.levels.add(null, Decimals.NONE, values.text);
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
        if (!values.scalar(p, v, f, "side")) {
            return null;
        }
        if (values.text.contentEquals("bid")) {
            return Side.BID;
        }
        if (values.text.contentEquals("offer")) {
            return Side.ASK;
        }
        f.fail("unknown book side '" + values.text + "'");
        return null;
    }

    /** {@code [{"product_id":..,"trade_id":..,"price":..,"size":..,"time":..,"side":"BUY"|"SELL"}, ...]} */
    private void trades(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!CoinbaseValues.array(p, v, f, "trades")) {
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
                    case "product_id" -> product = values.product(p, tv, f);
                    case "trade_id" -> id = values.scalar(p, tv, f, name) ? values.text.toString() : null;
                    case "price" -> price = values.decimal(p, tv, f, name);
                    case "size" -> size = values.wide(p, tv, f, name);
                    case "side" -> makerSide = tradeSide(p, tv, f);
                    case "time" -> time = values.time(p, tv);
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
        if (!values.scalar(p, v, f, "side")) {
            return null;
        }
        if (values.text.equalsIgnoreCase("BUY")) {
            return Side.BID;
        }
        if (values.text.equalsIgnoreCase("SELL")) {
            return Side.ASK;
        }
        f.fail("unknown trade side '" + values.text + "'");
        return null;
    }

    /** {@code [{"type":"ticker","product_id":..,"price":..,"volume_24_h":..,"best_bid":..,...}]} */
    private void tickers(JsonParser p, JsonToken v, CoinbaseFrame f) throws IOException {
        if (!CoinbaseValues.array(p, v, f, "tickers")) {
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
                    case "product_id" -> product = values.product(p, tv, f);
                    case "price" -> price = values.optionalDecimal(p, tv, f, name);
                    case "volume_24_h" -> volume = values.wide(p, tv, f, name);
                    case "best_bid" -> bestBid = values.optionalDecimal(p, tv, f, name);
                    case "best_bid_quantity" -> bestBidSize = values.wide(p, tv, f, name);
                    case "best_ask" -> bestAsk = values.optionalDecimal(p, tv, f, name);
                    case "best_ask_quantity" -> bestAskSize = values.wide(p, tv, f, name);
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
}
