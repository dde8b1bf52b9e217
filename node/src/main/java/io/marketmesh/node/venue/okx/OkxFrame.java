package io.marketmesh.node.venue.okx;

import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.PriceLevel;
import java.util.ArrayList;
import java.util.List;

/**
 * One OKX text frame as {@link OkxFrameReader} read it: an event answer ({@code subscribe}, {@code error}, {@code
 * notice}, ...) or a push ({@code arg} + {@code data}). Reused frame after frame; the level lists are copied by the
 * events built from them.
 */
final class OkxFrame {

    enum Channel {
        NONE, BOOKS, TRADES, TICKERS, OTHER
    }

    enum Action {
        NONE, SNAPSHOT, UPDATE, OTHER
    }

    /** One element of a {@code books} push's {@code data}. */
    static final class Book {
        final List<PriceLevel> bids = new ArrayList<>();
        final List<PriceLevel> asks = new ArrayList<>();
        final List<LevelUpdate> updates = new ArrayList<>();
        /** How the prices were written: see {@link NumberStyle}. */
        final NumberStyle prices = new NumberStyle();
        final NumberStyle sizes = new NumberStyle();
        long seqId;
        long prevSeqId;
        long checksum;
        long ts;
        boolean hasSeqId;
        boolean hasPrevSeqId;
        boolean hasChecksum;

        void reset() {
            prices.reset();
            sizes.reset();
            bids.clear();
            asks.clear();
            updates.clear();
            seqId = 0;
            prevSeqId = 0;
            checksum = 0;
            ts = 0;
            hasSeqId = false;
            hasPrevSeqId = false;
            hasChecksum = false;
        }

        boolean empty() {
            return bids.isEmpty() && asks.isEmpty() && updates.isEmpty();
        }
    }

    String event;
    String code;
    String msg;
    Channel channel;
    String channelName;
    String instId;
    /** The socket's instrument the push is for; null when it carries none of that id. */
    OkxInstrument instrument;
    Action action;
    String actionName;
    boolean hasData;
    /** The first value that could not be read, or null. */
    String error;

    private final List<Book> books = new ArrayList<>();
    int bookCount;
    /** Trades and tickers of the push, built as read, emitted only once the whole frame has been read. */
    final List<MarketEvent> events = new ArrayList<>();

    void reset() {
        event = null;
        code = null;
        msg = null;
        channel = Channel.NONE;
        channelName = null;
        instId = null;
        instrument = null;
        action = Action.NONE;
        actionName = null;
        hasData = false;
        error = null;
        bookCount = 0;
        events.clear();
    }

    Book nextBook() {
        if (bookCount == books.size()) {
            books.add(new Book());
        }
        Book b = books.get(bookCount++);
        b.reset();
        return b;
    }

    Book book(int i) {
        return books.get(i);
    }

    void fail(String why) {
        if (error == null) {
            error = why;
        }
    }

    /** What the push is, for messages: {@code books BTC-USDT}. */
    String describe() {
        return (channelName == null ? "?" : channelName) + " " + (instId == null ? "?" : instId);
    }

    /**
     * Whether a field's numbers were written padded to a fixed number of decimals ({@code "65000.0"}, {@code "1.50"}):
     * OKX's checksum is over the numbers as sent, so a book whose numbers come padded must be checked padded. The venue
     * writes them shortest; a server that pads shows it by a trailing zero after the point.
     */
    static final class NumberStyle {
        /** Decimals every number had; -2 before the first, -1 when they differ. */
        int decimals = -2;
        boolean trailingZero;

        void reset() {
            decimals = -2;
            trailingZero = false;
        }

        void saw(CharSequence text) {
            int n = text.length();
            int point = -1;
            for (int i = 0; i < n; i++) {
                if (text.charAt(i) == '.') {
                    point = i;
                    break;
                }
            }
            int d = point < 0 ? 0 : n - point - 1;
            if (point >= 0 && n > 0 && text.charAt(n - 1) == '0') {
                trailingZero = true;
            }
            decimals = decimals == -2 || decimals == d ? d : -1;
        }

        /** The decimals the field is padded to, or -1 when it is written shortest (or not consistently padded). */
        int fixedDecimals() {
            return trailingZero && decimals >= 0 ? decimals : -1;
        }
    }
}
