package io.marketmesh.node.venue.polymarket;

import io.marketmesh.node.venue.CharWindow;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
import java.io.IOException;

/**
 * Streams one market-channel text frame (a JSON object, or an array of them) into {@link WireMessage}s with
 * Jackson's {@link JsonParser}: no tree, no String per value, token ids resolved straight from the parser's
 * buffer. Hot path: every {@code price_change} goes through here.
 */
final class WireReader {

    /** Thread-safe and costly to make: one for the JVM. */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Receives each object of a frame, and what could not be read. */
    interface Sink {

        /** One whole object; {@link WireMessage#error} is set when a value in it was bad. */
        void message(WireMessage message);

        /**
         * The frame is not valid JSON (or not an object/array). {@code partial} is the object being read when
         * it broke, or null when the break was outside any object. Objects before the break were delivered.
         */
        void malformed(String reason, WireMessage partial);
    }

    private final AssetIndex assets;
    private final WireMessage message = new WireMessage();
    private final CharWindow text = new CharWindow();

    WireReader(AssetIndex assets) {
        this.assets = assets;
    }

    void read(String frame, Sink sink) {
        boolean insideObject = false;
        try (JsonParser p = JSON.createParser(frame)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                insideObject = true;
                readObject(p);
                insideObject = false;
                sink.message(message);
            } else if (t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        sink.malformed("malformed JSON: unterminated array", null);
                        return;
                    }
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        sink.malformed("array element is " + t + ", not an object", null);
                        continue;
                    }
                    insideObject = true;
                    readObject(p);
                    insideObject = false;
                    sink.message(message);
                }
            } else {
                sink.malformed(t == null ? "empty frame" : "frame is " + t + ", not a JSON object or array", null);
                return;
            }
            if (p.nextToken() != null) {
                sink.malformed("trailing data after the JSON value", null);
            }
        } catch (JsonProcessingException e) {
            sink.malformed("malformed JSON: " + e.getOriginalMessage(), insideObject ? message : null);
        } catch (IOException e) {
            // Reading from a String: only reachable through a parser bug, but never let it escape the session.
            sink.malformed("unreadable frame: " + e.getMessage(), insideObject ? message : null);
        }
    }

    private void readObject(JsonParser p) throws IOException {
        WireMessage m = message;
        m.reset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "event_type" -> {
                    if (scalar(p, v, m, name)) {
                        m.type = EventType.of(text);
                        if (m.type == EventType.UNKNOWN) {
                            m.unknownType = text.toString();
                        }
                    }
                }
                case "asset_id" -> m.asset = asset(p, v, m);
                case "timestamp" -> m.timestamp = timestamp(p, v);
                case "price" -> m.price = decimal(p, v, m, name);
                case "size" -> m.size = decimal(p, v, m, name);
                case "side" -> m.side = side(p, v, m);
                case "hash" -> copy(p, v, m, name, m.hash);
                case "best_bid" -> m.bestBid = optionalDecimal(p, v, m, name);
                case "best_ask" -> m.bestAsk = optionalDecimal(p, v, m, name);
                // buys/sells: the names the venue's docs give a book's sides in their field table
                case "bids", "buys" -> levels(p, v, m, m.bids, name);
                case "asks", "sells" -> levels(p, v, m, m.asks, name);
                case "price_changes" -> {
                    m.hasPriceChanges = true;
                    items(p, v, m, true, name);
                }
                case "changes" -> {
                    m.hasLegacyChanges = true;
                    items(p, v, m, false, name);
                }
                case "assets_ids" -> tokens(p, v, m, 2, name);
                case "clob_token_ids" -> tokens(p, v, m, 1, name);
                case "old_tick_size" -> copy(p, v, m, name, m.oldTickSize);
                case "new_tick_size" -> copy(p, v, m, name, m.newTickSize);
                case "winning_outcome" -> copy(p, v, m, name, m.winningOutcome);
                default -> p.skipChildren();
            }
        }
        if (m.hasPriceChanges && m.hasLegacyChanges) {
            m.fail("price_change carries both price_changes and changes");
        }
    }

    /**
     * Points {@link #text} at a scalar value. False for null (treated as absent) and for a non-scalar, which
     * is also recorded as an error and skipped.
     */
    private boolean scalar(JsonParser p, JsonToken v, WireMessage m, String field) throws IOException {
        switch (v) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                text.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                return true;
            }
            case VALUE_NULL -> {
                return false;
            }
            default -> {
                m.fail(field + " is " + v + ", not a scalar");
                p.skipChildren();
                return false;
            }
        }
    }

    private long decimal(JsonParser p, JsonToken v, WireMessage m, String field) throws IOException {
        if (!scalar(p, v, m, field)) {
            return Decimals.NONE;
        }
        try {
            return Decimals.parse(text, 0, text.length());
        } catch (NumberFormatException e) {
            m.fail("bad " + field + " '" + text + "': " + e.getMessage());
            return Decimals.NONE;
        }
    }

    /** Like {@link #decimal}, but an empty string is {@link WireMessage#EMPTY}, not an error. */
    private long optionalDecimal(JsonParser p, JsonToken v, WireMessage m, String field) throws IOException {
        if (v == JsonToken.VALUE_STRING && p.getTextLength() == 0) {
            return WireMessage.EMPTY;
        }
        return decimal(p, v, m, field);
    }

    /** Epoch-ms string. Not checked strictly: a timestamp does not change the book, so a bad one reads as 0. */
    private long timestamp(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NUMBER_INT) {
            p.skipChildren();
            return 0;
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        if (length == 0 || length > 18) {
            return 0;
        }
        long value = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            char c = chars[i];
            if (c < '0' || c > '9') {
                return 0;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private Side side(JsonParser p, JsonToken v, WireMessage m) throws IOException {
        if (!scalar(p, v, m, "side")) {
            return null;
        }
        if (text.equalsIgnoreCase("BUY")) {
            return Side.BID;
        }
        if (text.equalsIgnoreCase("SELL")) {
            return Side.ASK;
        }
        m.fail("bad side '" + text + "'");
        return null;
    }

    private Asset asset(JsonParser p, JsonToken v, WireMessage m) throws IOException {
        if (!scalar(p, v, m, "asset_id")) {
            return null;
        }
        Asset a = assets.find(text.buffer(), text.offset(), text.length());
        return a == null ? Asset.FOREIGN : a;
    }

    private void copy(JsonParser p, JsonToken v, WireMessage m, String field, StringBuilder into) throws IOException {
        if (scalar(p, v, m, field)) {
            into.setLength(0);
            into.append(text.buffer(), text.offset(), text.length());
        }
    }

    /** {@code [{"price":"0.5","size":"10"}, ...]} */
    private void levels(JsonParser p, JsonToken v, WireMessage m, WireMessage.Levels into, String field)
            throws IOException {
        if (!array(p, v, m, field)) {
            return;
        }
        into.present = true;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                m.fail(field + " level is " + t + ", not an object");
                p.skipChildren();
                continue;
            }
            long price = Decimals.NONE;
            long size = Decimals.NONE;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken lv = p.nextToken();
                switch (name) {
                    case "price" -> price = decimal(p, lv, m, field + " price");
                    case "size" -> size = decimal(p, lv, m, field + " size");
                    default -> p.skipChildren();
                }
            }
            if (price == Decimals.NONE || size == Decimals.NONE) {
                m.fail(field + " level without price or size");
            } else {
                into.add(price, size);
            }
        }
    }

    /** {@code price_changes[]} (each item with its asset_id and best_bid/best_ask) or legacy {@code changes[]}. */
    private void items(JsonParser p, JsonToken v, WireMessage m, boolean currentFormat, String field)
            throws IOException {
        if (!array(p, v, m, field)) {
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                m.fail(field + " item is " + t + ", not an object");
                p.skipChildren();
                continue;
            }
            Asset asset = null;
            Side side = null;
            long price = Decimals.NONE;
            long size = Decimals.NONE;
            long bestBid = Decimals.NONE;
            long bestAsk = Decimals.NONE;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken iv = p.nextToken();
                switch (name) {
                    case "asset_id" -> asset = asset(p, iv, m);
                    case "price" -> price = decimal(p, iv, m, "price");
                    case "size" -> size = decimal(p, iv, m, "size");
                    case "side" -> side = side(p, iv, m);
                    case "best_bid" -> bestBid = optionalDecimal(p, iv, m, "best_bid");
                    case "best_ask" -> bestAsk = optionalDecimal(p, iv, m, "best_ask");
                    default -> p.skipChildren();
                }
            }
            if (currentFormat && asset == null) {
                m.fail(field + " item without asset_id");
            }
            if (price == Decimals.NONE || size == Decimals.NONE || side == null) {
                m.fail(field + " item without price, side or size");
            }
            // Added even when bad, so a rejected message still names the tokens whose books it concerned.
            m.items.add(asset, side, price, size, bestBid, bestAsk);
        }
    }

    /** {@code assets_ids} / {@code clob_token_ids}: keeps this socket's tokens only. */
    private void tokens(JsonParser p, JsonToken v, WireMessage m, int source, String field) throws IOException {
        if (source < m.tokenSource) {
            p.skipChildren();
            return;
        }
        if (!array(p, v, m, field)) {
            return;
        }
        m.tokenCount = 0;
        m.tokenSource = source;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                m.fail(field + " element is " + t + ", not a string");
                p.skipChildren();
                continue;
            }
            Asset a = assets.find(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            if (a != null) {
                m.addToken(a);
            }
        }
    }

    private static boolean array(JsonParser p, JsonToken v, WireMessage m, String field) throws IOException {
        if (v == JsonToken.START_ARRAY) {
            return true;
        }
        if (v != JsonToken.VALUE_NULL) {
            m.fail(field + " is " + v + ", not an array");
            p.skipChildren();
        }
        return false;
    }
}
