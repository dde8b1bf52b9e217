package io.marketmesh.node.venue.bitstamp;

import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * One followed Bitstamp book on one socket: the {@code diff_order_book} stream spliced onto REST snapshots on
 * {@code microtimestamp} (microseconds; the seconds {@code timestamp} is too coarse: several diffs share a second).
 *
 * <p><b>Sync</b> ({@link Mode#SYNCING}): diffs are buffered, not sent; {@code snapshot-delay} later the REST order book
 * is fetched. A snapshot older than the first buffered diff may miss changes made between the two, so it is fetched
 * again ({@code snapshot-retry-delay}, at most {@code snapshot-attempts} fetches, then the book is left stale until
 * its MarketActor asks again). Otherwise the buffered diffs at or before the snapshot's microtimestamp are dropped (it
 * holds them) and the rest applied to it; the result goes out as one {@link BookSnapshot}.
 *
 * <p><b>Live</b>: a diff older than the last one applied makes the book resynchronise (a diff at or before the
 * snapshot, still in flight when it was spliced, is dropped). Nothing else can be checked: the diffs carry
 * no sequence number and no checksum, so a lost diff is invisible on the socket. Hence the <b>recheck</b>: every
 * {@code recheck-interval} the book records the diffs it sends, fetches a fresh REST snapshot and rebuilds the book
 * from it; the CRC32 of that rebuilt book goes to the MarketActor as a claim (an empty {@link BookDelta}), where a book
 * that drifted fails it and is resynchronised. A REST book newer than the last diff applied is compared only once the
 * stream has passed it (or {@code snapshot-delay} later), since the diffs it holds may still be on their way.
 */
final class BookSync {

    enum Mode {
        /** Buffering diffs until a usable REST snapshot arrives. */
        SYNCING,
        /** Sending diffs as they come; maybe recording them for a recheck. */
        LIVE,
        /** No usable snapshot came: diffs are dropped until the MarketActor asks for a resync. */
        GIVEN_UP
    }

    static final Duration REST_TIMEOUT = Duration.ofSeconds(10);

    final String pair;
    final MarketKey market;
    final String diffChannel;
    final String tradeChannel;
    private final String snapshotUrl;
    private final String fetchTimer;
    private final String recheckTimer;
    private final BitstampSettings settings;
    private final BitstampCounters.Running counters;
    /** The session's round numbers: unique per socket, so a book followed again never takes an old book's answer. */
    private final IntSupplier rounds;

    private Mode mode = Mode.GIVEN_UP;
    /** Renumbered whenever a sync or recheck starts or ends, so a late answer to an earlier fetch is recognised. */
    private int generation;
    private int attempts;
    /** Syncing: every diff since the sync began. Rechecking: every diff sent since the recheck began. */
    private final ArrayList<BookDelta> diffs = new ArrayList<>();
    private boolean rechecking;
    private long recheckFrom;
    /**
     * A recheck's REST book newer than the last diff applied: diffs up to it may still be on their way over the
     * socket (a REST answer can overtake them), so it is compared once the stream has passed it.
     */
    private SplicedBook pendingCheck;
    private long snapshotMicros = -1;
    private long lastApplied = -1;

    BookSync(String pair, String restBase, BitstampSettings settings, BitstampCounters.Running counters,
             IntSupplier rounds) {
        this.pair = pair;
        this.market = MarketKey.of(Venue.BITSTAMP, pair);
        this.diffChannel = "diff_order_book_" + pair;
        this.tradeChannel = "live_trades_" + pair;
        this.snapshotUrl = restBase + "/api/v2/order_book/" + pair + "/";
        this.fetchTimer = "fetch|" + pair;
        this.recheckTimer = "recheck|" + pair;
        this.settings = settings;
        this.counters = counters;
        this.rounds = rounds;
        this.generation = rounds.getAsInt();
    }

    Mode mode() {
        return mode;
    }

    /** Starts over from a fresh snapshot; the book is stale meanwhile (its diffs are held back). */
    void start(String reason, SessionOutput out) {
        mode = Mode.SYNCING;
        endRound();
        rechecking = false;
        out.cancel(recheckTimer);
        out.stale(pair, reason);
        out.schedule(fetchTimer, settings.snapshotDelay());
    }

    /** The MarketActor asks for a fresh snapshot: one is already coming while syncing. */
    void resync(SessionOutput out) {
        if (mode != Mode.SYNCING) {
            start("resynchronising from a REST snapshot", out);
        }
    }

    /** A diff of this book could not be read: the book has missed a change. */
    void unreadableDiff(String why, SessionOutput out) {
        if (mode != Mode.GIVEN_UP) {
            start("a diff could not be read (" + why + "); resynchronising from a REST snapshot", out);
        }
    }

    /**
     * A frame on the socket could not be read, and nothing says whose it was: it may have been one of this book's
     * diffs. A syncing book starts over; a live one is rechecked now rather than at its interval.
     */
    void suspect(SessionOutput out) {
        if (mode == Mode.SYNCING) {
            start("a frame on its socket could not be read while buffering; resynchronising", out);
        } else if (mode == Mode.LIVE && !rechecking) {
            beginRecheck(out);
        }
    }

    void onDiff(long micros, List<LevelUpdate> levels, long receivedAt, SessionOutput out) {
        switch (mode) {
            case SYNCING -> buffer(micros, levels, receivedAt, out);
            case LIVE -> apply(micros, levels, receivedAt, out);
            case GIVEN_UP -> {
            }
        }
    }

    private void buffer(long micros, List<LevelUpdate> levels, long receivedAt, SessionOutput out) {
        if (!diffs.isEmpty()) {
            counters.sequenceChecks++;
            long previous = diffs.get(diffs.size() - 1).venueSequence();
            out.sequenceChecked(micros >= previous);
            if (micros < previous) {
                counters.sequenceFailures++;
                start("diff microtimestamp " + micros + " before " + previous + "; resynchronising", out);
                return;
            }
        }
        if (diffs.size() >= settings.maxBufferedDiffs()) {
            giveUp("more than " + settings.maxBufferedDiffs() + " diffs buffered", out);
            return;
        }
        diffs.add(delta(micros, levels, receivedAt));
    }

    private void apply(long micros, List<LevelUpdate> levels, long receivedAt, SessionOutput out) {
        counters.sequenceChecks++;
        if (lastApplied == snapshotMicros && micros <= snapshotMicros) {
            // Sent before the snapshot was taken, on its way while the book was spliced: the snapshot holds it.
            out.sequenceChecked(true);
            counters.diffsInSnapshot++;
            return;
        }
        // Time must not go back. Two diffs in one microsecond (never seen on the venue) are taken in arrival order.
        out.sequenceChecked(micros >= lastApplied);
        if (micros < lastApplied) {
            counters.sequenceFailures++;
            start("diff microtimestamp " + micros + " before " + lastApplied + "; resynchronising", out);
            return;
        }
        if (pendingCheck != null && micros > pendingCheck.microtimestamp) {
            completeRecheck(out); // every diff the REST book holds has been applied: compare now, before this one
        }
        BookDelta delta = delta(micros, levels, receivedAt);
        out.event(delta);
        lastApplied = micros;
        if (rechecking) {
            if (diffs.size() < settings.maxBufferedDiffs()) {
                diffs.add(delta);
            } else {
                counters.rechecksSkipped++;
                endRecheck(out);
            }
        }
    }

    private BookDelta delta(long micros, List<LevelUpdate> levels, long receivedAt) {
        return new BookDelta(market, BookDelta.Mode.ABSOLUTE, levels, micros, micros / 1000, receivedAt);
    }

    void onFetchTimer(SessionOutput out) {
        if (pendingCheck != null) {
            completeRecheck(out); // no newer diff came: the stream has long delivered what the REST book holds
        } else if (mode == Mode.SYNCING || rechecking) {
            attempts++;
            out.fetch(fetchTag(), FetchRequest.get(snapshotUrl, REST_TIMEOUT));
        }
    }

    void onRecheckTimer(SessionOutput out) {
        if (mode == Mode.LIVE && !rechecking) {
            beginRecheck(out);
        }
    }

    private void beginRecheck(SessionOutput out) {
        endRound();
        rechecking = true;
        recheckFrom = lastApplied;
        out.cancel(recheckTimer);
        out.schedule(fetchTimer, settings.snapshotDelay());
    }

    /** The tag of this round's snapshot fetches: {@code book|pair|generation}. */
    String fetchTag() {
        return "book|" + pair + "|" + generation;
    }

    void onSnapshot(int tagGeneration, FetchResponse response, long now, SessionOutput out) {
        if (tagGeneration != generation || !(mode == Mode.SYNCING || rechecking) || pendingCheck != null) {
            return; // an answer to an abandoned round
        }
        if (!response.ok()) {
            counters.snapshotFailures++;
            out.venueError("REST order book of " + pair + " failed: "
                    + (response.status() == 0 ? response.error() : "HTTP " + response.status()));
            retry("the REST order book did not come", out);
            return;
        }
        SplicedBook book;
        try {
            book = SplicedBook.parse(response.body());
        } catch (IOException e) {
            counters.snapshotFailures++;
            out.badFrame("REST order book of " + pair + " not understood: " + e.getMessage(), response.body());
            retry("the REST order book was not understood", out);
            return;
        }
        long from = mode == Mode.SYNCING ? (diffs.isEmpty() ? -1 : diffs.get(0).venueSequence()) : recheckFrom;
        if (book.microtimestamp < from) {
            // Changes between the snapshot and the first diff we hold would be missing from the book.
            counters.snapshotsTooOld++;
            retry("REST snapshot at " + book.microtimestamp + " older than the diffs held from " + from, out);
            return;
        }
        if (mode == Mode.SYNCING) {
            splice(book, now, out);
        } else if (book.microtimestamp > lastApplied) {
            pendingCheck = book;
            out.schedule(fetchTimer, settings.snapshotDelay());
        } else {
            pendingCheck = book;
            completeRecheck(out);
        }
    }

    /**
     * Seeds the book: the REST book with the buffered diffs newer than it. Diffs at or before it that are still on
     * their way are dropped when they come ({@link #apply}).
     */
    private void splice(SplicedBook book, long now, SessionOutput out) {
        long last = book.microtimestamp;
        for (BookDelta diff : diffs) {
            if (diff.venueSequence() <= book.microtimestamp) {
                counters.diffsInSnapshot++;
            } else {
                book.apply(diff.updates());
                last = diff.venueSequence();
            }
        }
        out.event(new BookSnapshot(market, book.bids(), book.asks(), last, last / 1000, now));
        counters.snapshotsSpliced++;
        mode = Mode.LIVE;
        snapshotMicros = book.microtimestamp;
        lastApplied = last;
        endRound();
        scheduleRecheck(out);
    }

    /**
     * The venue's book now (the recheck's REST book with the diffs sent since that are newer than it): the
     * MarketActor's must be the same, level by level. Sent as a claim on an empty change.
     */
    private void completeRecheck(SessionOutput out) {
        SplicedBook book = pendingCheck;
        pendingCheck = null;
        for (BookDelta diff : diffs) {
            if (diff.venueSequence() > book.microtimestamp) {
                book.apply(diff.updates());
            }
        }
        out.event(new BookDelta(market, BookDelta.Mode.ABSOLUTE, List.of(), lastApplied, lastApplied / 1000,
                System.currentTimeMillis(), new BookClaim.Checksum(SplicedBook.WHOLE_BOOK, book.checksum())));
        counters.checksumChecks++;
        endRecheck(out);
    }

    private void retry(String reason, SessionOutput out) {
        if (attempts < settings.snapshotAttempts()) {
            out.schedule(fetchTimer, settings.snapshotRetryDelay());
        } else if (mode == Mode.SYNCING) {
            giveUp(reason, out);
        } else {
            counters.rechecksSkipped++;
            endRecheck(out);
        }
    }

    private void giveUp(String reason, SessionOutput out) {
        int fetches = attempts;
        mode = Mode.GIVEN_UP;
        endRound();
        counters.syncsGivenUp++;
        out.cancel(fetchTimer);
        out.stale(pair, "no usable REST snapshot after " + fetches + " fetch(es): " + reason);
    }

    private void endRecheck(SessionOutput out) {
        rechecking = false;
        endRound();
        scheduleRecheck(out);
    }

    private void scheduleRecheck(SessionOutput out) {
        if (settings.rechecks()) {
            out.schedule(recheckTimer, settings.recheckInterval());
        }
    }

    private void endRound() {
        pendingCheck = null;
        generation = rounds.getAsInt();
        attempts = 0;
        diffs.clear();
    }

    /** This book is no longer followed on this socket. */
    void stop(SessionOutput out) {
        mode = Mode.GIVEN_UP;
        rechecking = false;
        endRound();
        out.cancel(fetchTimer);
        out.cancel(recheckTimer);
    }
}
