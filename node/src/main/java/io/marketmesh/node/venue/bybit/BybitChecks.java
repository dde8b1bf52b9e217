package io.marketmesh.node.venue.bybit;

/**
 * What one Bybit session has checked so far, for the per-venue counters of {@code /api/v1/venues}. Bybit sends no
 * checksum, so only the update-id chain is checked: every delta applied to a book counts one check, and a delta whose
 * {@code u} is not the previous one plus 1 counts one failure (the book is then stale and resubscribed). Each check is
 * also reported as it happens through {@code SessionOutput.sequenceChecked}, which feeds {@code integrity} in
 * {@code /api/v1/venues}; this record is the session's own view, for tests and benchmarks.
 *
 * @param sequenceChecks   deltas whose {@code u} was compared with the previous one
 * @param sequenceFailures of those, the ones that broke the chain
 * @param snapshots        snapshots taken (first ones, resync answers, and the venue's own mid-stream ones)
 * @param framesIgnored    data frames not applied: for markets not carried here, or deltas awaiting a snapshot
 */
public record BybitChecks(long sequenceChecks, long sequenceFailures, long snapshots, long framesIgnored) {

    /** Bybit has no checksum. */
    public long checksumChecks() {
        return 0;
    }

    /** Bybit has no checksum. */
    public long checksumFailures() {
        return 0;
    }
}
