package io.marketmesh.node.venue.coinbase;

import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * What one frame of the market-data socket said, as {@link CoinbaseFrameReader} read it: the envelope
 * ({@code channel}, {@code sequence_num}, {@code timestamp}, or an {@code error}) and the events, kept in reusable
 * arrays so a frame costs no objects beyond the ones the node's events need. Valid until the next frame is read.
 *
 * <p>Level sizes are kept as the venue's text (copied into {@link Levels#sizeChars}) and become numbers only through
 * {@code LevelUpdate.parse}/{@code PriceLevel.parse}, which decide how wide a size may be.
 */
final class CoinbaseFrame {

    /** {@link #sequence} when the frame had no {@code sequence_num}. */
    static final long NO_SEQUENCE = -1;

    enum EventType {
        SNAPSHOT, UPDATE, OTHER
    }

    /** Null when the frame had no {@code channel}. */
    Channel channel;
    /** The channel's name when it is {@link Channel#UNKNOWN}. */
    String unknownChannel;
    long sequence;
    /** The envelope's {@code timestamp}, epoch ms; 0 when absent or unreadable. */
    long timestamp;
    /** {@code "type":"error"} at the top: the venue refused something we asked. */
    boolean error;
    final StringBuilder message = new StringBuilder();
    /** Why the frame is not readable JSON (an object), or null. */
    String malformed;
    /** The first value that could not be read, or null. */
    String failure;

    final Levels levels = new Levels();
    final BookEvents books = new BookEvents();
    final Trades trades = new Trades();
    final Tickers tickers = new Tickers();

    void reset() {
        channel = null;
        unknownChannel = null;
        sequence = NO_SEQUENCE;
        timestamp = 0;
        error = false;
        message.setLength(0);
        malformed = null;
        failure = null;
        levels.count = 0;
        levels.charCount = 0;
        books.count = 0;
        books.unnamed = false;
        trades.count = 0;
        tickers.count = 0;
    }

    void fail(String reason) {
        if (failure == null) {
            failure = reason;
        }
    }

    /** Readable, with every value read. */
    boolean readable() {
        return malformed == null && failure == null;
    }

    /** The {@code updates} of every level2 event of the frame, in wire order. */
    static final class Levels {
        Side[] sides = new Side[64];
        long[] prices = new long[64];
        int[] sizeStart = new int[64];
        int[] sizeLength = new int[64];
        /** The size texts of all levels, one after the other. */
        char[] chars = new char[1024];
        int charCount;
        int count;
        private final CharWindow sizeWindow = new CharWindow();

        void add(Side side, long price, CharWindow size) {
            if (count == sides.length) {
                int grown = count * 2;
                sides = Arrays.copyOf(sides, grown);
                prices = Arrays.copyOf(prices, grown);
                sizeStart = Arrays.copyOf(sizeStart, grown);
                sizeLength = Arrays.copyOf(sizeLength, grown);
            }
            int n = size.length();
            if (charCount + n > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charCount + n));
            }
            System.arraycopy(size.buffer(), size.offset(), chars, charCount, n);
            sides[count] = side;
            prices[count] = price;
            sizeStart[count] = charCount;
            sizeLength[count] = n;
            charCount += n;
            count++;
        }

        void dropLast() {
            count--;
            charCount = sizeStart[count];
        }

        /** The size text of level {@code i}, as the venue sent it; valid until the next call. */
        CharWindow size(int i) {
            return sizeWindow.set(chars, sizeStart[i], sizeLength[i]);
        }
    }

    /** Each level2 event: its type, product and its range of {@link Levels}. */
    static final class BookEvents {
        EventType[] types = new EventType[4];
        Product[] products = new Product[4];
        int[] from = new int[4];
        int[] to = new int[4];
        int count;
        /** An event without a readable product_id: its book cannot be told. */
        boolean unnamed;

        void add(EventType type, Product product, int levelsFrom, int levelsTo) {
            if (count == types.length) {
                types = Arrays.copyOf(types, count * 2);
                products = Arrays.copyOf(products, count * 2);
                from = Arrays.copyOf(from, count * 2);
                to = Arrays.copyOf(to, count * 2);
            }
            types[count] = type;
            products[count] = product;
            from[count] = levelsFrom;
            to[count] = levelsTo;
            count++;
        }
    }

    /** The trades of every {@code market_trades} event, in wire order (the venue sends the newest first). */
    static final class Trades {
        Product[] products = new Product[16];
        String[] ids = new String[16];
        long[] prices = new long[16];
        BigDecimal[] sizes = new BigDecimal[16];
        /** The side of the resting (maker) order, as the venue reports it. */
        Side[] makerSides = new Side[16];
        long[] times = new long[16];
        boolean[] snapshot = new boolean[16];
        int count;

        void add(Product product, String id, long price, BigDecimal size, Side makerSide, long time) {
            if (count == products.length) {
                int grown = count * 2;
                products = Arrays.copyOf(products, grown);
                ids = Arrays.copyOf(ids, grown);
                prices = Arrays.copyOf(prices, grown);
                sizes = Arrays.copyOf(sizes, grown);
                makerSides = Arrays.copyOf(makerSides, grown);
                times = Arrays.copyOf(times, grown);
                snapshot = Arrays.copyOf(snapshot, grown);
            }
            products[count] = product;
            ids[count] = id;
            prices[count] = price;
            sizes[count] = size;
            makerSides[count] = makerSide;
            times[count] = time;
            snapshot[count] = false;
            count++;
        }
    }

    /** The tickers of every {@code ticker} event. Absent or empty prices are {@link Decimals#NONE}, sizes null. */
    static final class Tickers {
        Product[] products = new Product[4];
        long[] prices = new long[4];
        BigDecimal[] volumes = new BigDecimal[4];
        long[] bestBids = new long[4];
        BigDecimal[] bestBidSizes = new BigDecimal[4];
        long[] bestAsks = new long[4];
        BigDecimal[] bestAskSizes = new BigDecimal[4];
        int count;

        void add(Product product, long price, BigDecimal volume, long bestBid, BigDecimal bestBidSize, long bestAsk,
                 BigDecimal bestAskSize) {
            if (count == products.length) {
                int grown = count * 2;
                products = Arrays.copyOf(products, grown);
                prices = Arrays.copyOf(prices, grown);
                volumes = Arrays.copyOf(volumes, grown);
                bestBids = Arrays.copyOf(bestBids, grown);
                bestBidSizes = Arrays.copyOf(bestBidSizes, grown);
                bestAsks = Arrays.copyOf(bestAsks, grown);
                bestAskSizes = Arrays.copyOf(bestAskSizes, grown);
            }
            products[count] = product;
            prices[count] = price;
            volumes[count] = volume;
            bestBids[count] = bestBid;
            bestBidSizes[count] = bestBidSize;
            bestAsks[count] = bestAsk;
            bestAskSizes[count] = bestAskSize;
            count++;
        }
    }
}
