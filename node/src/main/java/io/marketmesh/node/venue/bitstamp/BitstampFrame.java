package io.marketmesh.node.venue.bitstamp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.WideSizes;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;

/**
 * One incoming Bitstamp WebSocket v2 frame ({@code {"event":..,"channel":..,"data":{..}}}), read with Jackson's
 * streaming parser into reusable fields: one instance per session, overwritten by every frame, no tree. Bitstamp
 * writes {@code data} before {@code channel} and {@code event}, so every field any event may carry is collected and
 * the session decides afterwards what the frame was.
 *
 * <p>A value that cannot be read exactly (a price that is not a decimal, a size beyond what a book holds) does not stop
 * the read: the frame's {@code channel} is still wanted, to know which book has just missed a change. It is kept in
 * {@link #valueError}.
 */
final class BitstampFrame {

    /** The {@code event} of a frame. */
    enum Event {
        DATA("data"), TRADE("trade"), SUBSCRIBED("bts:subscription_succeeded"),
        UNSUBSCRIBED("bts:unsubscription_succeeded"), HEARTBEAT("bts:heartbeat"),
        REQUEST_RECONNECT("bts:request_reconnect"), ERROR("bts:error"),
        /** An event this session does not know; its text is in {@link #unknownEvent}. */
        UNKNOWN(null),
        /** No {@code event} at all. */
        MISSING(null);

        final String wire;

        Event(String wire) {
            this.wire = wire;
        }

        private static final Event[] KNOWN = java.util.Arrays.stream(values()).filter(e -> e.wire != null)
                .toArray(Event[]::new);

        static Event of(CharWindow text) {
            for (Event e : KNOWN) {
                if (text.contentEquals(e.wire)) {
                    return e;
                }
            }
            return UNKNOWN;
        }
    }

    static final long ABSENT = -1;
    private static final JsonFactory JSON = new JsonFactory();

    private final CharWindow view = new CharWindow();
    private final ChannelNames channels = new ChannelNames();
    private char[] input = new char[512];

    Event event;
    String unknownEvent;
    /** {@code channel}, or null when absent (or empty, as on heartbeats and errors). */
    String channel;
    /** {@code data.microtimestamp} in microseconds, or {@link #ABSENT}. */
    long microtimestamp;
    /** {@code data.bids} then {@code data.asks}, in the order sent; sizes absolute. */
    final ArrayList<LevelUpdate> levels = new ArrayList<>();
    /** Whether {@code data.bids} / {@code data.asks} were present at all (either side may be empty). */
    boolean bids;
    boolean asks;
    /** The first value that could not be read exactly, or null. */
    String valueError;

    // live_trades
    String tradeId;
    long price;
    /** Exact at any width: a trade of a micro-priced token can need more than 17 digits. */
    BigDecimal amount;
    /** {@code type}: 0 = the taker bought, 1 = the taker sold; -1 absent. */
    int tradeType;

    // bts:error
    String errorMessage;
    String errorCode;

    void read(String text) throws IOException {
        clear();
        // Parsed from a reused array: Jackson would otherwise copy every frame's text into a new one.
        int length = text.length();
        if (input.length < length) {
            input = new char[Math.max(length, input.length * 2)];
        }
        text.getChars(0, length, input, 0);
        try (JsonParser p = JSON.createParser(input, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a Bitstamp frame is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "event" -> readEvent(p, value);
                    case "channel" -> {
                        channel = value == JsonToken.VALUE_STRING && p.getTextLength() > 0
                                ? channels.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()) : null;
                        p.skipChildren(); // a channel that is an array or object: read past it, not into it
                    }
                    case "data" -> readData(p, value);
                    default -> p.skipChildren();
                }
            }
            // Read to the end, so that a frame broken after the fields it needs is still found out.
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "not one JSON object");
            }
        }
    }

    private void clear() {
        event = Event.MISSING;
        unknownEvent = null;
        channel = null;
        microtimestamp = ABSENT;
        levels.clear();
        bids = false;
        asks = false;
        valueError = null;
        tradeId = null;
        price = Decimals.NONE;
        amount = null;
        tradeType = -1;
        errorMessage = null;
        errorCode = null;
    }

    private void readEvent(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            p.skipChildren();
            event = Event.UNKNOWN;
            unknownEvent = String.valueOf(value);
            return;
        }
        event = Event.of(window(p));
        if (event == Event.UNKNOWN) {
            unknownEvent = p.getText();
        }
    }

    private void readData(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren(); // null on request_reconnect
            return;
        }
        String priceStr = null;
        String amountStr = null;
        String priceNumber = null;
        String amountNumber = null;
        String idNumber = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "microtimestamp" -> microtimestamp = digits(p, v);
                case "bids" -> {
                    bids = true;
                    readLevels(p, v, Side.BID);
                }
                case "asks" -> {
                    asks = true;
                    readLevels(p, v, Side.ASK);
                }
                case "id_str" -> tradeId = v == JsonToken.VALUE_STRING ? p.getText() : tradeId;
                // A trade id passed 2^53 by 2026: read as the literal text, never through a double.
                case "id" -> idNumber = v.isScalarValue() ? p.getText() : null;
                case "price_str" -> priceStr = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "amount_str" -> amountStr = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "price" -> priceNumber = v.isScalarValue() ? p.getText() : null;
                case "amount" -> amountNumber = v.isScalarValue() ? p.getText() : null;
                case "type" -> tradeType = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
                case "message" -> errorMessage = v.isScalarValue() ? p.getText() : null;
                case "code" -> errorCode = v == JsonToken.VALUE_NULL || !v.isScalarValue() ? null : p.getText();
                default -> p.skipChildren();
            }
        }
        if (tradeId == null) {
            tradeId = idNumber;
        }
        // The *_str fields are exact; the JSON numbers beside them are floats, read only when a string is missing.
        price = decimal(priceStr != null ? priceStr : priceNumber, "price");
        amount = wide(amountStr != null ? amountStr : amountNumber, "amount");
    }

    private void readLevels(JsonParser p, JsonToken v, Side side) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            error(side.id() + " is not an array");
            return;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                p.skipChildren();
                error("a level is not a [price, amount] array");
                continue;
            }
            readLevel(p, side);
        }
    }

    private void readLevel(JsonParser p, Side side) throws IOException {
        JsonToken priceToken = p.nextToken();
        if (priceToken == JsonToken.END_ARRAY) {
            error("an empty level");
            return;
        }
        long levelPrice = Decimals.NONE;
        try {
            levelPrice = Decimals.parse(window(p));
            if (levelPrice <= 0) {
                error("a level price that is not positive: " + p.getText());
                levelPrice = Decimals.NONE;
            }
        } catch (RuntimeException e) {
            error("level price " + p.getText() + ": " + e.getMessage());
        }
        p.skipChildren();
        JsonToken sizeToken = p.nextToken();
        if (sizeToken == JsonToken.END_ARRAY) {
            error("a level without an amount");
            return;
        }
        if (levelPrice != Decimals.NONE) {
            try {
                levels.add(LevelUpdate.parse(side, levelPrice, window(p)));
            } catch (RuntimeException e) {
                error("level amount " + p.getText() + ": " + e.getMessage());
            }
        }
        p.skipChildren();
        // Anything after [price, amount] (none is documented) is skipped.
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
        }
    }

    /** Bitstamp writes timestamps as strings of digits; a number is taken too. */
    private long digits(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NUMBER_INT) {
            p.skipChildren();
            error("microtimestamp is not a number");
            return ABSENT;
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        if (length == 0 || length > 18) {
            error("microtimestamp '" + p.getText() + "' is not a microsecond timestamp");
            return ABSENT;
        }
        long value = 0;
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c < '0' || c > '9') {
                error("microtimestamp '" + p.getText() + "' is not a number");
                return ABSENT;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private long decimal(String text, String what) {
        if (text == null) {
            return Decimals.NONE;
        }
        try {
            return Decimals.parse(text);
        } catch (RuntimeException e) {
            error(what + " " + text + ": " + e.getMessage());
            return Decimals.NONE;
        }
    }

    private BigDecimal wide(String text, String what) {
        if (text == null) {
            return null;
        }
        try {
            return WideSizes.parse(text);
        } catch (RuntimeException e) {
            error(what + " " + text + ": " + e.getMessage());
            return null;
        }
    }

    private CharWindow window(JsonParser p) throws IOException {
        return view.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    private void error(String message) {
        if (valueError == null) {
            valueError = message;
        }
    }
}
