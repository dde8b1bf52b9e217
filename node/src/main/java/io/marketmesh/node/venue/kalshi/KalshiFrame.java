package io.marketmesh.node.venue.kalshi;

import io.marketmesh.node.venue.CharWindow;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.protocol.Decimals;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * One incoming Kalshi frame, read with Jackson's streaming parser into reusable fields (one instance per session,
 * overwritten by every frame). Every field the session may need is collected whatever the message type, so the
 * frame's key order does not matter and no tree is built. Absent numbers are {@link #ABSENT}; decimals are
 * {@link Decimals} fixed point, integer cents already converted to dollars.
 */
final class KalshiFrame {

    static final long ABSENT = Decimals.NONE;

    private static final JsonFactory JSON = new JsonFactory();
    enum Type {
        SUBSCRIBED("subscribed"), UNSUBSCRIBED("unsubscribed"), OK("ok"), ERROR("error"),
        ORDERBOOK_SNAPSHOT("orderbook_snapshot"), ORDERBOOK_DELTA("orderbook_delta"), TRADE("trade"),
        TICKER("ticker"), MARKET_LIFECYCLE_V2("market_lifecycle_v2"), EVENT_LIFECYCLE("event_lifecycle"),
        /** A {@code type} the session does not know; its text is in {@link #unknownType}. */
        UNKNOWN(null),
        /** The frame had no {@code type}. */
        MISSING(null);

        private static final Type[] KNOWN = Arrays.stream(values()).filter(t -> t.wire != null).toArray(Type[]::new);
        final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        static Type of(CharWindow text) {
            for (Type t : KNOWN) {
                if (text.contentEquals(t.wire)) {
                    return t;
                }
            }
            return UNKNOWN;
        }
    }

    /** A YES/NO outcome side as Kalshi writes it. */
    enum Outcome {
        YES, NO, OTHER, MISSING
    }

    /** One side of a snapshot in one of the wire's formats: [[price, size], ...] in arrival order. */
    static final class Levels {
        long[] prices = new long[16];
        long[] sizes = new long[16];
        int count;
        boolean present;

        void clear() {
            count = 0;
            present = false;
        }

        void add(long price, long size) {
            if (count == prices.length) {
                prices = Arrays.copyOf(prices, count * 2);
                sizes = Arrays.copyOf(sizes, count * 2);
            }
            prices[count] = price;
            sizes[count] = size;
            count++;
        }
    }

    private final CharWindow view = new CharWindow();
    private final String[] tickers = new String[256];
    private char[] tsText = new char[40];
    private int tsTextLength;

    Type type;
    String unknownType;
    long id;
    long sid;
    long seq;

    String marketTicker;
    Outcome side;
    long priceDollars;
    long priceCents;
    long deltaFp;
    long delta;
    long tsMs;
    /** {@code ts} when sent as a number: epoch seconds, fixed point (fractions allowed). */
    long tsSecondsFixed;

    // orderbook_snapshot: 2026 fixed-point strings, then the two legacy forms
    final Levels yesFp = new Levels();
    final Levels noFp = new Levels();
    final Levels yesDollars = new Levels();
    final Levels noDollars = new Levels();
    final Levels yesCents = new Levels();
    final Levels noCents = new Levels();

    // trade
    String tradeId;
    long yesPriceDollars;
    long yesPriceCents;
    long countFp;
    long count;
    Outcome takerOutcomeSide;
    Outcome takerSide;

    // ticker
    long yesBidDollars;
    long yesAskDollars;
    long yesBidSizeFp;
    long yesAskSizeFp;
    long yesBidCents;
    long yesAskCents;
    long volumeFp;
    long volume;
    long openInterestFp;
    long openInterest;

    // market_lifecycle_v2
    String eventType;
    String result;
    String settlementValue;
    long determinationTs;
    long settledTs;

    // subscribed / error
    String channel;
    long msgSid;
    long errorCode;
    String errorMessage;

    /**
     * Reads {@code text} into this frame.
     *
     * @throws IOException when the text is not JSON
     * @throws NumberFormatException when a number field holds something that is not an exact decimal
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
                    case "type" -> readType(p);
                    case "id" -> id = readLong(p);
                    case "sid" -> sid = readLong(p);
                    case "seq" -> seq = readLong(p);
                    case "msg" -> readMsg(p);
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
        type = Type.MISSING;
        unknownType = null;
        id = sid = seq = ABSENT;
        marketTicker = null;
        side = Outcome.MISSING;
        priceDollars = priceCents = deltaFp = delta = tsMs = tsSecondsFixed = ABSENT;
        tsTextLength = 0;
        yesFp.clear();
        noFp.clear();
        yesDollars.clear();
        noDollars.clear();
        yesCents.clear();
        noCents.clear();
        tradeId = null;
        yesPriceDollars = yesPriceCents = countFp = count = ABSENT;
        takerOutcomeSide = takerSide = Outcome.MISSING;
        yesBidDollars = yesAskDollars = yesBidSizeFp = yesAskSizeFp = yesBidCents = yesAskCents = ABSENT;
        volumeFp = volume = openInterestFp = openInterest = ABSENT;
        eventType = result = settlementValue = null;
        determinationTs = settledTs = ABSENT;
        channel = null;
        msgSid = errorCode = ABSENT;
        errorMessage = null;
    }

    private void readType(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new IOException("'type' is not a string");
        }
        type = Type.of(view.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
        if (type == Type.UNKNOWN) {
            unknownType = p.getText();
        }
    }

    private void readMsg(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "market_ticker" -> marketTicker = readTicker(p);
                case "side" -> side = readOutcome(p);
                case "price_dollars" -> priceDollars = readDecimal(p);
                case "price" -> priceCents = readCents(p);
                case "delta_fp" -> deltaFp = readDecimal(p);
                case "delta" -> delta = readDecimal(p);
                case "ts_ms" -> tsMs = readLong(p);
                case "ts" -> readTs(p);
                case "yes_dollars_fp" -> readLevels(p, yesFp, false);
                case "no_dollars_fp" -> readLevels(p, noFp, false);
                case "yes_dollars" -> readLevels(p, yesDollars, false);
                case "no_dollars" -> readLevels(p, noDollars, false);
                case "yes" -> readLevels(p, yesCents, true);
                case "no" -> readLevels(p, noCents, true);
                case "trade_id" -> tradeId = readString(p);
                case "yes_price_dollars" -> yesPriceDollars = readDecimal(p);
                case "yes_price" -> yesPriceCents = readCents(p);
                case "count_fp" -> countFp = readDecimal(p);
                case "count" -> count = readDecimal(p);
                case "taker_outcome_side" -> takerOutcomeSide = readOutcome(p);
                case "taker_side" -> takerSide = readOutcome(p);
                case "yes_bid_dollars" -> yesBidDollars = readDecimal(p);
                case "yes_ask_dollars" -> yesAskDollars = readDecimal(p);
                case "yes_bid_size_fp" -> yesBidSizeFp = readDecimal(p);
                case "yes_ask_size_fp" -> yesAskSizeFp = readDecimal(p);
                case "yes_bid" -> yesBidCents = readCents(p);
                case "yes_ask" -> yesAskCents = readCents(p);
                case "volume_fp" -> volumeFp = readDecimal(p);
                case "volume" -> volume = readDecimal(p);
                case "open_interest_fp" -> openInterestFp = readDecimal(p);
                case "open_interest" -> openInterest = readDecimal(p);
                case "event_type" -> eventType = readString(p);
                case "result" -> result = readString(p);
                case "settlement_value" -> settlementValue = readString(p);
                case "determination_ts" -> determinationTs = readLong(p);
                case "settled_ts" -> settledTs = readLong(p);
                case "channel" -> channel = readString(p);
                case "sid" -> msgSid = readLong(p);
                case "code" -> errorCode = readLong(p);
                case "msg" -> errorMessage = readString(p);
                default -> p.skipChildren();
            }
        }
    }

    /**
     * Market tickers repeat from frame to frame: a small cache by content hands back the same String (hash
     * already computed) instead of a new one per frame.
     */
    private String readTicker(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return readString(p);
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + chars[offset + i];
        }
        int slot = (hash ^ (hash >>> 16)) & (tickers.length - 1);
        String cached = tickers[slot];
        if (cached != null && cached.hashCode() == hash && view.set(chars, offset, length).contentEquals(cached)) {
            return cached;
        }
        String ticker = new String(chars, offset, length);
        tickers[slot] = ticker;
        return ticker;
    }

    /** Any scalar as text (numbers keep their written form); null for JSON null; containers are skipped. */
    private static String readString(JsonParser p) throws IOException {
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

    private static long readLong(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NULL -> ABSENT;
            default -> throw new NumberFormatException("expected an integer, got " + p.currentToken());
        };
    }

    /** A decimal sent as a string ({@code "0.0100"}) or a bare number; exact or it fails. */
    private long readDecimal(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                    Decimals.parse(view.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()), 0, p.getTextLength());
            case VALUE_NULL -> ABSENT;
            default -> throw new NumberFormatException("expected a number, got " + p.currentToken());
        };
    }

    /** A legacy integer-cents price, returned in dollars. */
    private long readCents(JsonParser p) throws IOException {
        long cents = readDecimal(p);
        if (cents == ABSENT) {
            return ABSENT;
        }
        return Decimals.scaleByPowerOfTen(cents, -2);
    }

    private Outcome readOutcome(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return p.currentToken() == JsonToken.VALUE_NULL ? Outcome.MISSING : Outcome.OTHER;
        }
        view.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        return view.contentEquals("yes") ? Outcome.YES : view.contentEquals("no") ? Outcome.NO : Outcome.OTHER;
    }

    private void readTs(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> tsSecondsFixed = readDecimal(p);
            case VALUE_STRING -> {
                // Kept as characters: ts_ms usually follows and makes parsing this unnecessary.
                int length = p.getTextLength();
                if (tsText.length < length) {
                    tsText = new char[length];
                }
                System.arraycopy(p.getTextCharacters(), p.getTextOffset(), tsText, 0, length);
                tsTextLength = length;
            }
            default -> p.skipChildren();
        }
    }

    private void readLevels(JsonParser p, Levels levels, boolean centPrices) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new NumberFormatException("book side is not an array");
        }
        levels.present = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw new NumberFormatException("book level is not a [price, size] array");
            }
            p.nextToken();
            long price = centPrices ? readCents(p) : readDecimal(p);
            p.nextToken();
            long size = readDecimal(p);
            if (price == ABSENT || size == ABSENT) {
                throw new NumberFormatException("book level without price or size");
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
            }
            levels.add(price, size);
        }
    }

    /** Venue time in epoch ms, best effort: {@code ts_ms}, else {@code ts} (epoch seconds or ISO-8601), else 0. */
    long venueTimestamp() {
        if (tsMs != ABSENT) {
            return tsMs;
        }
        if (tsSecondsFixed != ABSENT) {
            return Decimals.toUnitsTruncated(tsSecondsFixed, 3);
        }
        if (tsTextLength > 0) {
            return parseTsText(new String(tsText, 0, tsTextLength));
        }
        return 0;
    }

    private static long parseTsText(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException notOffset) {
                try {
                    return Decimals.toUnitsTruncated(Decimals.parse(text), 3);
                } catch (NumberFormatException notNumber) {
                    return 0;
                }
            }
        }
    }
}
