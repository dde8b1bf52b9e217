package io.marketmesh.protocol;

import java.util.List;

/**
 * What {@code GET /api/v1/markets/{venue}/{symbol}} answers: the market's top of book, last trade, the
 * venue's ticker, lifecycle, and integrity. {@code stale} true means the book is served but cannot be
 * trusted right now (a gap, a failed cross-check, no snapshot yet); {@code staleReason} says why.
 * {@code sequence} counts the changes applied to this book since the node started following it.
 * {@code bootstrappedFrom}: see {@link BookView#bootstrappedFrom()}. The best levels' sizes are exact at any width
 * (null: that side is empty). {@code streamedTo}: {@code host:port} of each node whose stream clients follow the market
 * live, sorted: the market's actor sends each change once to each of them, which copies it to its own clients.
 * {@code writer}: the socket whose snapshot the book holds, the only one whose changes it takes (null: no snapshot yet).
 */
public record MarketState(MarketKey market, MarketStatus status, boolean stale, String staleReason,
                          boolean hasBook, @Fixed long bestBid, @Exact java.math.BigDecimal bestBidSize,
                          @Fixed long bestAsk, @Exact java.math.BigDecimal bestAskSize, int bidLevels, int askLevels, boolean crossed,
                          Trade lastTrade, Ticker ticker, long sequence, long venueSequence,
                          long venueTimestamp, long updatedAt, long snapshotAt, Counters counters,
                          long bootstrappedFrom, List<String> streamedTo, Writer writer) {

    public MarketState {
        // Absent when it comes from a node that did not send it yet (a rolling upgrade).
        streamedTo = streamedTo == null ? List.of() : List.copyOf(streamedTo);
    }

    /** A market whose writer is not said (a node that did not send it yet). */
    public MarketState(MarketKey market, MarketStatus status, boolean stale, String staleReason,
                       boolean hasBook, long bestBid, java.math.BigDecimal bestBidSize,
                       long bestAsk, java.math.BigDecimal bestAskSize, int bidLevels, int askLevels, boolean crossed,
                       Trade lastTrade, Ticker ticker, long sequence, long venueSequence,
                       long venueTimestamp, long updatedAt, long snapshotAt, Counters counters,
                       long bootstrappedFrom, List<String> streamedTo) {
        this(market, status, stale, staleReason, hasBook, bestBid, bestBidSize, bestAsk, bestAskSize, bidLevels,
                askLevels, crossed, lastTrade, ticker, sequence, venueSequence, venueTimestamp, updatedAt, snapshotAt,
                counters, bootstrappedFrom, streamedTo, null);
    }

    /** A market no stream client follows. */
    public MarketState(MarketKey market, MarketStatus status, boolean stale, String staleReason,
                       boolean hasBook, long bestBid, java.math.BigDecimal bestBidSize,
                       long bestAsk, java.math.BigDecimal bestAskSize, int bidLevels, int askLevels, boolean crossed,
                       Trade lastTrade, Ticker ticker, long sequence, long venueSequence,
                       long venueTimestamp, long updatedAt, long snapshotAt, Counters counters,
                       long bootstrappedFrom) {
        this(market, status, stale, staleReason, hasBook, bestBid, bestBidSize, bestAsk, bestAskSize, bidLevels,
                askLevels, crossed, lastTrade, ticker, sequence, venueSequence, venueTimestamp, updatedAt, snapshotAt,
                counters, bootstrappedFrom, List.of(), null);
    }

    /**
     * The book's writer: the venue socket whose snapshot the book holds, the only one whose changes it takes (another
     * socket's are dropped and counted; its snapshot takes over).
     *
     * @param worker     the index of the venue's connection worker that runs the socket (-1: unknown)
     * @param socket     the socket's id, unique over the venue's workers
     * @param generation the socket actor's incarnation on its node: a socket that reconnected has a new one
     * @param route      the socket incarnation's numbering of its messages (random, unique per incarnation), in hex
     * @param since      when its first snapshot was taken (epoch ms)
     * @param takeOvers  how often another socket's snapshot took the book over since this node started holding it
     */
    public record Writer(int worker, int socket, long generation, String route, long since, long takeOvers) {
    }

    /**
     * Running totals for this market since this node started holding it. {@code bookRecordsPublished}: records
     * on the Kafka book topic; {@code publishRefused}: book records a full publish queue refused (each healed by a
     * full book); {@code unchangedNotPublished}: deltas that changed nothing and snapshots equal to the book;
     * {@code droppedFromOtherWriter}: changes (deltas, resets, trades, tickers, status) from a socket that is not the
     * book's writer, dropped; {@code droppedLate}: messages that arrived after later ones of their socket, dropped.
     */
    public record Counters(long snapshots, long deltas, long trades, long staleEvents, long resyncRequests,
                           long ignoredWhileAwaitingSnapshot, long bookRecordsPublished, long publishRefused,
                           long unchangedNotPublished, long droppedFromOtherWriter, long droppedLate) {

        public Counters(long snapshots, long deltas, long trades, long staleEvents, long resyncRequests,
                        long ignoredWhileAwaitingSnapshot, long bookRecordsPublished, long publishRefused,
                        long unchangedNotPublished) {
            this(snapshots, deltas, trades, staleEvents, resyncRequests, ignoredWhileAwaitingSnapshot,
                    bookRecordsPublished, publishRefused, unchangedNotPublished, 0, 0);
        }
    }
}
