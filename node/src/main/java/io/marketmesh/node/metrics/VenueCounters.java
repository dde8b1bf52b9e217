package io.marketmesh.node.metrics;

import io.marketmesh.protocol.Venue;
import java.util.concurrent.atomic.LongAdder;

/**
 * One venue's counters and gauges on this node, kept where things happen (sockets, connection workers, MarketActors)
 * and read by {@code GET /metrics}. Each is a {@link LongAdder}: an increment on the frame path is one uncontended
 * add, nothing allocated; the sockets of one venue share them without a lock. Gauges are adders moved up and down by
 * the owner of the thing counted, on its transitions only.
 */
public final class VenueCounters {

    /** The bounded reasons a bad frame is counted under ({@code marketmesh_venue_bad_frames_total{reason}}). */
    public enum BadFrameReason {
        MALFORMED, UNKNOWN, BINARY, OTHER;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * Sorts a venue session's free-text reason into the bounded set: a frame that is not JSON or cannot be read
         * is malformed; an event, channel or topic this node does not know or did not subscribe is unknown; a binary
         * frame where text is expected is binary; anything else (a known message with a field missing) is other.
         * Called on bad frames only, which are rare.
         */
        public static BadFrameReason of(String reason) {
            String text = reason == null ? "" : reason.toLowerCase(java.util.Locale.ROOT);
            if (text.contains("binary")) {
                return BINARY;
            }
            if (text.contains("not valid json") || text.contains("cannot be read") || text.contains("malformed")
                    || text.startsWith("kraken frame not understood")) {
                return MALFORMED;
            }
            if (text.contains("unknown") || text.contains("not subscribed") || text.contains("never subscribed")
                    || text.contains("not followed") || text.contains("speaks v2")) {
                return UNKNOWN;
            }
            return OTHER;
        }
    }

    /** Why a book dropped a change ({@code marketmesh_book_changes_dropped_total{reason}}). */
    public enum DropReason {
        /** From a socket that is not the book's writer (the one whose snapshot the book holds). */
        OTHER_WRITER,
        /** Arrived after later messages of its socket (overtaken around a shard's move). */
        LATE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The kinds of venue error ({@code io.marketmesh.node.connection.VenueError} kinds), in label order. */
    public static final String[] ERROR_KINDS = {"socket", "upgrade_refused", "venue_error", "discovery", "bad_frame"};

    private final Venue venue;
    final LongAdder connectionsOpen = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder framesReceived = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder[] badFrames = adders(BadFrameReason.values().length);
    final LongAdder[] errors = adders(ERROR_KINDS.length);
    final LongAdder subscriptions = new LongAdder();
    final LongAdder workers = new LongAdder();
    final LongAdder books = new LongAdder();
    final LongAdder resyncsRequested = new LongAdder();
    final LongAdder resyncsHealed = new LongAdder();
    final LongAdder sequencePassed = new LongAdder();
    final LongAdder sequenceFailed = new LongAdder();
    final LongAdder checksumPassed = new LongAdder();
    final LongAdder checksumFailed = new LongAdder();
    final LongAdder[] changesDropped = adders(DropReason.values().length);

    VenueCounters(Venue venue) {
        this.venue = venue;
    }

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    public Venue venue() {
        return venue;
    }

    /** A venue frame arrived on a socket; {@code bytes} its size (characters of a text frame: the venues send ASCII). */
    public void onFrame(int bytes) {
        framesReceived.increment();
        bytesReceived.add(bytes);
    }

    /** A socket's WebSocket upgrade succeeded ({@code true}) or that open socket closed ({@code false}). */
    public void onConnectionOpen(boolean open) {
        if (open) {
            connectionsOpen.increment();
        } else {
            connectionsOpen.decrement();
        }
    }

    /** A socket starts again after its first start (a reconnection attempt). */
    public void onReconnect() {
        reconnects.increment();
    }

    public void onBadFrame(BadFrameReason reason) {
        badFrames[reason.ordinal()].increment();
        onError("bad_frame");
    }

    /** A venue error of {@code kind} (a {@code VenueError} kind; an unknown one is not counted). */
    public void onError(String kind) {
        for (int i = 0; i < ERROR_KINDS.length; i++) {
            if (ERROR_KINDS[i].equals(kind)) {
                errors[i].increment();
                return;
            }
        }
    }

    /** The markets a connection worker of this node carries changed by {@code delta}. */
    public void onSubscriptionsChanged(long delta) {
        subscriptions.add(delta);
    }

    /** A connection worker of the venue started ({@code true}) or stopped on this node. */
    public void onWorker(boolean started) {
        if (started) {
            workers.increment();
        } else {
            workers.decrement();
        }
    }

    /** A MarketActor of the venue started ({@code true}) or stopped on this node. */
    public void onBook(boolean started) {
        if (started) {
            books.increment();
        } else {
            books.decrement();
        }
    }

    /**
     * A trusted book lost trust (a gap, a failed check, a lost connection, a reset) and waits for a fresh snapshot:
     * one resync episode, however many times the snapshot is asked for.
     */
    public void onResyncRequested() {
        resyncsRequested.increment();
    }

    /** A book of a resync episode is trusted again from a fresh snapshot: the episode is healed. */
    public void onResyncHealed() {
        resyncsHealed.increment();
    }

    public void onSequenceChecked(boolean inOrder) {
        (inOrder ? sequencePassed : sequenceFailed).increment();
    }

    public void onChecksumChecked(boolean matched) {
        (matched ? checksumPassed : checksumFailed).increment();
    }

    /** A book of the venue dropped a change, for {@code reason}. */
    public void onChangeDropped(DropReason reason) {
        changesDropped[reason.ordinal()].increment();
    }

    public long changesDropped(DropReason reason) {
        return changesDropped[reason.ordinal()].sum();
    }

    public long connectionsOpen() {
        return connectionsOpen.sum();
    }

    public long reconnects() {
        return reconnects.sum();
    }

    public long framesReceived() {
        return framesReceived.sum();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long badFrames(BadFrameReason reason) {
        return badFrames[reason.ordinal()].sum();
    }

    public long errors(int kindIndex) {
        return errors[kindIndex].sum();
    }

    public long subscriptions() {
        return subscriptions.sum();
    }

    public long workers() {
        return workers.sum();
    }

    public long books() {
        return books.sum();
    }

    public long resyncsRequested() {
        return resyncsRequested.sum();
    }

    public long resyncsHealed() {
        return resyncsHealed.sum();
    }

    public long sequenceChecks(boolean passed) {
        return (passed ? sequencePassed : sequenceFailed).sum();
    }

    public long checksumChecks(boolean passed) {
        return (passed ? checksumPassed : checksumFailed).sum();
    }
}
