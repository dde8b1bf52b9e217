package io.marketmesh.node.venue.bitstamp;

/**
 * What one Bitstamp session checked, counted since its socket opened (read with {@link BitstampSession#counters()}).
 * Bitstamp's diffs carry no sequence number and no checksum: the "sequence" checked is each book's
 * {@code microtimestamp}, which must rise from diff to diff, and the "checksum" is the node's own CRC32 of a book
 * rebuilt from a fresh REST snapshot (a recheck), verified by the MarketActor against the book it holds; a failed
 * recheck shows there as a stale book whose reason names the checksum, not here.
 *
 * @param sequenceChecks     diffs whose microtimestamp was compared with the one before
 * @param sequenceFailures   diffs whose microtimestamp did not rise (the book was resynchronised)
 * @param checksumChecks     rechecks sent to the MarketActor as a claim
 * @param snapshotsSpliced   REST snapshots that seeded a book, with the diffs buffered after them
 * @param snapshotsTooOld    REST snapshots older than the first diff buffered (fetched again)
 * @param snapshotFailures   REST snapshot fetches that failed or answered something that is not an order book
 * @param diffsInSnapshot    diffs dropped because the snapshot they were spliced onto already held them
 * @param syncsGivenUp       books left stale after {@code snapshot-attempts} fetches brought no usable snapshot
 * @param rechecksSkipped    rechecks abandoned (no snapshot recent enough), the book untouched
 * @param framesIgnored      frames for channels this socket no longer follows
 */
public record BitstampCounters(long sequenceChecks, long sequenceFailures, long checksumChecks, long snapshotsSpliced,
                               long snapshotsTooOld, long snapshotFailures, long diffsInSnapshot, long syncsGivenUp,
                               long rechecksSkipped, long framesIgnored) {

    /** The running totals, owned by one session. */
    static final class Running {
        long sequenceChecks;
        long sequenceFailures;
        long checksumChecks;
        long snapshotsSpliced;
        long snapshotsTooOld;
        long snapshotFailures;
        long diffsInSnapshot;
        long syncsGivenUp;
        long rechecksSkipped;
        long framesIgnored;

        BitstampCounters read() {
            return new BitstampCounters(sequenceChecks, sequenceFailures, checksumChecks, snapshotsSpliced,
                    snapshotsTooOld, snapshotFailures, diffsInSnapshot, syncsGivenUp, rechecksSkipped, framesIgnored);
        }
    }
}
