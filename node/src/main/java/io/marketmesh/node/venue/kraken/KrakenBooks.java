package io.marketmesh.node.venue.kraken;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code book} subscriptions of one socket: turns Kraken's book snapshots and updates into protocol events, each
 * with the venue's CRC32 as a {@link BookClaim.Checksum} for the market's actor to verify on its own book, and asks
 * for a fresh snapshot (unsubscribe, subscribe: the way the venue documents) when a book cannot be trusted.
 *
 * <p>Kraken's rule: apply every level of a message, truncate each side to the subscribed depth (levels pushed out get
 * no removal), then CRC32 the top 10 asks (lowest first) and top 10 bids (highest first), each price and qty as sent
 * with its point and leading zeros removed. The actor does the applying and truncating ({@link BookSnapshot#depthLimit});
 * the text "as sent" is the number at the pair's precision, which the claim's {@link ChecksumLayout} carries: the
 * precision the {@code instrument} channel gives for the pair, and never fewer decimals than the venue actually wrote
 * for this book since its snapshot (the venue prints every number at its precision, so the two agree on the live feed).
 * Each snapshot's own checksum is checked against those decimals here: a server that checksums more decimals than it
 * prints is then still followed (see {@link KrakenChecksum}).
 */
final class KrakenBooks {

    static final int CHECKSUM_LEVELS = 10;

    /** One book subscription on this socket. */
    static final class Book {
        final String symbol;
        final MarketKey market;
        /** Updates are dropped until the snapshot a (re)subscription brings. */
        boolean awaitingSnapshot = true;
        /** Most decimals seen on the wire since the snapshot; -1 = none yet. */
        int sentPriceDecimals = -1;
        int sentQtyDecimals = -1;
        /**
         * The decimals that reproduced the last snapshot's own checksum, when they are more than the others say; -1 =
         * none found (or not needed).
         */
        int checkedPriceDecimals = -1;
        int checkedQtyDecimals = -1;
        /** The last layout handed out, reused while the decimals stay the same. */
        ChecksumLayout layout;

        Book(String symbol) {
            this.symbol = symbol;
            this.market = MarketKey.of(Venue.KRAKEN, symbol);
        }
    }

    private final SymbolTable<Book> books = new SymbolTable<>();
    /** symbol → {price decimals, qty decimals} from the instrument channel (every pair, so a later subscription has it). */
    private final Map<String, int[]> precisions = new HashMap<>();
    private final int depth;
    private final int batchSize;
    private final KrakenRequests requests;
    private final KrakenCounters.Running counters;

    KrakenBooks(int depth, int batchSize, KrakenRequests requests, KrakenCounters.Running counters) {
        this.depth = depth;
        this.batchSize = batchSize;
        this.requests = requests;
        this.counters = counters;
    }

    SymbolTable<Book> table() {
        return books;
    }

    /** @return whether the symbol was not yet followed on this socket */
    boolean add(String symbol) {
        if (books.get(symbol) != null) {
            return false;
        }
        books.put(symbol, new Book(symbol));
        return true;
    }

    boolean remove(String symbol) {
        return books.remove(symbol) != null;
    }

    boolean follows(String symbol) {
        return books.get(symbol) != null;
    }

    List<String> symbols() {
        return books.keys();
    }

    void precisions(List<KrakenMessage.Precision> pairs) {
        for (KrakenMessage.Precision p : pairs) {
            precisions.put(p.symbol(), new int[] {p.priceDecimals(), p.qtyDecimals()});
        }
    }

    /** One {@code book} frame: each element of {@code data} is one symbol's snapshot or update. */
    void onBook(KrakenMessage m, String frame, long receivedAt, SessionOutput out) {
        for (int i = 0; i < m.itemCount; i++) {
            KrakenMessage.Item item = m.item(i);
            Book book = item.symbol == null ? null : books.get(item.symbol);
            if (book == null) {
                if (item.symbol == null) {
                    out.badFrame("Kraken book " + typeName(m) + " without a symbol", frame);
                } else {
                    counters.framesNotFollowed++;
                }
                continue;
            }
            if (m.type == KrakenMessage.Type.UPDATE && book.awaitingSnapshot) {
                counters.updatesAwaitingSnapshot++; // of the subscription being replaced: the snapshot decides
                continue;
            }
            if (item.bad != null) {
                // A change that cannot be read is a change missed: the book is wrong from here on.
                out.badFrame("Kraken book " + typeName(m) + " for " + book.symbol + " not understood: " + item.bad, frame);
                resync(List.of(book), "unreadable book " + typeName(m) + " (" + item.bad + ")", out);
                continue;
            }
            switch (m.type) {
                case SNAPSHOT -> snapshot(book, item, receivedAt, out);
                case UPDATE -> update(book, item, receivedAt, out);
                default -> out.badFrame("Kraken book message of type '" + m.typeText + "'", frame);
            }
        }
    }

    private void snapshot(Book book, KrakenMessage.Item item, long receivedAt, SessionOutput out) {
        book.awaitingSnapshot = false;
        book.sentPriceDecimals = item.priceDecimals;
        book.sentQtyDecimals = item.qtyDecimals;
        List<PriceLevel> bids = new ArrayList<>(item.bidCount);
        List<PriceLevel> asks = new ArrayList<>(item.askCount);
        for (LevelUpdate level : item.levels) {
            (level.side() == Side.BID ? bids : asks).add(new PriceLevel(level.price(), level.size(), level.wideSize()));
        }
        book.checkedPriceDecimals = -1;
        book.checkedQtyDecimals = -1;
        if (item.checksum >= 0) {
            checkPrecision(book, bids, asks, item.checksum);
        }
        counters.bookSnapshots++;
        out.event(new BookSnapshot(book.market, bids, asks, 0, item.timestamp, receivedAt, depth, claim(book, item)));
    }

    private void update(Book book, KrakenMessage.Item item, long receivedAt, SessionOutput out) {
        book.sentPriceDecimals = Math.max(book.sentPriceDecimals, item.priceDecimals);
        book.sentQtyDecimals = Math.max(book.sentQtyDecimals, item.qtyDecimals);
        counters.bookUpdates++;
        out.event(new BookDelta(book.market, BookDelta.Mode.ABSOLUTE, item.levels, 0, item.timestamp, receivedAt,
                claim(book, item)));
    }

    /**
     * Whether the decimals the session has for this book reproduce the snapshot's own checksum; if not, the nearest
     * that do are kept for the book until its next snapshot (see {@link KrakenChecksum}).
     */
    private void checkPrecision(Book book, List<PriceLevel> bids, List<PriceLevel> asks, long checksum) {
        KrakenChecksum.Precision known = new KrakenChecksum.Precision(priceDecimals(book), qtyDecimals(book));
        KrakenChecksum.Precision found = KrakenChecksum.calibrate(bids, asks, checksum, known);
        if (found != null && !found.equals(known)) {
            book.checkedPriceDecimals = found.priceDecimals();
            book.checkedQtyDecimals = found.qtyDecimals();
            counters.precisionsCorrected++;
        }
    }

    /** The pair's price decimals: the instrument channel's, never fewer than the wire's, or the snapshot's check's. */
    private int priceDecimals(Book book) {
        int[] precision = precisions.get(book.symbol);
        return Math.max(Math.max(0, book.checkedPriceDecimals),
                Math.max(book.sentPriceDecimals, precision == null ? -1 : precision[0]));
    }

    private int qtyDecimals(Book book) {
        int[] precision = precisions.get(book.symbol);
        return Math.max(Math.max(0, book.checkedQtyDecimals),
                Math.max(book.sentQtyDecimals, precision == null ? -1 : precision[1]));
    }

    private BookClaim claim(Book book, KrakenMessage.Item item) {
        if (item.checksum < 0) {
            counters.checksumsMissing++;
            return null;
        }
        int priceDecimals = priceDecimals(book);
        int qtyDecimals = qtyDecimals(book);
        ChecksumLayout layout = book.layout;
        if (layout == null || layout.priceDecimals() != priceDecimals || layout.sizeDecimals() != qtyDecimals) {
            layout = new ChecksumLayout(CHECKSUM_LEVELS, ChecksumLayout.Order.ASKS_THEN_BIDS, "",
                    ChecksumLayout.Numbers.FIXED_DIGITS, priceDecimals, qtyDecimals);
            book.layout = layout;
        }
        counters.checksumClaims++;
        return new BookClaim.Checksum(layout, item.checksum);
    }

    /** Subscribes books (their snapshots come first). */
    void subscribe(List<String> symbols, SessionOutput out) {
        for (int from = 0; from < symbols.size(); from += batchSize) {
            requests.subscribeBook(symbols.subList(from, Math.min(symbols.size(), from + batchSize)), depth, out);
        }
    }

    void unsubscribe(List<String> symbols, SessionOutput out) {
        for (int from = 0; from < symbols.size(); from += batchSize) {
            requests.unsubscribeBook(symbols.subList(from, Math.min(symbols.size(), from + batchSize)), depth, out);
        }
    }

    /** A market asked for a fresh snapshot (its checksum failed, say): it already knows its book is stale. */
    void resyncRequested(String symbol, SessionOutput out) {
        Book book = books.get(symbol);
        if (book == null) {
            return;
        }
        counters.resyncsRequested++;
        refetch(List.of(book), out);
    }

    /** The session found these books untrustworthy: fresh snapshots are asked for, and the markets told they are stale. */
    void resync(List<Book> stale, String reason, SessionOutput out) {
        counters.resyncsBySession += stale.size();
        refetch(stale, out);
        for (Book book : stale) {
            out.stale(book.symbol, reason);
        }
    }

    void resyncAll(String reason, SessionOutput out) {
        List<Book> all = books.values();
        if (!all.isEmpty()) {
            resync(all, reason, out);
        }
    }

    /** Unsubscribe then subscribe: Kraken sends a new snapshot only for a new subscription. */
    private void refetch(List<Book> stale, SessionOutput out) {
        List<String> symbols = new ArrayList<>(stale.size());
        for (Book book : stale) {
            book.awaitingSnapshot = true;
            symbols.add(book.symbol);
        }
        unsubscribe(symbols, out);
        subscribe(symbols, out);
    }

    Book book(String symbol) {
        return books.get(symbol);
    }

    private static String typeName(KrakenMessage m) {
        return switch (m.type) {
            case SNAPSHOT -> "snapshot";
            case UPDATE -> "update";
            default -> "message";
        };
    }
}
