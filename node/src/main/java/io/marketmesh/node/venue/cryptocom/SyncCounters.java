package io.marketmesh.node.venue.cryptocom;

/**
 * What one socket's session has checked of the venue's books so far, for {@code /api/v1/venues}: every
 * {@code book.update} whose {@code pu} was compared with the book's last {@code u} is a sequence check, every mismatch
 * a failure (the book then goes stale and is resubscribed). Crypto.com sends a checksum {@code cs} whose algorithm it
 * does not publish, so nothing is checksum-checked and those two stay 0.
 *
 * @param snapshots       book snapshots that (re)started a chain
 * @param deltasIgnored   deltas that came while their book awaited a snapshot (before the first, or after a gap)
 */
public record SyncCounters(long sequenceChecks, long sequenceFailures, long checksumChecks, long checksumFailures,
                           long snapshots, long deltasIgnored) {
}
