package io.marketmesh.node.venue.binance;

/**
 * What one Binance session checked and how often the checks failed, for the per-venue counters of
 * {@code /api/v1/venues} ("sequenceChecks", "sequenceFailures"; Binance has no checksum). Kept by the socket's actor
 * thread only.
 */
public final class SyncCounters {

    /** Diff events whose update ids were compared with the event or snapshot before them. */
    long sequenceChecks;
    /** Of those, the ones that did not follow: a book marked stale and re-synced, or a buffer started over. */
    long sequenceFailures;
    /** REST snapshots asked for. */
    long snapshotsRequested;
    /** Snapshots spliced into the diff stream (each one a book made exact). */
    long snapshotsApplied;
    /** Snapshots older than the first buffered diff, fetched again. */
    long snapshotsTooOld;
    /** Snapshots that did not come (HTTP error, timeout, unreadable body). */
    long snapshotFailures;
    /** Buffered diffs the snapshot already held ({@code u <= lastUpdateId}), dropped at the splice. */
    long diffsDroppedAtSplice;
    /** Diffs older than the live book ({@code u <= lastUpdateId}), ignored. */
    long diffsIgnoredAsOld;
    /** Diffs dropped from a full buffer while a snapshot was awaited. */
    long diffsDroppedFromFullBuffer;
    /** Frames for markets this socket does not carry. */
    long framesForUnknownMarkets;

    public long sequenceChecks() {
        return sequenceChecks;
    }

    public long sequenceFailures() {
        return sequenceFailures;
    }

    public long snapshotsRequested() {
        return snapshotsRequested;
    }

    public long snapshotsApplied() {
        return snapshotsApplied;
    }

    public long snapshotsTooOld() {
        return snapshotsTooOld;
    }

    public long snapshotFailures() {
        return snapshotFailures;
    }

    public long diffsDroppedAtSplice() {
        return diffsDroppedAtSplice;
    }

    public long diffsIgnoredAsOld() {
        return diffsIgnoredAsOld;
    }

    public long diffsDroppedFromFullBuffer() {
        return diffsDroppedFromFullBuffer;
    }

    public long framesForUnknownMarkets() {
        return framesForUnknownMarkets;
    }

    @Override
    public String toString() {
        return "SyncCounters[sequenceChecks=" + sequenceChecks + ", sequenceFailures=" + sequenceFailures
                + ", snapshotsRequested=" + snapshotsRequested + ", snapshotsApplied=" + snapshotsApplied
                + ", snapshotsTooOld=" + snapshotsTooOld + ", snapshotFailures=" + snapshotFailures
                + ", diffsDroppedAtSplice=" + diffsDroppedAtSplice + ", diffsIgnoredAsOld=" + diffsIgnoredAsOld
                + ", diffsDroppedFromFullBuffer=" + diffsDroppedFromFullBuffer
                + ", framesForUnknownMarkets=" + framesForUnknownMarkets + "]";
    }
}
