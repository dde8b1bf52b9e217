package io.marketmesh.node.venue.kraken;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.WideSizes;
import java.math.BigDecimal;
import java.io.IOException;

/**
 * Streams one Kraken WebSocket v2 frame into a {@link KrakenMessage} with Jackson's {@link JsonParser}: no tree, and
 * on the hot path (book frames) no String per value. v2 sends prices and sizes as bare JSON numbers printed at the
 * pair's precision ({@code 0.12290}, {@code 600.00000000}); they are read from the number's own text, never through a
 * double, and how many decimals each was written with is kept, since the book checksum is computed from that text.
 * A number sent as a JSON string (as in some of the venue's documentation examples) is read the same way.
 */
final class KrakenReader {

    /** Thread-safe and costly to make: one for the JVM. */
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final KrakenMessage.Channel[] CHANNELS = KrakenMessage.Channel.values();

    private final SymbolTable<?> knownSymbols;
    private final CharWindow text = new CharWindow();
    private final StringBuilder qtyText = new StringBuilder(32);

    /** @param knownSymbols the symbols this socket carries: their frames reuse the symbol's String */
    KrakenReader(SymbolTable<?> knownSymbols) {
        this.knownSymbols = knownSymbols;
    }

    /**
     * Reads {@code frame} into {@code m}. Values that cannot be read are recorded on their item ({@link
     * KrakenMessage.Item#bad}) and the rest is read on.
     *
     * @return null when the frame is a JSON object read to its end, otherwise why not (malformed JSON, a JSON array
     *     as WebSocket v1 sends, trailing data); {@code m} then holds what was read before the break
     */
    String read(String frame, KrakenMessage m) {
        m.reset();
        try (JsonParser p = JSON.createParser(frame)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                return "a JSON array, as Kraken WebSocket v1 sends; this socket speaks v2 (JSON objects)";
            }
            if (t != JsonToken.START_OBJECT) {
                return t == null ? "empty frame" : "frame is " + t + ", not a JSON object";
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "channel" -> channel(p, v, m);
                    case "type" -> type(p, v, m);
                    case "data" -> data(p, v, m);
                    case "method" -> m.method = string(p, v);
                    case "success" -> m.success = v == JsonToken.VALUE_TRUE ? Boolean.TRUE
                            : v == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                    case "error" -> m.error = string(p, v);
                    case "req_id" -> m.reqId = integer(p, v);
                    case "result" -> result(p, v, m);
                    case "symbol" -> {
                        String symbol = string(p, v);
                        m.resultSymbol = m.resultSymbol == null ? symbol : m.resultSymbol;
                    }
                    case "event" -> m.v1Event = string(p, v);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return "malformed JSON: unterminated object";
            }
            if (p.nextToken() != null) {
                return "trailing data after the JSON object";
            }
            return null;
        } catch (IOException e) { // JsonProcessingException: malformed JSON; anything else cannot happen on a String
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage();
            return "malformed JSON: " + message;
        }
    }

    private void channel(JsonParser p, JsonToken v, KrakenMessage m) throws IOException {
        if (!scalar(p, v)) {
            m.channel = KrakenMessage.Channel.UNKNOWN;
            m.unknownChannel = String.valueOf(v);
            return;
        }
        for (KrakenMessage.Channel c : CHANNELS) {
            if (c.wire != null && text.contentEquals(c.wire)) {
                m.channel = c;
                return;
            }
        }
        m.channel = KrakenMessage.Channel.UNKNOWN;
        m.unknownChannel = text.toString();
    }

    private void type(JsonParser p, JsonToken v, KrakenMessage m) throws IOException {
        if (!scalar(p, v)) {
            m.type = KrakenMessage.Type.OTHER;
            m.typeText = String.valueOf(v);
        } else if (text.contentEquals("update")) {
            m.type = KrakenMessage.Type.UPDATE;
        } else if (text.contentEquals("snapshot")) {
            m.type = KrakenMessage.Type.SNAPSHOT;
        } else {
            m.type = KrakenMessage.Type.OTHER;
            m.typeText = text.toString();
        }
    }

    private void data(JsonParser p, JsonToken v, KrakenMessage m) throws IOException {
        if (v == JsonToken.START_OBJECT) {
            KrakenInstruments.read(p, m.precisions); // the instrument channel's data: {"assets": [...], "pairs": [...]}
            return;
        }
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                return; // truncated: the parser reports it on the next read
            }
            KrakenMessage.Item item = m.nextItem();
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                item.fail("data element is " + t + ", not an object");
                continue;
            }
            item(p, item);
        }
    }

    private void item(JsonParser p, KrakenMessage.Item item) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "symbol" -> item.symbol = symbol(p, v);
                case "bids" -> levels(p, v, item, Side.BID);
                case "asks" -> levels(p, v, item, Side.ASK);
                case "checksum" -> item.checksum = checksum(p, v, item);
                case "timestamp" -> item.timestamp = timestamp(p, v);
                case "side" -> side(p, v, item);
                case "price" -> item.price = decimal(p, v, item, name);
                case "qty" -> item.qty = size(p, v, item, name);
                case "trade_id" -> item.tradeId = string(p, v);
                case "bid" -> item.bid = decimal(p, v, item, name);
                case "bid_qty" -> item.bidQty = size(p, v, item, name);
                case "ask" -> item.ask = decimal(p, v, item, name);
                case "ask_qty" -> item.askQty = size(p, v, item, name);
                case "last" -> item.last = decimal(p, v, item, name);
                case "volume" -> volume(p, v, item);
                case "system" -> item.system = string(p, v);
                default -> p.skipChildren();
            }
        }
    }

    /** {@code [{"price": 0.12291, "qty": 27039.62776299}, ...]}: each level exact, and the decimals it was sent with. */
    private void levels(JsonParser p, JsonToken v, KrakenMessage.Item item, Side side) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return;
        }
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            item.fail(side == Side.BID ? "bids is not an array" : "asks is not an array");
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            long price = KrakenMessage.ABSENT;
            boolean hasQty = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("price".equals(name)) {
                    if (scalar(p, value)) {
                        price = levelDecimal(item, "price");
                        item.priceDecimals = Math.max(item.priceDecimals, decimalsAsSent(price));
                    }
                } else if ("qty".equals(name)) {
                    if (scalar(p, value)) {
                        qtyText.setLength(0);
                        qtyText.append(text.buffer(), text.offset(), text.length());
                        hasQty = true;
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (price == KrakenMessage.ABSENT || !hasQty) {
                item.fail("a level without price or qty");
                continue;
            }
            try {
                // exact at any width: beyond 17 digits the level carries the exact size beside its rounding
                LevelUpdate level = LevelUpdate.parse(side, price, qtyText);
                item.qtyDecimals = Math.max(item.qtyDecimals, decimalsAsSent(qtyText, level.size()));
                item.levels.add(level);
                if (side == Side.BID) {
                    item.bidCount++;
                } else {
                    item.askCount++;
                }
            } catch (NumberFormatException e) {
                item.fail("bad qty '" + qtyText + "': " + e.getMessage());
            }
        }
        if (t != JsonToken.END_ARRAY) {
            if (t != null) {
                p.skipChildren();
                item.fail("a level is " + t + ", not an object");
                // read on to the end of the array
                while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                    p.skipChildren();
                }
            }
        }
    }

    private long levelDecimal(KrakenMessage.Item item, String field) {
        try {
            return Decimals.parse(text, 0, text.length());
        } catch (NumberFormatException e) {
            item.fail("bad " + field + " '" + text + "': " + e.getMessage());
            return KrakenMessage.ABSENT;
        }
    }

    /** Decimals of the text {@link #text} holds (the token just read), for the parsed {@code value}. */
    private int decimalsAsSent(long value) {
        return value == KrakenMessage.ABSENT ? -1 : decimalsAsSent(text, value);
    }

    /**
     * Digits after the point as written ({@code 0.12290} → 5, trailing zeros count: the venue prints its precision).
     * With an exponent, which Kraken does not send, the value's own shortest decimals.
     */
    static int decimalsAsSent(CharSequence number, long value) {
        int point = -1;
        int n = number.length();
        for (int i = 0; i < n; i++) {
            char c = number.charAt(i);
            if (c == '.') {
                point = i;
            } else if (c == 'e' || c == 'E') {
                return Decimals.decimals(value);
            }
        }
        return point < 0 ? 0 : n - point - 1;
    }

    private long decimal(JsonParser p, JsonToken v, KrakenMessage.Item item, String field) throws IOException {
        if (!scalar(p, v)) {
            return KrakenMessage.ABSENT;
        }
        try {
            return Decimals.parse(text, 0, text.length());
        } catch (NumberFormatException e) {
            item.fail("bad " + field + " '" + text + "': " + e.getMessage());
            return KrakenMessage.ABSENT;
        }
    }

    /** A size outside a book level (a trade's, a ticker's best), exact at any width. */
    private BigDecimal size(JsonParser p, JsonToken v, KrakenMessage.Item item, String field) throws IOException {
        if (!scalar(p, v)) {
            return null;
        }
        try {
            return WideSizes.parse(text);
        } catch (NumberFormatException e) {
            item.fail("bad " + field + " '" + text + "': " + e.getMessage());
            return null;
        }
    }

    private void volume(JsonParser p, JsonToken v, KrakenMessage.Item item) throws IOException {
        if (!scalar(p, v)) {
            return;
        }
        try {
            item.volume = Decimals.parseWide(text);
        } catch (NumberFormatException e) {
            item.fail("bad volume '" + text + "': " + e.getMessage());
        }
    }

    /** The CRC32 as an unsigned 32-bit number (Kraken sends it as a JSON integer; a string is read the same way). */
    private long checksum(JsonParser p, JsonToken v, KrakenMessage.Item item) throws IOException {
        if (!scalar(p, v)) {
            return -1;
        }
        // Kraken documents an unsigned 32-bit number; a server computing it as a signed int (JavaScript's CRC
        // libraries do) sends the same 32 bits negative, so a minus sign is read as two's complement.
        boolean negative = text.length() > 1 && text.charAt(0) == '-';
        long value = digits(negative ? text.subSequence(1, text.length()) : text);
        if (negative && value > 0 && value <= 0x8000_0000L) {
            value = -value & 0xFFFF_FFFFL;
        } else if (negative) {
            value = -1;
        }
        if (value < 0 || value > 0xFFFF_FFFFL) {
            item.fail("checksum '" + text + "' is not an unsigned 32-bit number");
            return -1;
        }
        return value;
    }

    private long timestamp(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return 0;
        }
        return KrakenTime.epochMillis(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    /** The taker's side: {@code buy} = the taker bought. */
    private void side(JsonParser p, JsonToken v, KrakenMessage.Item item) throws IOException {
        if (!scalar(p, v)) {
            return;
        }
        if (text.contentEquals("buy")) {
            item.side = Side.BID;
        } else if (text.contentEquals("sell")) {
            item.side = Side.ASK;
        } else {
            item.sideText = text.toString();
        }
    }

    private String symbol(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return null;
        }
        String known = knownSymbols.key(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        return known != null ? known : p.getText();
    }

    private void result(JsonParser p, JsonToken v, KrakenMessage m) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "channel" -> m.resultChannel = string(p, value);
                case "symbol" -> m.resultSymbol = string(p, value);
                default -> p.skipChildren();
            }
        }
    }

    /** Points {@link #text} at a scalar value; false (and the value skipped) for null, objects and arrays. */
    private boolean scalar(JsonParser p, JsonToken v) throws IOException {
        switch (v) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                text.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                return true;
            }
            default -> {
                p.skipChildren();
                return false;
            }
        }
    }

    private String string(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** A non-negative integer of at most 18 digits; -1 otherwise. */
    private long integer(JsonParser p, JsonToken v) throws IOException {
        return scalar(p, v) ? digits(text) : -1;
    }

    private static long digits(CharSequence s) {
        int n = s.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
