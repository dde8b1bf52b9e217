package io.marketmesh.node.market;

/**
 * The book's one writer, and the order of its messages, checked where the book lives.
 *
 * <p><b>One writer.</b> A book is built on one socket's snapshot, and only that socket's changes can keep it exact:
 * another socket's deltas are relative to another book (Kalshi's relative sizes would be counted twice) and arrive
 * interleaved at random with the writer's. Two sockets can feed one market for a while: a worker restarted elsewhere
 * while the old one is still alive behind a partition, a socket that reconnected while messages of its previous life
 * are still on their way, a market moved to another socket. So the socket (one incarnation of it: {@code route}) whose
 * snapshot the book holds is its <em>writer</em>; anything else from another socket is dropped and counted, the book
 * staying as it is (fresh if it was). A snapshot from another socket takes over cleanly: it replaces the whole book,
 * so the book is exact again, that socket becomes the writer, and the former writer's later messages are dropped.
 * With no writer yet (no snapshot), a change has nothing to apply to and is ignored as before; a trade, ticker or
 * status is taken from anyone.
 *
 * <p><b>Order.</b> Sharding keeps one sender's messages in order, except around a shard's hand-off to another node: a
 * message already on its way to the old node is dropped, or forwarded to the new one after later messages. A book that
 * took a change late (its snapshot already held it) or missed one would be served as fresh and wrong, so each socket
 * numbers its messages to each market ({@code route}: one socket's life, {@code seq}: 1, 2, 3, ...): a message older
 * than one taken from its socket is dropped, a snapshot overtaken by later changes included, and a gap in the writer's
 * numbering makes a live book stale.
 *
 * <p>Allocation-free: the writer and the few other sockets heard from lately are kept in fields and fixed arrays.
 */
final class SocketOrder {

    enum Arrival {
        /** The writer's next message, or one not numbered (nothing to check): applied. */
        NEXT,
        /** A snapshot from another socket than the writer's: its socket is the writer from now on. */
        TAKE_OVER,
        /** Sent before a message already taken from its socket (which supersedes it): dropped. */
        LATE,
        /** Messages of the writer went missing before this one: the book cannot be trusted. */
        GAP,
        /** A change, trade, ticker or status from a socket that is not the writer: dropped. */
        OTHER_WRITER,
        /** A message of a socket while the book has no writer yet (no snapshot): handled as before. */
        NO_WRITER
    }

    /** Non-writer sockets remembered (their highest number sent), so that their late snapshots are known late. */
    private static final int OTHERS = 4;

    /** The writer's route (0: none yet), the highest number taken from it, and who it is. */
    private long writerRoute;
    private long writerLast;
    private int writerWorker = -1;
    private int writerSocket = -1;
    private long writerGeneration;
    /** When the writer's first snapshot was taken (epoch ms). */
    private long writerSince;
    /** Writers the book had before, in order: how many took over since this actor started. */
    private long takeOvers;

    private final long[] otherRoutes = new long[OTHERS];
    private final long[] otherLast = new long[OTHERS];
    /** The slot the next new non-writer socket overwrites (the oldest heard of). */
    private int nextOther;

    /**
     * @param route    the sending socket's numbering, 0 when not numbered (checks nothing)
     * @param snapshot whether it is a snapshot: it replaces the book, so a gap before it does not matter
     */
    Arrival arrive(long route, long seq, boolean snapshot) {
        if (route == 0) {
            return Arrival.NEXT;
        }
        if (route == writerRoute) {
            if (seq <= writerLast) {
                return Arrival.LATE;
            }
            boolean gap = seq != writerLast + 1;
            writerLast = seq;
            return gap && !snapshot ? Arrival.GAP : Arrival.NEXT;
        }
        int slot = otherSlot(route);
        if (slot >= 0 && seq <= otherLast[slot]) {
            return Arrival.LATE;
        }
        if (snapshot) {
            if (slot >= 0) {
                otherRoutes[slot] = 0;
            }
            if (writerRoute != 0) {
                // The former writer's later messages are dropped: remember how far it got, so its late ones are too.
                remember(writerRoute, writerLast);
                takeOvers++;
            }
            writerRoute = route;
            writerLast = seq;
            return Arrival.TAKE_OVER;
        }
        if (slot >= 0) {
            otherLast[slot] = seq;
        } else {
            remember(route, seq);
        }
        return writerRoute == 0 ? Arrival.NO_WRITER : Arrival.OTHER_WRITER;
    }

    /** Who the writer is, once {@link #arrive} answered {@link Arrival#TAKE_OVER} for its snapshot. */
    void writerIs(int worker, int socket, long generation, long since) {
        writerWorker = worker;
        writerSocket = socket;
        writerGeneration = generation;
        writerSince = since;
    }

    /** Whether a message of this route ({@code 0}: not numbered) may act for the writer: no writer, or it. */
    boolean fromWriter(long route) {
        return route == 0 || writerRoute == 0 || route == writerRoute;
    }

    boolean hasWriter() {
        return writerRoute != 0;
    }

    long writerRoute() {
        return writerRoute;
    }

    int writerWorker() {
        return writerWorker;
    }

    int writerSocket() {
        return writerSocket;
    }

    long writerGeneration() {
        return writerGeneration;
    }

    long writerSince() {
        return writerSince;
    }

    long takeOvers() {
        return takeOvers;
    }

    private int otherSlot(long route) {
        for (int i = 0; i < OTHERS; i++) {
            if (otherRoutes[i] == route) {
                return i;
            }
        }
        return -1;
    }

    private void remember(long route, long last) {
        otherRoutes[nextOther] = route;
        otherLast[nextOther] = last;
        nextOther = (nextOther + 1) % OTHERS;
    }
}
