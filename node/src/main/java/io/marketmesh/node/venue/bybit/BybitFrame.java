package io.marketmesh.node.venue.bybit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.Side;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * One incoming Bybit v5 public frame, read with Jackson's streaming parser into reusable fields (one instance per
 * session, overwritten by every frame; no tree). Bybit writes {@code topic}, {@code type} and {@code data} in varying
 * order (spot's kline puts {@code data} first), so {@code data} is read by its shape: an object is a book or a ticker,
 * an array a list of trades; the topic then says which of them to use. Book levels are built as they are read, through
 * {@link LevelUpdate#parse}, from the text the venue sent.
 */
final class BybitFrame {

    /** What a frame's {@code topic} is about: the part before the first dot. */
    enum Kind {
        ORDERBOOK, PUBLIC_TRADE, TICKERS,
        /** A topic this session never subscribes (kline, allLiquidation, ...). */
        OTHER,
        /** No topic: a control frame ({@code op}) or garbage. */
        NONE
    }

    enum Type {
        SNAPSHOT, DELTA, OTHER, MISSING
    }

    /** The {@code op} of a control frame (answers to subscribe, unsubscribe and ping). */
    enum Op {
        SUBSCRIBE, UNSUBSCRIBE, PING, PONG, OTHER, NONE
    }

    /** Bits of {@link #tickerFields}: which ticker fields the frame carried (a linear delta carries only changes). */
    static final int LAST = 1, BID = 2, BID_SIZE = 4, ASK = 8, ASK_SIZE = 16, VOLUME = 32, OPEN_INTEREST = 64;

    private static final JsonFactory JSON = new JsonFactory();

    private final CharWindow view = new CharWindow();
    private char[] topic = new char[64];

    Kind kind;
    Type type;
    Op op;
    /** Where the venue symbol sits in {@link #topicChars()}: after the topic's last dot. */
    int topicLength;
    int symbolStart;
    /** The topic's middle part for orderbook topics ({@code 50} in {@code orderbook.50.BTCUSDT}), else -1. */
    int depth;
    long ts;
    /** {@code success} of a control frame: 1 true, 0 false, -1 absent. */
    int success;
    String retMsg;
    String reqId;

    // orderbook data
    /** Both sides in the order sent; each level knows its side. */
    final ArrayList<LevelUpdate> levels = new ArrayList<>(256);
    boolean hasBids;
    boolean hasAsks;
    long updateId;
    long crossSeq;

    // ticker data (present fields flagged in tickerFields; "" is sent for "none" and read as Decimals.NONE)
    int tickerFields;
    long lastPrice;
    long bid;
    long bidSize;
    long ask;
    long askSize;
    BigDecimal volume;
    BigDecimal openInterest;

    // trades, in arrival order
    int tradeCount;
    long[] tradeTime = new long[16];
    long[] tradePrice = new long[16];
    long[] tradeSize = new long[16];
    Side[] tradeSide = new Side[16];
    String[] tradeId = new String[16];
    /** The taker side word of a trade that is neither Buy nor Sell (null when all were one of them). */
    String oddSide;

    /**
     * Reads {@code text} into this frame.
     *
     * @throws IOException when the text is not one JSON object
     * @throws NumberFormatException when a number the session uses is not an exact decimal
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
                JsonToken value = p.nextToken();
                switch (name) {
                    case "topic" -> readTopic(p, value);
                    case "type" -> type = readType(p, value);
                    case "ts" -> ts = readLong(p, value);
                    case "data" -> readData(p, value);
                    case "op" -> op = readOp(p, value);
                    case "success" -> success = value == JsonToken.VALUE_TRUE ? 1 : value == JsonToken.VALUE_FALSE ? 0 : -1;
                    case "ret_msg" -> retMsg = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "req_id" -> reqId = value == JsonToken.VALUE_NULL ? null : p.getText();
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

    private void clear() {
        kind = Kind.NONE;
        type = Type.MISSING;
        op = Op.NONE;
        topicLength = symbolStart = 0;
        depth = -1;
        ts = 0;
        success = -1;
        retMsg = reqId = null;
        levels.clear();
        hasBids = hasAsks = false;
        updateId = crossSeq = -1;
        tickerFields = 0;
        volume = openInterest = null;
        for (int i = 0; i < tradeCount; i++) {
            tradeId[i] = null;
        }
        tradeCount = 0;
        oddSide = null;
    }

    char[] topicChars() {
        return topic;
    }

    int symbolLength() {
        return topicLength - symbolStart;
    }

    /** The topic as text, for messages (allocates). */
    String topic() {
        return new String(topic, 0, topicLength);
    }

    // ---------------------------------------------------------------- header

    private void readTopic(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new IOException("topic is not a string");
        }
        int length = p.getTextLength();
        if (length > topic.length) {
            topic = new char[Math.max(length, topic.length * 2)];
        }
        System.arraycopy(p.getTextCharacters(), p.getTextOffset(), topic, 0, length);
        topicLength = length;
        int firstDot = indexOf('.', 0);
        int lastDot = lastIndexOf('.');
        symbolStart = lastDot + 1;
        kind = firstDot < 0 ? Kind.OTHER : kindOf(firstDot);
        if (kind == Kind.ORDERBOOK && lastDot > firstDot + 1) {
            depth = smallInt(firstDot + 1, lastDot);
        }
    }

    private Kind kindOf(int prefixLength) {
        view.set(topic, 0, prefixLength);
        if (view.contentEquals("orderbook")) {
            return Kind.ORDERBOOK;
        }
        if (view.contentEquals("publicTrade")) {
            return Kind.PUBLIC_TRADE;
        }
        if (view.contentEquals("tickers")) {
            return Kind.TICKERS;
        }
        return Kind.OTHER;
    }

    private int indexOf(char c, int from) {
        for (int i = from; i < topicLength; i++) {
            if (topic[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private int lastIndexOf(char c) {
        for (int i = topicLength - 1; i >= 0; i--) {
            if (topic[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The digits in {@code topic[from, to)} as an int, or -1 when they are not (only) digits. */
    private int smallInt(int from, int to) {
        if (to - from > 6) {
            return -1;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = topic[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private Type readType(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            return Type.OTHER;
        }
        CharWindow w = window(p);
        return w.contentEquals("delta") ? Type.DELTA : w.contentEquals("snapshot") ? Type.SNAPSHOT : Type.OTHER;
    }

    private Op readOp(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            return Op.OTHER;
        }
        CharWindow w = window(p);
        if (w.contentEquals("subscribe")) {
            return Op.SUBSCRIBE;
        }
        if (w.contentEquals("unsubscribe")) {
            return Op.UNSUBSCRIBE;
        }
        if (w.contentEquals("ping")) {
            return Op.PING;
        }
        return w.contentEquals("pong") ? Op.PONG : Op.OTHER;
    }

    // ---------------------------------------------------------------- data

    private void readData(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.START_OBJECT) {
            readDataObject(p);
        } else if (value == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                readTrade(p);
            }
        } else {
            p.skipChildren();
        }
    }

    /** An orderbook's {@code {s, b, a, u, seq}} or a ticker's fields; whichever the topic needs is used. */
    private void readDataObject(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "b" -> {
                    hasBids = true;
                    readLevels(p, value, Side.BID);
                }
                case "a" -> {
                    hasAsks = true;
                    readLevels(p, value, Side.ASK);
                }
                case "u" -> updateId = readLong(p, value);
                case "seq" -> crossSeq = readLong(p, value);
                case "lastPrice" -> lastPrice = tickerDecimal(p, value, LAST);
                case "bid1Price" -> bid = tickerDecimal(p, value, BID);
                case "bid1Size" -> bidSize = tickerDecimal(p, value, BID_SIZE);
                case "ask1Price" -> ask = tickerDecimal(p, value, ASK);
                case "ask1Size" -> askSize = tickerDecimal(p, value, ASK_SIZE);
                case "volume24h" -> volume = tickerWide(p, value, VOLUME);
                case "openInterest" -> openInterest = tickerWide(p, value, OPEN_INTEREST);
                default -> p.skipChildren();
            }
        }
    }

    private void readLevels(JsonParser p, JsonToken value, Side side) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new IOException("book side is not an array");
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_ARRAY) {
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new IOException("level price is not a string");
            }
            long price = Decimals.parse(window(p));
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new IOException("level size is not a string");
            }
            levels.add(LevelUpdate.parse(side, price, window(p)));
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw new IOException("level is not [price, size]");
            }
        }
        if (t != JsonToken.END_ARRAY) {
            throw new IOException("book side is not an array of levels");
        }
    }

    private long tickerDecimal(JsonParser p, JsonToken value, int bit) throws IOException {
        tickerFields |= bit;
        if (value != JsonToken.VALUE_STRING) {
            throw new IOException("ticker value is not a string");
        }
        return p.getTextLength() == 0 ? Decimals.NONE : Decimals.parse(window(p));
    }

    private BigDecimal tickerWide(JsonParser p, JsonToken value, int bit) throws IOException {
        tickerFields |= bit;
        if (value != JsonToken.VALUE_STRING) {
            throw new IOException("ticker total is not a string");
        }
        return p.getTextLength() == 0 ? null : Decimals.parseWide(window(p));
    }

    private void readTrade(JsonParser p) throws IOException {
        if (tradeCount == tradePrice.length) {
            int n = tradeCount * 2;
            tradeTime = Arrays.copyOf(tradeTime, n);
            tradePrice = Arrays.copyOf(tradePrice, n);
            tradeSize = Arrays.copyOf(tradeSize, n);
            tradeSide = Arrays.copyOf(tradeSide, n);
            tradeId = Arrays.copyOf(tradeId, n);
        }
        int i = tradeCount++;
        tradeTime[i] = 0;
        tradePrice[i] = tradeSize[i] = Decimals.NONE;
        tradeSide[i] = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "T" -> tradeTime[i] = readLong(p, value);
                case "p" -> tradePrice[i] = stringDecimal(p, value);
                case "v" -> tradeSize[i] = stringDecimal(p, value);
                case "S" -> tradeSide[i] = takerSide(p, value);
                case "i" -> tradeId[i] = value == JsonToken.VALUE_STRING ? p.getText() : null;
                default -> p.skipChildren();
            }
        }
    }

    /** Bybit's {@code S} is the taker's side: Buy = the taker bought (lifted an ask). */
    private Side takerSide(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            CharWindow w = window(p);
            if (w.contentEquals("Buy")) {
                return Side.BID;
            }
            if (w.contentEquals("Sell")) {
                return Side.ASK;
            }
        }
        oddSide = p.getText();
        return null;
    }

    private long stringDecimal(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NUMBER_INT
                && value != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new IOException("number expected");
        }
        return Decimals.parse(window(p));
    }

    private static long readLong(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (value == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(p.getText());
            } catch (NumberFormatException e) {
                throw new IOException("not an integer: " + p.getText());
            }
        }
        throw new IOException("integer expected, got " + value);
    }

    private CharWindow window(JsonParser p) throws IOException {
        return view.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }
}
