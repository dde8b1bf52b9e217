package io.marketmesh.node.venue.coinbase;

/**
 * The sequence checks one Coinbase socket has made: each frame carrying a {@code sequence_num} is one check, each
 * number that is not the previous one plus one is one failure (then every book on the socket is resubscribed).
 * Coinbase sends no checksum, so there are no checksum counts.
 */
public record SequenceCounts(long sequenceChecks, long sequenceFailures) {
}
