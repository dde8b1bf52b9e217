package io.marketmesh.node.venue.binance;

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
 * One incoming Binance text frame, read with Jackson's streaming parser into reusable fields (one instance per
 * session, overwritten by every frame): no tree, decimals parsed from the parser's buffer. A raw-stream event
 * ({@code {"e":"depthUpdate",...}}) and the same event in the combined-stream wrapper
 * ({@code {"stream":"...","data":{...}}}) read alike, whatever the key order.
 *
 * <p>The same one-letter keys mean different things per event: {@code b}/{@code a} are the diff's bid/ask levels
 * (arrays), bookTicker's best prices (strings), or a trade's buyer/seller order ids and aggTrade's id (numbers); the
 * JSON type tells them apart.
 */
final class BinanceFrame {

    enum Kind {
        DEPTH_UPDATE, TRADE, AGG_TRADE, BOOK_TICKER, SERVER_SHUTDOWN,
        /** An answer to a request: {@code {"result":...,"id":n}}. */
        RESPONSE,
        /** A refused request: {@code {"code":2,"msg":"...","id":n}} (or the code and msg inside {@code "error"}). */
        ERROR,
        /** An event type this session neither subscribes nor knows ({@link #eventType} says which). */
        UNKNOWN_EVENT,
        /** JSON, but no Binance message this session can recognize. */
        UNRECOGNIZED
    }

    static final long ABSENT = Long.MIN_VALUE;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final CharWindow text = new CharWindow();

    Kind kind;
    /** {@code e} as sent (null when absent). */
    String eventType;
    /** What {@code e} names; null when absent. */
    private Kind eventKind;
    /** The last symbol read: most frames name one of a few, so it is reused rather than made anew. */
    private String lastSymbol = "";
    String symbol;
    long eventTime;
    /** depthUpdate {@code U} and {@code u}; bookTicker's {@code u}. */
    long firstUpdateId;
    long lastUpdateId;
    /** depthUpdate levels, bids then asks as sent; reused: copy before keeping. */
    final ArrayList<LevelUpdate> levels = new ArrayList<>();
    /** Whether {@code b} and {@code a} came as arrays of levels (a depthUpdate always has both, empty or not). */
    boolean bidLevels;
    boolean askLevels;

    // bookTicker
    long bidPrice;
    /** Sizes are exact at any width (a best level or a trade of a micro-priced token can need 20 digits). */
    BigDecimal bidSize;
    long askPrice;
    BigDecimal askSize;

    // trade / aggTrade
    long price;
    BigDecimal size;
    long tradeTime;
    long tradeId;
    /** aggTrade's id is its {@code a}, a number. */
    long aggregateId;
    /** {@code m}: the buyer is the maker, so the taker sold; null when absent. */
    Boolean buyerIsMaker;

    // answers
    long id;
    boolean hasResult;
    long errorCode;
    String errorMessage;

    /**
     * Reads one frame into the fields.
     *
     * @throws IOException              when the frame is not JSON (Jackson's {@code JsonProcessingException})
     * @throws NumberFormatException    when a price or size is not a decimal that can be held exactly
     * @throws IllegalArgumentException when the frame is JSON but shaped wrongly (a level that is not a pair, ...)
     */
    void read(String frame) throws IOException {
        clear();
        try (JsonParser p = JSON.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a Binance frame is a JSON object");
            }
            readObject(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing data after the JSON object");
            }
        }
        kind = kindOf();
    }

    private void clear() {
        kind = Kind.UNRECOGNIZED;
        eventType = null;
        eventKind = null;
        symbol = null;
        eventTime = ABSENT;
        firstUpdateId = ABSENT;
        lastUpdateId = ABSENT;
        levels.clear();
        bidLevels = false;
        askLevels = false;
        bidPrice = ABSENT;
        bidSize = null;
        askPrice = ABSENT;
        askSize = null;
        price = ABSENT;
        size = null;
        tradeTime = ABSENT;
        tradeId = ABSENT;
        aggregateId = ABSENT;
        buyerIsMaker = null;
        id = ABSENT;
        hasResult = false;
        errorCode = ABSENT;
        errorMessage = null;
    }

    private Kind kindOf() {
        if (eventKind != null) {
            return eventKind;
        }
        if (errorCode != ABSENT || errorMessage != null) {
            return Kind.ERROR;
        }
        if (hasResult) {
            return Kind.RESPONSE;
        }
        // The spot bookTicker event has no "e": it is known by its fields.
        if (symbol != null && bidPrice != ABSENT && askPrice != ABSENT) {
            return Kind.BOOK_TICKER;
        }
        return Kind.UNRECOGNIZED;
    }

    /** Reads the fields of the object the parser has just entered, up to its end. */
    private void readObject(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.length() == 1) {
                readShortField(name.charAt(0), value, p);
                continue;
            }
            switch (name) {
                // the combined-stream wrapper, and the WebSocket API's form of connection events
                case "data", "event" -> {
                    if (value == JsonToken.START_OBJECT) {
                        readObject(p);
                    } else {
                        p.skipChildren();
                    }
                }
                case "result" -> {
                    hasResult = true;
                    p.skipChildren();
                }
                case "id" -> id = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : ABSENT;
                case "code" -> errorCode = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 0;
                case "msg" -> errorMessage = p.getValueAsString();
                case "error" -> {
                    if (value == JsonToken.START_OBJECT) {
                        readObject(p);
                    } else {
                        errorMessage = value == JsonToken.VALUE_NULL ? errorMessage : p.getValueAsString();
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalArgumentException("unexpected " + t + " in an object");
        }
    }

    private void readShortField(char key, JsonToken value, JsonParser p) throws IOException {
        switch (key) {
            case 'e' -> readEventType(value, p);
            case 'E' -> eventTime = longValue(value, p);
            case 's' -> symbol = value == JsonToken.VALUE_STRING ? symbol(p) : null;
            case 'U' -> firstUpdateId = longValue(value, p);
            case 'u' -> lastUpdateId = longValue(value, p);
            case 'T' -> tradeTime = longValue(value, p);
            case 't' -> tradeId = longValue(value, p);
            case 'p' -> price = decimal(value, p);
            case 'q' -> size = exactSize(value, p);
            case 'B' -> bidSize = exactSize(value, p);
            case 'A' -> askSize = exactSize(value, p);
            case 'm' -> buyerIsMaker = value == JsonToken.VALUE_TRUE ? Boolean.TRUE
                    : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
            case 'b' -> {
                if (value == JsonToken.START_ARRAY) {
                    bidLevels = true;
                    readLevels(p, Side.BID);
                } else if (value == JsonToken.VALUE_STRING) {
                    bidPrice = decimal(value, p);
                } // a number: the trade's buyer order id
            }
            case 'a' -> {
                if (value == JsonToken.START_ARRAY) {
                    askLevels = true;
                    readLevels(p, Side.ASK);
                } else if (value == JsonToken.VALUE_STRING) {
                    askPrice = decimal(value, p);
                } else if (value == JsonToken.VALUE_NUMBER_INT) {
                    aggregateId = p.getLongValue(); // aggTrade's id (a trade's seller order id otherwise)
                }
            }
            default -> p.skipChildren();
        }
    }

    private static final String[] EVENT_NAMES = {"depthUpdate", "trade", "aggTrade", "bookTicker", "serverShutdown"};
    private static final Kind[] EVENT_KINDS = {Kind.DEPTH_UPDATE, Kind.TRADE, Kind.AGG_TRADE, Kind.BOOK_TICKER,
        Kind.SERVER_SHUTDOWN};

    /** Matched in the parser's buffer: the common event types cost no String. */
    private void readEventType(JsonToken value, JsonParser p) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            eventType = p.getValueAsString();
            eventKind = Kind.UNKNOWN_EVENT;
            return;
        }
        CharWindow w = window(p);
        for (int i = 0; i < EVENT_NAMES.length; i++) {
            if (w.contentEquals(EVENT_NAMES[i])) {
                eventType = EVENT_NAMES[i];
                eventKind = EVENT_KINDS[i];
                return;
            }
        }
        eventType = w.toString();
        eventKind = Kind.UNKNOWN_EVENT;
    }

    private String symbol(JsonParser p) throws IOException {
        CharWindow w = window(p);
        if (!w.contentEquals(lastSymbol)) {
            lastSymbol = w.toString();
        }
        return lastSymbol;
    }

    /** {@code [["price","size"], ...]}: each level built from the size text exactly as sent. */
    private void readLevels(JsonParser p, Side side) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_ARRAY) {
            long levelPrice = decimal(p.nextToken(), p);
            JsonToken sizeToken = p.nextToken();
            if (!isScalarNumber(sizeToken)) {
                throw new IllegalArgumentException("a level is [price, size]; its size is " + sizeToken);
            }
            levels.add(LevelUpdate.parse(side, levelPrice, window(p)));
            // Older API versions sent a third, ignored element; anything after the size is skipped.
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new IllegalArgumentException("unterminated level");
                }
                p.skipChildren();
            }
        }
        if (t != JsonToken.END_ARRAY) {
            throw new IllegalArgumentException("a level list holds [price, size] pairs, not " + t);
        }
    }

    private long decimal(JsonToken token, JsonParser p) throws IOException {
        if (!isScalarNumber(token)) {
            throw new IllegalArgumentException("expected a decimal, got " + token);
        }
        CharWindow w = window(p);
        return Decimals.parse(w, 0, w.length());
    }

    private BigDecimal exactSize(JsonToken token, JsonParser p) throws IOException {
        try {
            return Decimals.toBigDecimal(decimal(token, p));
        } catch (NumberFormatException tooWideOrNotANumber) {
            return WideSizes.parse(window(p));
        }
    }

    private CharWindow window(JsonParser p) throws IOException {
        return text.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    private static boolean isScalarNumber(JsonToken token) {
        return token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_FLOAT
                || token == JsonToken.VALUE_NUMBER_INT;
    }

    private static long longValue(JsonToken token, JsonParser p) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (token == JsonToken.VALUE_NULL) {
            return ABSENT;
        }
        throw new IllegalArgumentException("expected an integer, got " + token);
    }
}
