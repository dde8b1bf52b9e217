package io.marketmesh.node.market;

/**
 * Checks, where the book lives, that a socket's changes to a market arrive in the order it sent them, all of them.
 * Sharding keeps one sender's messages in order, except around a shard's hand-off to another node: a message already
 * on its way to the old node is dropped, or forwarded to the new one after later messages. A book that took a change
 * late (its snapshot already held it; Kalshi's relative sizes count it twice) or missed one would be served as fresh
 * and wrong, so each socket numbers
 * its messages to each market ({@code route}: one socket's life, {@code seq}: 1, 2, 3, ...): the actor drops a message
 * older than one it took (a snapshot overtaken by later changes included), and a gap, or a change from another socket
 * than its snapshot's, makes a live book stale.
 */
final class SocketOrder {

    enum Arrival {
        /** The next message of the book's socket, a snapshot (which the book is then built on), or one not numbered. */
        NEXT,
        /** Sent before a message already taken (which supersedes it): to be dropped. */
        LATE,
        /** Messages of its socket went missing before this one: a book built on that socket cannot be trusted. */
        GAP,
        /** From another socket than the one whose snapshot the book is built on. */
        OTHER_SOCKET
    }

    /** The socket whose snapshot the book is built on (0: none yet), and the highest number taken from it. */
    private long bookRoute;
    private long bookLast;
    /** Another socket heard from (a new one, whose snapshot is to come), and the highest number it sent. */
    private long otherRoute;
    private long otherLast;

    /**
     * @param route    the sending socket's numbering, 0 when not numbered (checks nothing)
     * @param snapshot whether it is a snapshot: it replaces the book, so a gap before it does not matter
     */
    Arrival arrive(long route, long seq, boolean snapshot) {
        if (route == 0) {
            return Arrival.NEXT;
        }
        if (route == bookRoute) {
            if (seq <= bookLast) {
                return Arrival.LATE;
            }
            boolean gap = seq != bookLast + 1;
            bookLast = seq;
            return gap && !snapshot ? Arrival.GAP : Arrival.NEXT;
        }
        if (route == otherRoute && seq <= otherLast) {
            return Arrival.LATE;
        }
        if (snapshot) {
            bookRoute = route;
            bookLast = seq;
            otherRoute = 0;
            return Arrival.NEXT;
        }
        otherRoute = route;
        otherLast = seq;
        return Arrival.OTHER_SOCKET;
    }
}
