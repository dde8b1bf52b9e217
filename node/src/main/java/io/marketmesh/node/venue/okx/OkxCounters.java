package io.marketmesh.node.venue.okx;

/**
 * What one OKX socket checked and did, for {@code /api/v1/venues} once the connection layer collects per-venue
 * counters (until then read through {@link OkxSession#counters()}). The checksums themselves are verified where the
 * book lives, by its MarketActor: a mismatch there shows as a stale event and a resync of that market.
 */
public final class OkxCounters {

    /**
     * @param sequenceChecks      updates whose {@code prevSeqId} was compared with the last {@code seqId} applied
     * @param sequenceFailures    of them, those that broke the chain (the book went stale and was resubscribed)
     * @param sequenceResets      updates that kept the chain but restarted {@code seqId} lower (venue maintenance)
     * @param unchained           updates applied without a chain check: the venue sent no {@code seqId}
     * @param checksumChecks      snapshots and updates handed on with the venue's checksum, verified on the book
     * @param checksumsAbsent     snapshots and updates whose checksum was 0 or missing (OKX now sends 0)
     * @param keepAlives          empty updates with {@code seqId == prevSeqId}: nothing changed
     * @param ignored             book messages dropped while a fresh snapshot was awaited
     * @param resubscribes        books resubscribed for a fresh snapshot (a gap, a bad frame, a resync)
     * @param requestsSent        subscribe and unsubscribe frames sent
     * @param requestsWaiting     such frames waiting now for the hourly budget
     * @param notices             {@code notice} events (the venue is about to close the socket)
     */
    public record View(long sequenceChecks, long sequenceFailures, long sequenceResets, long unchained,
                       long checksumChecks, long checksumsAbsent, long keepAlives, long ignored, long resubscribes,
                       long requestsSent, long requestsWaiting, long notices) {
    }

    long sequenceChecks;
    long sequenceFailures;
    long sequenceResets;
    long unchained;
    long checksumChecks;
    long checksumsAbsent;
    long keepAlives;
    long ignored;
    long resubscribes;
    long requestsSent;
    long requestsWaiting;
    long notices;

    View view() {
        return new View(sequenceChecks, sequenceFailures, sequenceResets, unchained, checksumChecks, checksumsAbsent,
                keepAlives, ignored, resubscribes, requestsSent, requestsWaiting, notices);
    }
}
