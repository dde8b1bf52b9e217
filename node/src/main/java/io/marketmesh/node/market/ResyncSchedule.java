package io.marketmesh.node.market;

import java.time.Duration;

/**
 * When a MarketActor may ask its venue for a fresh snapshot, and what number the request has. Requests back off
 * (doubling from {@code resync-min-backoff} to {@code resync-max-backoff}) while no good snapshot comes; a snapshot
 * that fails the venue's own check, or a book that goes stale again right after its snapshot, does not start over: the
 * backoff and the attempt count carry on, so a systematic mismatch is asked about at a slowing pace (and the
 * connection's escalation, which counts attempts, can act) rather than at the venue's round-trip rate. A book that
 * stayed trusted for {@code resync-min-backoff} starts its next episode afresh: a systematic mismatch shows on the
 * first changes after the snapshot, while a new fault (a lost delta seconds later) deserves a prompt resync, not the
 * backoff of the last one. Owned by its actor; times in epoch ms.
 */
final class ResyncSchedule {

    private final Duration min;
    private final Duration max;
    private Duration backoff;
    private Duration checkAfter;
    private int attempts;
    private long earliestNextAsk;
    private long trustedSince = -1;
    /** A request is out, or one is waiting for its turn: no other goes out meanwhile. */
    boolean pending;

    ResyncSchedule(MarketSettings settings) {
        this.min = settings.resyncMinBackoff();
        this.max = settings.resyncMaxBackoff();
        this.backoff = min;
        this.checkAfter = min;
    }

    /** A snapshot arrived and passed its checks. */
    void trusted(long now) {
        trustedSince = now;
        pending = false;
    }

    /** The book stopped being trusted. */
    void untrusted(long now) {
        if (trustedSince >= 0 && now - trustedSince >= min.toMillis()) {
            backoff = min;
            attempts = 0;
            earliestNextAsk = 0;
        }
        trustedSince = -1;
    }

    /** How long until a request may go out (0: now). */
    long waitBeforeAsking(long now) {
        return Math.max(0, earliestNextAsk - now);
    }

    /** A request goes out now; returns its attempt number (1 = the first since the episode began). */
    int asked(long now) {
        attempts++;
        stepBackoff(now);
        return attempts;
    }

    /** The connection asked the venue itself (a gap it saw): the actor's own request waits a backoff. */
    void askedByConnection(long now) {
        stepBackoff(now);
    }

    /** When to look again after the last request. */
    Duration checkAfter() {
        return checkAfter;
    }

    private void stepBackoff(long now) {
        checkAfter = backoff;
        earliestNextAsk = now + backoff.toMillis();
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(max) > 0 ? max : doubled;
    }
}
