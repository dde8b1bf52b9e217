package io.marketmesh.node.venue.binance;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One market's order book kept in step with Binance the way the venue documents it ("How to manage a local order
 * book correctly"): buffer the diff stream, fetch a REST snapshot, drop the diffs it already holds
 * ({@code u <= lastUpdateId}), check that the first kept diff bridges it ({@code U <= lastUpdateId+1 <= u}), then
 * that each diff follows the one before ({@code U == previous u + 1}). A snapshot older than the first buffered diff
 * ({@code lastUpdateId < U - 1}) cannot be spliced and is fetched again after a delay, a bounded number of times.
 * A diff that does not follow marks the book stale and starts over: that diff is the first of a new buffer, and a
 * new snapshot is fetched.
 *
 * <p>The snapshot is fetched once the first diff is buffered (so it is taken after the stream started), or, for a
 * market whose book does not move, once its subscription is confirmed and the stream stayed quiet for a while; such
 * a snapshot is spliced with an empty buffer, and the first diff after it must still bridge it.
 */
final class BookSync {

    private static final Logger log = LoggerFactory.getLogger(BookSync.class);

    enum State {
        /** Subscribed (or asked to resync); no snapshot asked for yet: the next diff, or quiet, asks for one. */
        WAITING,
        /** A snapshot is on its way (or queued behind other markets' snapshots); diffs are buffered. */
        FETCHING,
        /** The last snapshot could not be spliced; another is fetched when the retry timer fires. */
        RETRY_WAIT,
        /** No usable snapshot after the allowed attempts; diffs are buffered until the market asks for a resync. */
        GAVE_UP,
        /** The book is exact: every diff is checked and applied as it comes. */
        LIVE
    }

    /** What the session does for a book: REST fetches (paced over the socket's markets) and timers. */
    interface Host {
        void requestSnapshot(BookSync book, SessionOutput out);

        void retryLater(BookSync book, Duration delay, SessionOutput out);

        void awaitQuiet(BookSync book, Duration delay, SessionOutput out);
    }

    final String symbol;
    /** The symbol as the venue writes it in events and REST ({@code BTCUSDT}). */
    final String wireSymbol;
    final MarketKey market;
    private final BinanceOptions options;
    private final SyncCounters counters;
    private final Host host;
    private final ArrayDeque<DepthDiff> buffer = new ArrayDeque<>();

    private State state = State.WAITING;
    /** The update id the book is at: the snapshot's {@code lastUpdateId}, then each applied diff's {@code u}. */
    private long lastUpdateId;
    /** The next diff is the first after a snapshot: it must bridge it rather than follow it exactly. */
    private boolean bridging;
    /** Snapshots tried in this sync. */
    private int attempts;
    /** The tag of the snapshot fetch this book waits for; answers to any other are stale. */
    String expectedTag;
    /** Dropped from the socket: anything still queued or in flight for it is ignored. */
    boolean removed;
    /** The venue refused its subscription (until a diff shows the stream runs after all). */
    private boolean refused;

    BookSync(String symbol, String wireSymbol, BinanceOptions options, SyncCounters counters, Host host) {
        this.symbol = symbol;
        this.wireSymbol = wireSymbol;
        this.market = MarketKey.of(Venue.BINANCE, symbol);
        this.options = options;
        this.counters = counters;
        this.host = host;
    }

    State state() {
        return state;
    }

    long lastUpdateId() {
        return lastUpdateId;
    }

    int buffered() {
        return buffer.size();
    }

    // ---------------------------------------------------------------- the diff stream

    void onDiff(DepthDiff diff, SessionOutput out) {
        refused = false;
        if (state == State.LIVE) {
            applyLive(diff, out);
            return;
        }
        buffer(diff, out);
        if (state == State.WAITING) {
            state = State.FETCHING;
            host.requestSnapshot(this, out);
        }
    }

    private void buffer(DepthDiff diff, SessionOutput out) {
        DepthDiff previous = buffer.peekLast();
        if (previous != null) {
            boolean follows = diff.first() == previous.last() + 1;
            counted(follows, out);
            if (!follows) {
                // Nothing before a gap can be spliced: the buffer starts over from this diff.
                buffer.clear();
            }
        }
        if (buffer.size() >= options.diffBuffer()) {
            // Safe to drop the oldest: the snapshot must then reach the new first diff, which the splice checks.
            buffer.pollFirst();
            counters.diffsDroppedFromFullBuffer++;
        }
        buffer.addLast(diff);
    }

    private void applyLive(DepthDiff diff, SessionOutput out) {
        if (diff.last() <= lastUpdateId) {
            if (bridging) {
                counters.diffsDroppedAtSplice++;
            } else {
                counters.diffsIgnoredAsOld++;
            }
            return;
        }
        boolean follows = bridging ? diff.first() <= lastUpdateId + 1 : diff.first() == lastUpdateId + 1;
        counted(follows, out);
        if (!follows) {
            out.stale(symbol, bridging
                    ? "first diff after the snapshot (U=" + diff.first() + ", u=" + diff.last()
                            + ") does not bridge its lastUpdateId " + lastUpdateId
                    : "diff U=" + diff.first() + " does not follow u=" + lastUpdateId + " ("
                            + (diff.first() - lastUpdateId - 1) + " update ids missing)");
            restartFrom(diff, out);
            return;
        }
        out.event(new BookDelta(market, BookDelta.Mode.ABSOLUTE, diff.updates(), diff.last(), diff.eventTime(),
                diff.receivedAt()));
        lastUpdateId = diff.last();
        bridging = false;
    }

    /** One update-id check: in the session's counters and the socket's ({@code sequenceChecks} in /api/v1/venues). */
    private void counted(boolean inOrder, SessionOutput out) {
        counters.sequenceChecks++;
        if (!inOrder) {
            counters.sequenceFailures++;
        }
        out.sequenceChecked(inOrder);
    }

    /** A diff did not follow the book: it starts a new buffer, and a fresh snapshot is fetched at once. */
    private void restartFrom(DepthDiff diff, SessionOutput out) {
        buffer.clear();
        buffer.addLast(diff);
        bridging = false;
        attempts = 0;
        state = State.FETCHING;
        host.requestSnapshot(this, out);
    }

    // ---------------------------------------------------------------- snapshots

    void onSnapshot(DepthSnapshot snapshot, long receivedAt, SessionOutput out) {
        if (state != State.FETCHING) {
            return;
        }
        long id = snapshot.lastUpdateId();
        DepthDiff first = buffer.peekFirst();
        if (first != null && id < first.first() - 1) {
            counters.snapshotsTooOld++;
            retryOrGiveUp("snapshot lastUpdateId " + id + " is older than the first buffered diff (U="
                    + first.first() + ")", out);
            return;
        }
        counters.snapshotsApplied++;
        out.event(new BookSnapshot(market, snapshot.bids(), snapshot.asks(), id, 0, receivedAt));
        state = State.LIVE;
        lastUpdateId = id;
        bridging = true;
        attempts = 0;
        List<DepthDiff> pending = new ArrayList<>(buffer);
        buffer.clear();
        for (DepthDiff diff : pending) {
            onDiff(diff, out); // a diff that fails to follow makes the rest a new buffer
        }
    }

    /**
     * No snapshot came. {@code retryable}: a failure that may pass (network, 5xx); otherwise (refused symbol, rate
     * limit or ban) the book waits for its market's next resync request, which comes with a growing backoff.
     */
    void onSnapshotFailed(String reason, boolean retryable, SessionOutput out) {
        if (state != State.FETCHING) {
            return;
        }
        counters.snapshotFailures++;
        if (retryable) {
            retryOrGiveUp(reason, out);
        } else {
            giveUp(reason, out);
        }
    }

    private void retryOrGiveUp(String reason, SessionOutput out) {
        attempts++;
        if (attempts >= options.snapshotAttempts()) {
            giveUp(reason + "; " + attempts + " snapshot(s) tried", out);
            return;
        }
        state = State.RETRY_WAIT;
        Duration delay = options.snapshotRetryDelay().multipliedBy(1L << Math.min(attempts - 1, 10));
        log.info("binance {}: {}; fetching another snapshot in {} ms", symbol, reason, delay.toMillis());
        host.retryLater(this, delay, out);
    }

    private void giveUp(String reason, SessionOutput out) {
        state = State.GAVE_UP;
        out.venueError("binance " + symbol + ": no usable depth snapshot (" + reason
                + "); waiting for the market's next resync request");
    }

    void onRetryTimer(SessionOutput out) {
        if (state == State.RETRY_WAIT) {
            state = State.FETCHING;
            host.requestSnapshot(this, out);
        }
    }

    // ---------------------------------------------------------------- subscription and resync

    /**
     * The subscription was sent, not yet confirmed. Should the venue never confirm it, a quiet market is still
     * snapshotted after {@code fallback}, long enough for the paced subscription to have gone out; a snapshot taken
     * before its stream started is caught by the bridge check of the first diff.
     */
    void onSubscribeSent(Duration fallback, SessionOutput out) {
        if (state == State.WAITING) {
            host.awaitQuiet(this, fallback, out);
        }
    }

    /** The venue confirmed the subscription: the stream runs, so a quiet market can be snapshotted after a while. */
    void onSubscribed(SessionOutput out) {
        if (state == State.WAITING) {
            host.awaitQuiet(this, options.quietSnapshotAfter(), out);
        }
    }

    /**
     * The venue refused the subscription: no quiet-market snapshot then, which would serve a book no stream keeps up to
     * date. The market's resync requests go unanswered until its socket is reopened (the connection's escalation),
     * which subscribes it again.
     */
    void onRefused() {
        refused = true;
    }

    void onQuiet(SessionOutput out) {
        if (state == State.WAITING && !refused) {
            state = State.FETCHING;
            host.requestSnapshot(this, out);
        }
    }

    /**
     * The market asks for a fresh book. While a sync is under way it already gets one; a live book (one its market no
     * longer trusts, or a market actor that started afresh) is synced again from the next diff; a sync that gave up
     * tries again.
     */
    void resync(SessionOutput out) {
        switch (state) {
            case LIVE -> {
                buffer.clear();
                bridging = false;
                attempts = 0;
                state = State.WAITING;
                host.awaitQuiet(this, options.quietSnapshotAfter(), out);
            }
            case GAVE_UP -> {
                attempts = 0;
                if (buffer.isEmpty()) {
                    state = State.WAITING;
                    host.awaitQuiet(this, options.quietSnapshotAfter(), out);
                } else {
                    state = State.FETCHING;
                    host.requestSnapshot(this, out);
                }
            }
            default -> {
            }
        }
    }
}
