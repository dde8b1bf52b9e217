package io.marketmesh.node.venue.cryptocom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.WideSizes;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * One incoming Crypto.com Exchange v1 frame, read with Jackson's streaming parser into reusable fields (one instance
 * per session, overwritten by every frame). The envelope is {@code {id, method, code, [message, channel, original],
 * result: {instrument_name, subscription, channel, [depth], data: [...]}}}; the venue fixes that field order, but
 * nothing here depends on it: every data item is read into one {@link CryptocomItem} whatever its channel (the fields of book,
 * trade and ticker items do not clash), and the session decides what it is once the whole frame is read.
 *
 * <p>Numbers arrive as JSON strings (level entries, trade and ticker decimals) or JSON numbers ({@code t}, {@code u},
 * {@code pu}, {@code cs}, {@code depth}); the venue's schema declares some of the latter as strings, so both forms are
 * read everywhere. Decimals are taken from the text exactly as written, never through {@code double}.
 */
final class CryptocomFrame {

    static final long ABSENT = Long.MIN_VALUE;

    private static final JsonFactory JSON = new JsonFactory();

    enum Method {
        SUBSCRIBE, UNSUBSCRIBE, HEARTBEAT, ERROR, OTHER, MISSING
    }

    enum Channel {
        BOOK, BOOK_UPDATE, TRADE, TICKER, OTHER, MISSING
    }

    private final CharWindow view = new CharWindow();
    private final StringCache names = new StringCache(256);
    private final List<CryptocomItem> items = new ArrayList<>();

    long id;
    Method method;
    String unknownMethod;
    long code;
    String message;
    String original;
    /** The top-level {@code channel} of a subscription's ack or refusal. */
    String ackChannel;

    boolean hasResult;
    String instrument;
    String subscription;
    Channel channel;
    String unknownChannel;
    int depth;
    int itemCount;

    /**
     * Reads {@code text} into this frame.
     *
     * @throws IOException              when the text is not one JSON object
     * @throws IllegalArgumentException when a value is not what its field must hold (NumberFormatException included)
     */
    void read(String text) throws IOException {
        clear();
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "id" -> readId(p);
                    case "method" -> readMethod(p);
                    case "code" -> code = readLong(p);
                    case "message" -> message = readText(p);
                    case "original" -> original = readText(p);
                    case "channel" -> ackChannel = readText(p);
                    case "result" -> readResult(p);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IOException("unterminated JSON object");
            }
            if (p.nextToken() != null) {
                throw new IOException("trailing content after the JSON object");
            }
        }
    }

    CryptocomItem item(int index) {
        return items.get(index);
    }

    /** The venue's code, 0 (success) when the frame has none (the server's heartbeat had none in the v2 API). */
    long codeOrZero() {
        return code == ABSENT ? 0 : code;
    }

    private void clear() {
        id = ABSENT;
        method = Method.MISSING;
        unknownMethod = null;
        code = ABSENT;
        message = original = ackChannel = null;
        hasResult = false;
        instrument = subscription = null;
        channel = Channel.MISSING;
        unknownChannel = null;
        depth = 0;
        itemCount = 0;
    }

    private void readId(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case VALUE_NUMBER_INT -> id = p.getLongValue();
            case VALUE_STRING -> id = parseLong(window(p));
            case VALUE_NULL -> {
            }
            default -> throw new IllegalArgumentException("'id' is not an integer");
        }
    }

    private void readMethod(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("'method' is not a string");
        }
        window(p);
        if (view.contentEquals("subscribe")) {
            method = Method.SUBSCRIBE;
        } else if (view.contentEquals("public/heartbeat")) {
            method = Method.HEARTBEAT;
        } else if (view.contentEquals("unsubscribe")) {
            method = Method.UNSUBSCRIBE;
        } else if (view.contentEquals("ERROR")) {
            method = Method.ERROR;
        } else {
            method = Method.OTHER;
            unknownMethod = p.getText();
        }
    }

    private void readResult(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        hasResult = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "instrument_name" -> instrument = readName(p);
                case "subscription" -> {
                    if (instrument == null) { // only needed without instrument_name, which comes first
                        subscription = readName(p);
                    }
                }
                case "channel" -> readChannel(p);
                case "depth" -> depth = (int) readLong(p);
                case "data" -> readData(p);
                default -> p.skipChildren();
            }
        }
    }

    private void readChannel(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("'result.channel' is not a string");
        }
        window(p);
        if (view.contentEquals("book.update")) {
            channel = Channel.BOOK_UPDATE;
        } else if (view.contentEquals("book")) {
            channel = Channel.BOOK;
        } else if (view.contentEquals("trade")) {
            channel = Channel.TRADE;
        } else if (view.contentEquals("ticker")) {
            channel = Channel.TICKER;
        } else {
            channel = Channel.OTHER;
            unknownChannel = p.getText();
        }
    }

    private void readData(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("'result.data' is not an array");
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an element of 'result.data' is not an object");
            }
            if (itemCount == items.size()) {
                items.add(new CryptocomItem());
            }
            CryptocomItem item = items.get(itemCount++);
            item.clear();
            readItem(p, item);
        }
    }

    private void readItem(JsonParser p, CryptocomItem item) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "t" -> item.t = readLong(p);
                case "u" -> item.u = readLong(p);
                case "pu" -> item.pu = readLong(p);
                case "asks" -> {
                    item.snapshotSides = true;
                    readSnapshotSide(p, item.asks);
                }
                case "bids" -> {
                    item.snapshotSides = true;
                    readSnapshotSide(p, item.bids);
                }
                case "update" -> readUpdate(p, item);
                case "d" -> item.tradeId = readText(p);
                case "m" -> item.matchId = readText(p);
                case "p" -> item.price = readDecimal(p);
                case "q" -> item.quantity = readWide(p);
                case "s" -> readTakerSide(p, item);
                case "b" -> item.bestBid = readDecimal(p);
                case "bs" -> item.bestBidSize = readWide(p);
                case "k" -> item.bestAsk = readDecimal(p);
                case "ks" -> item.bestAskSize = readWide(p);
                case "a" -> item.last = readDecimal(p);
                case "v" -> item.volume = readText(p);
                case "oi" -> item.openInterest = readText(p);
                default -> p.skipChildren(); // tt, cs (checksum of an unpublished algorithm), h, l, c, vv, i, ...
            }
        }
    }

    private void readUpdate(JsonParser p, CryptocomItem item) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("'update' is not an object");
        }
        item.update = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "asks" -> readUpdateSide(p, Side.ASK, item.updates);
                case "bids" -> readUpdateSide(p, Side.BID, item.updates);
                default -> p.skipChildren();
            }
        }
    }

    /** {@code [[price, quantity, orders], ...]}; the order count is informational (documented as "0" at times). */
    private void readSnapshotSide(JsonParser p, List<PriceLevel> levels) throws IOException {
        requireArray(p, "book side");
        while (p.nextToken() != JsonToken.END_ARRAY) {
            long price = readLevelPrice(p);
            p.nextToken();
            PriceLevel level = PriceLevel.parse(price, levelSize(p));
            skipRestOfLevel(p);
            if (level.size() < 0) {
                throw new IllegalArgumentException("negative size in a book snapshot");
            }
            if (level.size() != 0) {
                levels.add(level);
            }
        }
    }

    private void readUpdateSide(JsonParser p, Side side, List<LevelUpdate> updates) throws IOException {
        requireArray(p, "book update side");
        while (p.nextToken() != JsonToken.END_ARRAY) {
            long price = readLevelPrice(p);
            p.nextToken();
            updates.add(LevelUpdate.parse(side, price, levelSize(p)));
            skipRestOfLevel(p);
        }
    }

    private long readLevelPrice(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("book level is not a [price, quantity, orders] array");
        }
        p.nextToken();
        long price = readDecimal(p);
        if (price == Decimals.NONE) {
            throw new IllegalArgumentException("book level without a price");
        }
        return price;
    }

    private CharWindow levelSize(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new IllegalArgumentException("book level without a quantity");
        }
        return window(p);
    }

    private static void skipRestOfLevel(JsonParser p) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
        }
    }

    private void readTakerSide(JsonParser p, CryptocomItem item) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return;
        }
        window(p);
        if (view.equalsIgnoreCase("BUY")) {
            item.takerSide = Side.BID;
        } else if (view.equalsIgnoreCase("SELL")) {
            item.takerSide = Side.ASK;
        } else {
            item.sideText = p.getText();
        }
    }

    private static void requireArray(JsonParser p, String what) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException(what + " is not an array");
        }
    }

    private CharWindow window(JsonParser p) throws IOException {
        return view.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    /** Instrument and subscription names repeat frame after frame: the same String comes back, made once. */
    private String readName(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return null;
        }
        return names.get(window(p));
    }

    /** Any scalar as written (numbers keep their text); null for JSON null; containers are skipped. */
    private static String readText(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** An integer sent as a JSON number or as a string of digits; {@link #ABSENT} for null. */
    private long readLong(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_STRING -> parseLong(window(p));
            case VALUE_NULL -> ABSENT;
            default -> throw new NumberFormatException("expected an integer, got " + p.currentToken());
        };
    }

    /** A decimal sent as a string ({@code "0.2008"}) or a bare number; exact or it fails; NONE for null. */
    private long readDecimal(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                CharWindow text = window(p);
                yield Decimals.parse(text, 0, text.length());
            }
            case VALUE_NULL -> Decimals.NONE;
            default -> throw new NumberFormatException("expected a decimal, got " + p.currentToken());
        };
    }

    /** A size of any width, exact (trade quantities, ticker sizes); null for null. */
    private BigDecimal readWide(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> WideSizes.parse(window(p));
            case VALUE_NULL -> null;
            default -> throw new NumberFormatException("expected a decimal, got " + p.currentToken());
        };
    }

    private static long parseLong(CharSequence text) {
        int length = text.length();
        if (length == 0) {
            throw new NumberFormatException("empty integer");
        }
        if (length > 18) {
            return Long.parseLong(text.toString()); // rare: may overflow, which Long.parseLong reports
        }
        int i = 0;
        boolean negative = text.charAt(0) == '-';
        if (negative) {
            i = 1;
            if (length == 1) {
                throw new NumberFormatException("not an integer: '-'");
            }
        }
        long value = 0;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException("not an integer: '" + text + "'");
            }
            value = value * 10 + (c - '0');
        }
        return negative ? -value : value;
    }
}
