package io.marketmesh.node.venue.okx;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.WideSizes;
import java.math.BigDecimal;
import java.util.function.Function;

/**
 * Reads one OKX text frame into an {@link OkxFrame} with {@link OkxJson}, in place: names matched in the frame,
 * every price and size parsed exactly from its text, no string made per value. Hot path: every {@code books} update
 * goes through here.
 *
 * <p>The venue writes {@code arg} and {@code action} before {@code data}; should a frame put {@code data} first, it is
 * skipped on the first pass and read on a second one, once the channel, instrument and action are known. A push for
 * an instrument the socket does not carry is not read further than its {@code arg}.
 */
final class OkxFrameReader {

    private final Function<String, OkxInstrument> instruments;
    private final OkxJson json = new OkxJson();
    private final OkxJson.Text text = json.text;
    private long receivedAt;
    /** Whether the last {@link #integer} read a value (not null). */
    private boolean present;

    /** @param instruments the socket's instrument of an {@code instId}, or null */
    OkxFrameReader(Function<String, OkxInstrument> instruments) {
        this.instruments = instruments;
    }

    /**
     * Reads {@code frame} into {@code f}. A value that cannot be read is recorded as {@link OkxFrame#error} and the
     * rest of the frame still read.
     *
     * @throws OkxJson.Malformed when the frame is not one JSON object; {@code f} then holds what was read before
     */
    void read(String frame, long receivedAt, OkxFrame f) throws OkxJson.Malformed {
        f.reset();
        this.receivedAt = receivedAt;
        json.reset(frame);
        int skippedData = -1;
        json.expect('{');
        for (boolean first = true; json.nextField(first); first = false) {
            if (text.is("arg")) {
                arg(f);
            } else if (text.is("action")) {
                action(f);
            } else if (text.is("data")) {
                f.hasData = true;
                if (readyForData(f)) {
                    data(f);
                } else {
                    skippedData = json.position();
                    json.skipValue();
                }
            } else if (text.is("event")) {
                f.event = string();
            } else if (text.is("code")) {
                f.code = string();
            } else if (text.is("msg")) {
                f.msg = string();
            } else {
                json.skipValue();
            }
        }
        if (!json.atEnd()) {
            throw new OkxJson.Malformed("trailing data after the JSON object at char " + json.position());
        }
        if (skippedData >= 0 && readyForData(f)) {
            json.seek(skippedData);
            data(f);
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

    private void arg(OkxFrame f) throws OkxJson.Malformed {
        if (json.peek() != '{') {
            f.fail("arg is not an object");
            json.skipValue();
            return;
        }
        json.expect('{');
        for (boolean first = true; json.nextField(first); first = false) {
            if (text.is("channel")) {
                if (scalar()) {
                    f.channel = text.is("books") ? OkxFrame.Channel.BOOKS
                            : text.is("trades") ? OkxFrame.Channel.TRADES
                            : text.is("tickers") ? OkxFrame.Channel.TICKERS
                            : OkxFrame.Channel.OTHER;
                    f.channelName = f.channel == OkxFrame.Channel.OTHER ? text.toString() : null;
                }
            } else if (text.is("instId")) {
                if (scalar()) {
                    f.instId = text.toString();
                    f.instrument = instruments.apply(f.instId);
                }
            } else {
                json.skipValue();
            }
        }
    }

    private void action(OkxFrame f) throws OkxJson.Malformed {
        if (!scalar()) {
            return;
        }
        f.action = text.is("snapshot") ? OkxFrame.Action.SNAPSHOT
                : text.is("update") ? OkxFrame.Action.UPDATE : OkxFrame.Action.OTHER;
        f.actionName = f.action == OkxFrame.Action.OTHER ? text.toString() : null;
    }

    private void data(OkxFrame f) throws OkxJson.Malformed {
        if (json.peek() != '[') {
            f.fail("data is not an array");
            json.skipValue();
            return;
        }
        json.expect('[');
        for (boolean first = true; json.nextElement(first); first = false) {
            if (json.peek() != '{') {
                f.fail("data element is not an object");
                json.skipValue();
                continue;
            }
            json.expect('{');
            switch (f.channel) {
                case BOOKS -> book(f.nextBook(), f);
                case TRADES -> trade(f);
                case TICKERS -> ticker(f);
                default -> throw new IllegalStateException("data of " + f.channel + " is never read");
            }
        }
    }

    // ---------------------------------------------------------------- books

    /** After the data element's {@code {}. */
    private void book(OkxFrame.Book b, OkxFrame f) throws OkxJson.Malformed {
        boolean snapshot = f.action == OkxFrame.Action.SNAPSHOT;
        for (boolean first = true; json.nextField(first); first = false) {
            if (text.is("bids")) {
                levels(Side.BID, snapshot, b, f);
            } else if (text.is("asks")) {
                levels(Side.ASK, snapshot, b, f);
            } else if (text.is("seqId")) {
                b.seqId = integer(f, "seqId");
                b.hasSeqId = present;
            } else if (text.is("prevSeqId")) {
                b.prevSeqId = integer(f, "prevSeqId");
                b.hasPrevSeqId = present;
            } else if (text.is("checksum")) {
                b.checksum = integer(f, "checksum");
                b.hasChecksum = present;
            } else if (text.is("ts")) {
                b.ts = timestamp();
            } else {
                json.skipValue();
            }
        }
    }

    /** {@code [["8476.98","415","0","13"], ...]}: price, size, a deprecated "0", the number of orders. */
    private void levels(Side side, boolean snapshot, OkxFrame.Book b, OkxFrame f) throws OkxJson.Malformed {
        char c = json.peek();
        if (c != '[') {
            if (json.scalar() != OkxJson.Kind.NULL) {
                f.fail(side.id() + "s is not an array");
            }
            return;
        }
        json.expect('[');
        for (boolean first = true; json.nextElement(first); first = false) {
            if (json.peek() != '[') {
                f.fail(side.id() + " level is not an array");
                json.skipValue();
                continue;
            }
            json.expect('[');
            level(side, snapshot, b, f);
        }
    }

    /** After the level's {@code [}. */
    private void level(Side side, boolean snapshot, OkxFrame.Book b, OkxFrame f) throws OkxJson.Malformed {
        long price = Decimals.NONE;
        int index = 0;
        for (boolean first = true; json.nextElement(first); first = false, index++) {
            boolean value = scalar();
            if (index == 0) {
                if (!value) {
                    f.fail(side.id() + " level without a price");
                    continue;
                }
                try {
                    price = Decimals.parse(text, 0, text.length());
                    if (snapshot) {
                        b.prices.saw(text);
                    }
                } catch (NumberFormatException e) {
                    f.fail("bad " + side.id() + " price '" + text + "': " + e.getMessage());
                }
            } else if (index == 1 && price != Decimals.NONE) {
                if (!value) {
                    f.fail(side.id() + " level at " + Decimals.toString(price) + " without a size");
                    continue;
                }
                try {
                    if (snapshot) {
                        b.sizes.saw(text);
                        (side == Side.BID ? b.bids : b.asks).add(PriceLevel.parse(price, text));
                    } else {
                        b.updates.add(LevelUpdate.parse(side, price, text));
                    }
                } catch (NumberFormatException | ArithmeticException e) {
                    f.fail("bad " + side.id() + " size '" + text + "' at " + Decimals.toString(price) + ": "
                            + e.getMessage());
                }
            }
            // The rest: the deprecated "0" and the order count, not needed for the book.
        }
        if (index < 2 && price != Decimals.NONE) {
            f.fail(side.id() + " level at " + Decimals.toString(price) + " without a size");
        }
    }

    // ---------------------------------------------------------------- trades and tickers

    /** After the data element's {@code {}. */
    private void trade(OkxFrame f) throws OkxJson.Malformed {
        String tradeId = null;
        long price = Decimals.NONE;
        BigDecimal size = null;
        Side side = null;
        long ts = 0;
        for (boolean first = true; json.nextField(first); first = false) {
            if (text.is("tradeId")) {
                tradeId = string();
            } else if (text.is("px")) {
                price = decimal(f, "px");
            } else if (text.is("sz")) {
                size = wide(f, "sz");
            } else if (text.is("side")) {
                side = takerSide(f);
            } else if (text.is("ts")) {
                ts = timestamp();
            } else {
                json.skipValue();
            }
        }
        if (price == Decimals.NONE || size == null || side == null) {
            f.fail("trade without px, sz or side");
            return;
        }
        f.events.add(new Trade(f.instrument.market, tradeId, price, size, side, ts, receivedAt));
    }

    /** OKX's {@code side} of a public trade is the taker's: {@code buy} = the taker bought (hit the ask). */
    private Side takerSide(OkxFrame f) throws OkxJson.Malformed {
        if (!scalar()) {
            return null;
        }
        if (text.is("buy")) {
            return Side.BID;
        }
        if (text.is("sell")) {
            return Side.ASK;
        }
        f.fail("bad trade side '" + text + "'");
        return null;
    }

    /** After the data element's {@code {}. */
    private void ticker(OkxFrame f) throws OkxJson.Malformed {
        long last = Decimals.NONE;
        long bid = Decimals.NONE;
        BigDecimal bidSize = null;
        long ask = Decimals.NONE;
        BigDecimal askSize = null;
        BigDecimal volume = null;
        long ts = 0;
        for (boolean first = true; json.nextField(first); first = false) {
            if (text.is("last")) {
                last = decimal(f, "last");
            } else if (text.is("bidPx")) {
                bid = decimal(f, "bidPx");
            } else if (text.is("bidSz")) {
                bidSize = wide(f, "bidSz");
            } else if (text.is("askPx")) {
                ask = decimal(f, "askPx");
            } else if (text.is("askSz")) {
                askSize = wide(f, "askSz");
            } else if (text.is("vol24h")) {
                // 24-hour volume in the base currency (spot) or in contracts (swaps); volCcy24h is the other unit
                volume = wide(f, "vol24h");
            } else if (text.is("ts")) {
                ts = timestamp();
            } else {
                json.skipValue();
            }
        }
        f.events.add(new Ticker(f.instrument.market, bid, bidSize, ask, askSize, last, volume, null, ts, receivedAt));
    }

    // ---------------------------------------------------------------- values

    /** Reads a string or number into {@link #text}: true; null or anything else (skipped): false. */
    private boolean scalar() throws OkxJson.Malformed {
        OkxJson.Kind kind = json.scalar();
        return kind == OkxJson.Kind.STRING || kind == OkxJson.Kind.NUMBER;
    }

    private String string() throws OkxJson.Malformed {
        return scalar() ? text.toString() : null;
    }

    /** A decimal; an empty string (a ticker side the venue has no quote for) is {@link Decimals#NONE}. */
    private long decimal(OkxFrame f, String field) throws OkxJson.Malformed {
        if (!scalar() || text.length() == 0) {
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
    private BigDecimal wide(OkxFrame f, String field) throws OkxJson.Malformed {
        if (!scalar() || text.length() == 0) {
            return null;
        }
        try {
            return WideSizes.parse(text);
        } catch (NumberFormatException e) {
            f.fail("bad " + field + " '" + text + "': " + e.getMessage());
            return null;
        }
    }

    /**
     * {@code seqId}, {@code prevSeqId}, {@code checksum}: JSON integers (a string of one is taken too); sets
     * {@link #present}.
     */
    private long integer(OkxFrame f, String field) throws OkxJson.Malformed {
        OkxJson.Kind kind = json.scalar();
        present = kind != OkxJson.Kind.NULL;
        if (kind == OkxJson.Kind.OTHER) {
            f.fail(field + " is not an integer");
            return 0;
        }
        if (!present) {
            return 0;
        }
        int n = text.length();
        boolean negative = n > 0 && text.charAt(0) == '-';
        int i = negative ? 1 : 0;
        if (i == n || n - i > 18) {
            f.fail("bad " + field + " '" + text + "'");
            return 0;
        }
        long value = 0;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                f.fail("bad " + field + " '" + text + "'");
                return 0;
            }
            value = value * 10 + (c - '0');
        }
        return negative ? -value : value;
    }

    /** Epoch-ms string. A timestamp changes no book, so an unreadable one is 0 rather than a bad frame. */
    private long timestamp() throws OkxJson.Malformed {
        if (!scalar() || text.length() == 0 || text.length() > 18) {
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
