package io.marketmesh.node.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One venue's feed for the load benchmark's replay server: a cycle of book changes encoded once, at start, in the
 * venue's wire format by the simulator's own frame writers, then sent from memory. The cycle walks the books at
 * random and then undoes every change in reverse order, so it ends where it began and can repeat for ever without
 * the books drifting; each frame's top-of-book claim is computed when it is encoded. What must change per send (the
 * venue's timestamps, Kalshi's {@code seq}) is patched into the bytes as they go out.
 *
 * <p>Not thread-safe: the replay server calls everything from its one sender thread.
 */
public abstract class ReplayFeed {

    /** A client socket, as the feed sees it: it takes whole text frames (the payload's first {@code length} bytes). */
    public interface Client {
        void send(byte[] payload, int length);
    }

    /** The epoch ms the frames are encoded with; patched at send time (13 digits, non-zero millis: fixed width). */
    static final long PLACEHOLDER_MS = 1_700_000_000_123L;
    static final int MS_DIGITS = 13;
    static final int ISO_CHARS = 24;
    private static final int PRICES = 100;

    protected final List<String> symbols;
    protected final Map<String, Integer> indexOf = new HashMap<>();
    /** Book i, level p: {@code sizes[i * 200 + (bid ? 0 : 100) + p]}, hundredths; the book as last sent. */
    private long[] sizes;
    /** Per cycle position: the book, side, price and new size of its change, and the encoded frame. */
    private int[] cycleBook;
    private boolean[] cycleBid;
    private int[] cyclePrice;
    private long[] cycleSize;
    protected byte[][] cycleFrames;
    private int position;
    protected byte[] scratch = new byte[4096];

    protected long changesSent;
    protected long snapshotsSent;

    protected ReplayFeed(List<String> symbols) {
        this.symbols = List.copyOf(symbols);
        for (int i = 0; i < symbols.size(); i++) {
            indexOf.put(symbols.get(i), i);
        }
    }

    /** Seeds the books and encodes the cycle; a subclass calls it last in its constructor ({@link #encode} needs it). */
    protected final void build(int walk, long seed) {
        Random random = new Random(seed);
        int books = symbols.size();
        SimBook[] work = new SimBook[books];
        sizes = new long[Math.max(1, books) * 2 * PRICES];
        for (int i = 0; i < books; i++) {
            work[i] = SimBook.seeded(random);
            store(i, work[i]);
        }
        long[] start = sizes.clone();
        int length = books == 0 ? 0 : 2 * walk;
        cycleBook = new int[length];
        cycleBid = new boolean[length];
        cyclePrice = new int[length];
        cycleSize = new long[length];
        cycleFrames = new byte[length][];
        SimBook.LevelChange[] walked = new SimBook.LevelChange[walk];
        int[] walkedBook = new int[walk];
        for (int k = 0; k < length; k++) {
            int book;
            SimBook.LevelChange change;
            if (k < walk) {
                book = random.nextInt(books);
                change = work[book].move(random);
                walked[k] = change;
                walkedBook[k] = book;
            } else {
                int back = 2 * walk - 1 - k;
                book = walkedBook[back];
                SimBook.LevelChange forward = walked[back];
                change = new SimBook.LevelChange(forward.bid(), forward.priceCents(), forward.newSize(), forward.oldSize());
                var side = change.bid() ? work[book].bids : work[book].asks;
                if (change.newSize() == 0) {
                    side.remove(change.priceCents());
                } else {
                    side.put(change.priceCents(), change.newSize());
                }
            }
            cycleBook[k] = book;
            cycleBid[k] = change.bid();
            cyclePrice[k] = change.priceCents();
            cycleSize[k] = change.newSize();
            cycleFrames[k] = encode(k, book, change, work[book]);
        }
        for (int i = 0; i < books; i++) {
            store(i, work[i]);
        }
        if (!java.util.Arrays.equals(start, sizes)) {
            throw new IllegalStateException("the replay cycle does not return the books to their start");
        }
    }

    /** The feed's symbols, in the order the node is told to follow them. */
    public List<String> symbols() {
        return symbols;
    }

    public int cycleLength() {
        return cycleFrames.length;
    }

    public long changesSent() {
        return changesSent;
    }

    public long snapshotsSent() {
        return snapshotsSent;
    }

    /** Books some client follows. */
    public abstract int followedBooks();

    /** The encoded frame of cycle position {@code k}: the change {@code change} of {@code book}, which is now {@code after}. */
    protected abstract byte[] encode(int k, int book, SimBook.LevelChange change, SimBook after);

    /** Sends cycle position {@code k} to whoever follows its book; false when nobody does. */
    protected abstract boolean send(int k, int book, byte[] msDigits, byte[] iso);

    /** A text frame from a client. */
    public abstract void onText(Client client, String text);

    /** A client's socket closed: it follows nothing any more. */
    public abstract void onClosed(Client client);

    /**
     * Makes the next change of the cycle and sends it to the book's follower (if any). The timestamps are the send
     * time's epoch ms as 13 ASCII digits and as ISO-8601 with millis (24 characters).
     */
    public final void sendNext(byte[] msDigits, byte[] iso) {
        if (cycleFrames.length == 0) {
            return;
        }
        int k = position;
        position = k + 1 == cycleFrames.length ? 0 : k + 1;
        sizes[slot(cycleBook[k], cycleBid[k], cyclePrice[k])] = cycleSize[k];
        if (send(k, cycleBook[k], msDigits, iso)) {
            changesSent++;
        }
    }

    /** The book as the clients know it now, for a snapshot. */
    protected final SimBook currentBook(int book) {
        SimBook result = new SimBook();
        for (int price = 1; price < PRICES; price++) {
            long bid = sizes[slot(book, true, price)];
            if (bid > 0) {
                result.bids.put(price, bid);
            }
            long ask = sizes[slot(book, false, price)];
            if (ask > 0) {
                result.asks.put(price, ask);
            }
        }
        return result;
    }

    private void store(int book, SimBook from) {
        for (int price = 0; price < PRICES; price++) {
            sizes[slot(book, true, price)] = 0;
            sizes[slot(book, false, price)] = 0;
        }
        from.bids.forEach((price, size) -> sizes[slot(book, true, price)] = size);
        from.asks.forEach((price, size) -> sizes[slot(book, false, price)] = size);
    }

    private static int slot(int book, boolean bid, int price) {
        return book * 2 * PRICES + (bid ? 0 : PRICES) + price;
    }

    protected final void sendText(Client client, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        client.send(bytes, bytes.length);
    }

    /** Room for {@code length} bytes in {@link #scratch}. */
    protected final byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        return scratch;
    }

    /** Where {@code marker} ends in {@code frame}, searching from the end; fails when missing. */
    static int after(String frame, String marker) {
        int at = frame.lastIndexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("no " + marker + " in " + frame);
        }
        return at + marker.length();
    }

    /**
     * The two venue feeds of a run: Polymarket ({@code polymarketMarkets} markets, a YES and a NO book each) and
     * Kalshi, named as the simulator names them for {@code seed}; each cycle walks {@code walk} changes and back.
     */
    public static List<ReplayFeed> create(int polymarketMarkets, int kalshiMarkets, int walk, long seed) {
        SimCatalog catalog = SimCatalog.generate(polymarketMarkets, kalshiMarkets, seed);
        List<ReplayFeed> feeds = new ArrayList<>();
        feeds.add(new PolymarketReplayFeed(catalog.polymarket(), walk, seed));
        feeds.add(new KalshiReplayFeed(catalog.kalshi(), walk, seed + 1));
        return feeds;
    }
}
