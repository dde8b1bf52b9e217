package io.marketmesh.node.venue.okx;

/**
 * What one OKX socket saw beyond the integrity counts every venue reports ({@code SessionOutput.sequenceChecked} for
 * each {@code prevSeqId} compared; the checksum claims and their failures are counted by the connection): read
 * through {@link OkxSession#counters()}.
 */
public final class OkxCounters {

    /**
     * @param sequenceResets  updates that kept the chain but restarted {@code seqId} lower (venue maintenance)
     * @param unchained       updates applied without a chain check: the venue sent no {@code seqId}
     * @param checksumsAbsent snapshots and updates whose checksum was 0 or missing (OKX now sends 0)
     * @param keepAlives      empty updates with {@code seqId == prevSeqId}: nothing changed
     * @param ignored         book messages dropped while a fresh snapshot was awaited
     * @param resubscribes    books resubscribed for a fresh snapshot (a gap, a bad frame, a resync)
     * @param requestsSent    subscribe and unsubscribe frames sent
     * @param requestsWaiting such frames waiting now for the hourly budget
     * @param notices         {@code notice} events (the venue is about to close the socket)
     */
    public record View(long sequenceResets, long unchained, long checksumsAbsent, long keepAlives, long ignored,
                       long resubscribes, long requestsSent, long requestsWaiting, long notices) {
    }

    long sequenceResets;
    long unchained;
    long checksumsAbsent;
    long keepAlives;
    long ignored;
    long resubscribes;
    long requestsSent;
    long requestsWaiting;
    long notices;

    View view() {
        return new View(sequenceResets, unchained, checksumsAbsent, keepAlives, ignored, resubscribes, requestsSent,
                requestsWaiting, notices);
    }
}
