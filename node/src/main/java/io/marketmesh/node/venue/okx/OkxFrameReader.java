package io.marketmesh.node.venue.okx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.WideSizes;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.function.Function;

/**
 * Streams one OKX text frame into an {@link OkxFrame} with Jackson's {@link JsonParser}: no tree, names and small
 * values matched in the parser's buffer, every price and size parsed exactly from its text. Hot path: every {@code
 * books} update goes through here.
 *
 * <p>The venue writes {@code arg} and {@code action} before {@code data}; should a frame put {@code data} first, it is
 * skipped on the first pass and read on a second one, once the channel, instrument and action are known. A push for
 * an instrument the socket does not carry is not read further than its {@code arg}.
 */
final class OkxFrameReader {

    /** Thread-safe and costly to make: one for the JVM. */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final Function<String, OkxInstrument> instruments;
    private final CharWindow text = new CharWindow();
    private long receivedAt;

    /** @param instruments the socket's instrument of an {@code instId}, or null */
    OkxFrameReader(Function<String, OkxInstrument> instruments) {
        this.instruments = instruments;
    }

    /**
     * Reads {@code frame} into {@code f}. A value that cannot be read is recorded as {@link OkxFrame#error} and the
     * rest of the frame still read.
     *
     * @throws IOException (a {@link com.fasterxml.jackson.core.JsonProcessingException}) when the frame is not one
     *                     JSON object; {@code f} then holds what was read before the break
     */
    void read(String frame, long receivedAt, OkxFrame f) throws IOException {
        f.reset();
        this.receivedAt = receivedAt;
        boolean dataSkipped = false;
        try (JsonParser p = JSON.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "frame is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "event" -> f.event = string(p, v);
                    case "code" -> f.code = string(p, v);
                    case "msg" -> f.msg = string(p, v);
                    case "arg" -> arg(p, v, f);
                    case "action" -> action(p, v, f);
                    case "data" -> {
                        f.hasData = true;
                        if (readyForData(f)) {
                            data(p, v, f);
                        } else {
                            dataSkipped = true;
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "trailing data after the JSON object");
            }
        }
        if (dataSkipped && readyForData(f)) {
            readDataAgain(frame, f);
        }
    }

    private void readDataAgain(String frame, OkxFrame f) throws IOException {
        try (JsonParser p = JSON.createParser(frame)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("data".equals(name)) {
                    data(p, v, f);
                    return;
                }
                p.skipChildren();
            }
        }
    }

    /** Worth reading: a push of a followed channel for an instrument this socket carries (books: with its action). */
    private static boolean readyForData(OkxFrame f) {
        if (f.instrument == null) {
            return false;
        }
        return switch (f.channel) {
            case TRADES, TICKERS -> true;
            case BOOKS -> f.action == OkxFrame.Action.SNAPSHOT || f.action == OkxFrame.Action.UPDATE;
            default -> false;
        };
    }

    private void arg(JsonParser p, JsonToken v, OkxFrame f) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            f.fail("arg is " + v + ", not an object");
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken av = p.nextToken();
            switch (name) {
                case "channel" -> {
                    if (scalar(p, av)) {
                        f.channel = text.contentEquals("books") ? OkxFrame.Channel.BOOKS
                                : text.contentEquals("trades") ? OkxFrame.Channel.TRADES
                                : text.contentEquals("tickers") ? OkxFrame.Channel.TICKERS
                                : OkxFrame.Channel.OTHER;
                        f.channelName = f.channel == OkxFrame.Channel.OTHER ? text.toString() : null;
                    }
                }
                case "instId" -> {
                    if (scalar(p, av)) {
                        f.instId = text.toString();
                        f.instrument = instruments.apply(f.instId);
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private void action(JsonParser p, JsonToken v, OkxFrame f) throws IOException {
        if (!scalar(p, v)) {
            return;
        }
        f.action = text.contentEquals("snapshot") ? OkxFrame.Action.SNAPSHOT
                : text.contentEquals("update") ? OkxFrame.Action.UPDATE : OkxFrame.Action.OTHER;
        f.actionName = f.action == OkxFrame.Action.OTHER ? text.toString() : null;
    }

    private void data(JsonParser p, JsonToken v, OkxFrame f) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            f.fail("data is " + v + ", not an array");
            p.skipChildren();
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                f.fail("data element is " + t + ", not an object");
                p.skipChildren();
                continue;
            }
            switch (f.channel) {
                case BOOKS -> book(p, f.nextBook(), f);
                case TRADES -> trade(p, f);
                case TICKERS -> ticker(p, f);
                default -> p.skipChildren();
            }
        }
    }

    // ---------------------------------------------------------------- books

    private void book(JsonParser p, OkxFrame.Book b, OkxFrame f) throws IOException {
        boolean snapshot = f.action == OkxFrame.Action.SNAPSHOT;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "bids" -> levels(p, v, Side.BID, snapshot, b, f);
                case "asks" -> levels(p, v, Side.ASK, snapshot, b, f);
                case "seqId" -> {
                    b.seqId = integer(p, v, f, name);
                    b.hasSeqId = v != JsonToken.VALUE_NULL;
                }
                case "prevSeqId" -> {
                    b.prevSeqId = integer(p, v, f, name);
                    b.hasPrevSeqId = v != JsonToken.VALUE_NULL;
                }
                case "checksum" -> {
                    b.checksum = integer(p, v, f, name);
                    b.hasChecksum = v != JsonToken.VALUE_NULL;
                }
                case "ts" -> b.ts = timestamp(p, v);
                default -> p.skipChildren();
            }
        }
    }

    /** {@code [["8476.98","415","0","13"], ...]}: price, size, a deprecated "0", the number of orders. */
    private void levels(JsonParser p, JsonToken v, Side side, boolean snapshot, OkxFrame.Book b, OkxFrame f)
            throws IOException {
        if (v != JsonToken.START_ARRAY) {
            if (v != JsonToken.VALUE_NULL) {
                f.fail(side.id() + "s is " + v + ", not an array");
                p.skipChildren();
            }
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_ARRAY) {
                f.fail(side.id() + " level is " + t + ", not an array");
                p.skipChildren();
                continue;
            }
            level(p, side, snapshot, b, f);
        }
    }

    private void level(JsonParser p, Side side, boolean snapshot, OkxFrame.Book b, OkxFrame f) throws IOException {
        JsonToken t = p.nextToken();
        long price = Decimals.NONE;
        if (t != JsonToken.END_ARRAY && scalar(p, t)) {
            try {
                price = Decimals.parse(text, 0, text.length());
            } catch (NumberFormatException e) {
                f.fail("bad " + side.id() + " price '" + text + "': " + e.getMessage());
            }
            t = p.nextToken();
            if (t != JsonToken.END_ARRAY && scalar(p, t) && price != Decimals.NONE) {
                try {
                    if (snapshot) {
                        (side == Side.BID ? b.bids : b.asks).add(PriceLevel.parse(price, text));
                    } else {
                        b.updates.add(LevelUpdate.parse(side, price, text));
                    }
                } catch (NumberFormatException | ArithmeticException e) {
                    f.fail("bad " + side.id() + " size '" + text + "' at " + Decimals.toString(price) + ": "
                            + e.getMessage());
                }
            } else if (price != Decimals.NONE) {
                f.fail(side.id() + " level at " + Decimals.toString(price) + " without a size");
            }
        } else {
            f.fail(side.id() + " level without a price");
        }
        // The rest: the deprecated "0" and the order count, not needed for the book.
        while (t != JsonToken.END_ARRAY) {
            t = p.nextToken();
            if (t == null) {
                throw new JsonParseException(p, "unterminated level");
            }
            p.skipChildren();
        }
    }

    // ---------------------------------------------------------------- trades and tickers

    private void trade(JsonParser p, OkxFrame f) throws IOException {
        String tradeId = null;
        long price = Decimals.NONE;
        BigDecimal size = null;
        Side side = null;
        long ts = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "tradeId" -> tradeId = string(p, v);
                case "px" -> price = decimal(p, v, f, name);
                case "sz" -> size = wide(p, v, f, name);
                case "side" -> side = takerSide(p, v, f);
                case "ts" -> ts = timestamp(p, v);
                default -> p.skipChildren();
            }
        }
        if (price == Decimals.NONE || size == null || side == null) {
            f.fail("trade without px, sz or side");
            return;
        }
        f.events.add(new Trade(f.instrument.market, tradeId, price, size, side, ts, receivedAt));
    }

    /** OKX's {@code side} of a public trade is the taker's: {@code buy} = the taker bought (hit the ask). */
    private Side takerSide(JsonParser p, JsonToken v, OkxFrame f) throws IOException {
        if (!scalar(p, v)) {
            return null;
        }
        if (text.contentEquals("buy")) {
            return Side.BID;
        }
        if (text.contentEquals("sell")) {
            return Side.ASK;
        }
        f.fail("bad trade side '" + text + "'");
        return null;
    }

    private void ticker(JsonParser p, OkxFrame f) throws IOException {
        long last = Decimals.NONE;
        long bid = Decimals.NONE;
        BigDecimal bidSize = null;
        long ask = Decimals.NONE;
        BigDecimal askSize = null;
        BigDecimal volume = null;
        long ts = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "last" -> last = decimal(p, v, f, name);
                case "bidPx" -> bid = decimal(p, v, f, name);
                case "bidSz" -> bidSize = wide(p, v, f, name);
                case "askPx" -> ask = decimal(p, v, f, name);
                case "askSz" -> askSize = wide(p, v, f, name);
                // 24-hour volume in the base currency (spot) or in contracts (swaps); volCcy24h is the other unit
                case "vol24h" -> volume = wide(p, v, f, name);
                case "ts" -> ts = timestamp(p, v);
                default -> p.skipChildren();
            }
        }
        f.events.add(new Ticker(f.instrument.market, bid, bidSize, ask, askSize, last, volume, null, ts, receivedAt));
    }

    // ---------------------------------------------------------------- values

    /** Points {@link #text} at a scalar. False for null; a non-scalar is skipped and also false. */
    private boolean scalar(JsonParser p, JsonToken v) throws IOException {
        switch (v) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                text.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                return true;
            }
            case VALUE_NULL -> {
                return false;
            }
            default -> {
                p.skipChildren();
                return false;
            }
        }
    }

    private String string(JsonParser p, JsonToken v) throws IOException {
        return scalar(p, v) ? text.toString() : null;
    }

    /** A decimal; an empty string (a ticker side the venue has no quote for) is {@link Decimals#NONE}. */
    private long decimal(JsonParser p, JsonToken v, OkxFrame f, String field) throws IOException {
        if (!scalar(p, v) || text.length() == 0) {
            return Decimals.NONE;
        }
        try {
            return Decimals.parse(text, 0, text.length());
        } catch (NumberFormatException e) {
            f.fail("bad " + field + " '" + text + "': " + e.getMessage());
            return Decimals.NONE;
        }
    }

    /** A size or total of any width, exact (an empty string: not sent). */
    private BigDecimal wide(JsonParser p, JsonToken v, OkxFrame f, String field) throws IOException {
        if (!scalar(p, v) || text.length() == 0) {
            return null;
        }
        try {
            return WideSizes.parse(text);
        } catch (NumberFormatException e) {
            f.fail("bad " + field + " '" + text + "': " + e.getMessage());
            return null;
        }
    }

    /** {@code seqId}, {@code prevSeqId}, {@code checksum}: JSON integers (a string of one is taken too). */
    private long integer(JsonParser p, JsonToken v, OkxFrame f, String field) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (v == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(p.getText());
            } catch (NumberFormatException e) {
                f.fail("bad " + field + " '" + p.getText() + "'");
                return 0;
            }
        }
        if (v != JsonToken.VALUE_NULL) {
            f.fail(field + " is " + v + ", not an integer");
            p.skipChildren();
        }
        return 0;
    }

    /** Epoch-ms string. A timestamp changes no book, so an unreadable one is 0 rather than a bad frame. */
    private long timestamp(JsonParser p, JsonToken v) throws IOException {
        if (!scalar(p, v) || text.length() == 0 || text.length() > 18) {
            return 0;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
