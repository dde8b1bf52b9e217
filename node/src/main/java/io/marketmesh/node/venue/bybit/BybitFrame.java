package io.marketmesh.node.venue.bybit;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.WideSizes;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * One incoming Bybit v5 public frame, read with {@link BybitJson} into reusable fields (one instance per session,
 * overwritten by every frame; no tree, no String per value). Bybit writes {@code topic}, {@code type} and {@code data}
 * in varying order (spot's kline puts {@code data} first), so {@code data} is read by its shape: an object is a book
 * or a ticker, an array a list of trades; the topic then says which of them to use. Book levels are built as they are
 * read, through {@link LevelUpdate#parse}, from the text the venue sent.
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

    private final BybitJson json = new BybitJson();
    private final TextWindow size = new TextWindow();

    Kind kind;
    Type type;
    Op op;
    /** Where the topic and the venue symbol (after its last dot) sit in {@link #text()}. */
    int topicStart;
    int topicEnd;
    int symbolStart;
    /** The topic's middle part for orderbook topics ({@code 50} in {@code orderbook.50.BTCUSDT}), else -1. */
    int depth;
    long ts;
    /** {@code success} of a control frame: 1 true, 0 false, -1 absent. */
    int success;
    String retMsg;
    String reqId;

    /** Both book sides in the order sent; each level knows its side. */
    final ArrayList<LevelUpdate> levels = new ArrayList<>(256);
    boolean hasBids;
    boolean hasAsks;
    long updateId;

    // ticker data (present fields flagged in tickerFields; "" is sent for "none" and read as Decimals.NONE)
    int tickerFields;
    long lastPrice;
    long bid;
    BigDecimal bidSize;
    long ask;
    BigDecimal askSize;
    BigDecimal volume;
    BigDecimal openInterest;

    // trades, in arrival order
    int tradeCount;
    long[] tradeTime = new long[16];
    long[] tradePrice = new long[16];
    /** Exact at any width: a trade of a micro-priced token can need more than 17 digits. */
    BigDecimal[] tradeSize = new BigDecimal[16];
    Side[] tradeSide = new Side[16];
    String[] tradeId = new String[16];
    /** The taker side word of a trade that is neither Buy nor Sell (null when all were one of them). */
    String oddSide;

    /**
     * Reads {@code text} into this frame.
     *
     * @throws IOException when the text is not one JSON object
     * @throws NumberFormatException when a number the session uses is not a decimal
     */
    void read(String text) throws IOException {
        clear();
        json.reset(text);
        json.expect('{');
        for (boolean first = true; json.more('}', first); first = false) {
            json.name();
            if (json.is("topic")) {
                readTopic();
            } else if (json.is("type")) {
                type = readType();
            } else if (json.is("ts")) {
                ts = json.integer();
            } else if (json.is("data")) {
                readData();
            } else if (json.is("op")) {
                op = readOp();
            } else if (json.is("success")) {
                success = json.bool();
            } else if (json.is("ret_msg")) {
                retMsg = optionalText();
            } else if (json.is("req_id")) {
                reqId = optionalText();
            } else {
                json.skip();
            }
        }
        json.end();
    }

    private void clear() {
        kind = Kind.NONE;
        type = Type.MISSING;
        op = Op.NONE;
        topicStart = topicEnd = symbolStart = 0;
        depth = -1;
        ts = 0;
        success = -1;
        retMsg = reqId = null;
        levels.clear();
        hasBids = hasAsks = false;
        updateId = -1;
        tickerFields = 0;
        volume = openInterest = null;
        for (int i = 0; i < tradeCount; i++) {
            tradeId[i] = null;
            tradeSize[i] = null;
        }
        tradeCount = 0;
        oddSide = null;
    }

    /** The frame's text. */
    String text() {
        return json.text();
    }

    /** The topic as text, for messages (allocates). */
    String topic() {
        return json.text().substring(topicStart, topicEnd);
    }

    private String optionalText() throws IOException {
        if (json.peek() != '"') {
            json.skip();
            return null;
        }
        json.string();
        return json.decoded();
    }

    // ---------------------------------------------------------------- header

    private void readTopic() throws IOException {
        json.stringValue("topic");
        String text = json.text();
        topicStart = json.start;
        topicEnd = json.stop;
        int firstDot = text.indexOf('.', topicStart);
        if (json.escaped || firstDot < 0 || firstDot >= topicEnd) {
            kind = Kind.OTHER;
            symbolStart = topicEnd;
            return;
        }
        int lastDot = text.lastIndexOf('.', topicEnd - 1);
        symbolStart = lastDot + 1;
        kind = prefixIs(text, firstDot, "orderbook") ? Kind.ORDERBOOK
                : prefixIs(text, firstDot, "publicTrade") ? Kind.PUBLIC_TRADE
                : prefixIs(text, firstDot, "tickers") ? Kind.TICKERS : Kind.OTHER;
        if (kind == Kind.ORDERBOOK && lastDot > firstDot + 1) {
            depth = smallInt(text, firstDot + 1, lastDot);
        }
    }

    private boolean prefixIs(String text, int firstDot, String word) {
        return firstDot - topicStart == word.length() && text.startsWith(word, topicStart);
    }

    /** The digits in {@code text[from, to)} as an int, or -1 when they are not (only) digits. */
    private static int smallInt(String text, int from, int to) {
        if (to - from > 6) {
            return -1;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private Type readType() throws IOException {
        if (json.peek() != '"') {
            json.skip();
            return Type.OTHER;
        }
        json.string();
        return json.is("delta") ? Type.DELTA : json.is("snapshot") ? Type.SNAPSHOT : Type.OTHER;
    }

    private Op readOp() throws IOException {
        if (json.peek() != '"') {
            json.skip();
            return Op.OTHER;
        }
        json.string();
        return json.is("subscribe") ? Op.SUBSCRIBE : json.is("unsubscribe") ? Op.UNSUBSCRIBE
                : json.is("ping") ? Op.PING : json.is("pong") ? Op.PONG : Op.OTHER;
    }

    // ---------------------------------------------------------------- data

    private void readData() throws IOException {
        int c = json.peek();
        if (c == '{') {
            readDataObject();
        } else if (c == '[') {
            json.expect('[');
            for (boolean first = true; json.more(']', first); first = false) {
                if (json.peek() == '{') {
                    readTrade();
                } else {
                    json.skip();
                }
            }
        } else {
            json.skip();
        }
    }

    /** An orderbook's {@code {s, b, a, u, seq}} or a ticker's fields; whichever the topic needs is used. */
    private void readDataObject() throws IOException {
        json.expect('{');
        for (boolean first = true; json.more('}', first); first = false) {
            json.name();
            if (json.is("b")) {
                hasBids = true;
                readLevels(Side.BID);
            } else if (json.is("a")) {
                hasAsks = true;
                readLevels(Side.ASK);
            } else if (json.is("u")) {
                updateId = json.integer();
            } else if (json.is("lastPrice")) {
                lastPrice = tickerDecimal(LAST);
            } else if (json.is("bid1Price")) {
                bid = tickerDecimal(BID);
            } else if (json.is("bid1Size")) {
                bidSize = tickerSize(BID_SIZE);
            } else if (json.is("ask1Price")) {
                ask = tickerDecimal(ASK);
            } else if (json.is("ask1Size")) {
                askSize = tickerSize(ASK_SIZE);
            } else if (json.is("volume24h")) {
                volume = tickerWide(VOLUME);
            } else if (json.is("openInterest")) {
                openInterest = tickerWide(OPEN_INTEREST);
            } else {
                json.skip();
            }
        }
    }

    /** {@code [["price","size"], ...]}; anything else that is JSON is refused as a bad value once skipped. */
    private void readLevels(Side side) throws IOException {
        if (json.peek() != '[') {
            json.skip();
            throw new IllegalArgumentException("book side is not an array");
        }
        json.expect('[');
        String text = json.text();
        for (boolean first = true; json.more(']', first); first = false) {
            if (json.peek() != '[') {
                json.skip();
                throw new IllegalArgumentException("book level is not an array");
            }
            json.expect('[');
            int priceStart = -1;
            int priceStop = -1;
            int count = 0;
            for (boolean firstPart = true; json.more(']', firstPart); firstPart = false) {
                json.decimalValue("level price or size");
                if (count++ == 0) {
                    priceStart = json.start;
                    priceStop = json.stop;
                }
            }
            if (count != 2) {
                throw new IllegalArgumentException("book level is not [price, size]");
            }
            long price = Decimals.parse(text, priceStart, priceStop);
            levels.add(LevelUpdate.parse(side, price, size.set(text, json.start, json.stop)));
        }
    }

    private long tickerDecimal(int bit) throws IOException {
        tickerFields |= bit;
        json.decimalValue("ticker value");
        return json.stop == json.start ? Decimals.NONE : Decimals.parse(json.text(), json.start, json.stop);
    }

    /** A ticker size, exact at any width (a micro-priced token's best level can need 20 digits). */
    private BigDecimal tickerSize(int bit) throws IOException {
        tickerFields |= bit;
        json.decimalValue("ticker size");
        return json.stop == json.start ? null : WideSizes.parse(size.set(json.text(), json.start, json.stop));
    }

    private BigDecimal tickerWide(int bit) throws IOException {
        tickerFields |= bit;
        json.decimalValue("ticker total");
        return json.stop == json.start ? null : Decimals.parseWide(size.set(json.text(), json.start, json.stop));
    }

    private void readTrade() throws IOException {
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
        tradePrice[i] = Decimals.NONE;
        tradeSize[i] = null;
        tradeSide[i] = null;
        json.expect('{');
        for (boolean first = true; json.more('}', first); first = false) {
            json.name();
            if (json.is("T")) {
                tradeTime[i] = json.integer();
            } else if (json.is("p")) {
                json.decimalValue("trade price");
                tradePrice[i] = Decimals.parse(json.text(), json.start, json.stop);
            } else if (json.is("v")) {
                json.decimalValue("trade size");
                tradeSize[i] = WideSizes.parse(size.set(json.text(), json.start, json.stop));
            } else if (json.is("S")) {
                json.stringValue("trade side");
                // Bybit's S is the taker's side: Buy = the taker bought (lifted an ask).
                tradeSide[i] = json.is("Buy") ? Side.BID : json.is("Sell") ? Side.ASK : null;
                if (tradeSide[i] == null) {
                    oddSide = json.decoded();
                }
            } else if (json.is("i")) {
                json.stringValue("trade id");
                tradeId[i] = json.decoded();
            } else {
                json.skip();
            }
        }
    }
}
