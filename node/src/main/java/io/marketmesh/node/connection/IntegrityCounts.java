package io.marketmesh.node.connection;

import io.marketmesh.node.serialization.CborSerializable;

/**
 * How often a venue's own integrity rules were checked on a socket, and how often they failed: sequence numbers
 * checked by the session ({@code U/u}, {@code seqId/prevSeqId}, {@code sequence_num}, ...), and checksums the session
 * passed on as claims, verified by each market's actor (a failure comes back as a resync request naming it).
 */
public record IntegrityCounts(long sequenceChecks, long sequenceFailures, long checksumChecks, long checksumFailures)
        implements CborSerializable {

    public static final IntegrityCounts NONE = new IntegrityCounts(0, 0, 0, 0);

    public IntegrityCounts plus(IntegrityCounts other) {
        return new IntegrityCounts(sequenceChecks + other.sequenceChecks, sequenceFailures + other.sequenceFailures,
                checksumChecks + other.checksumChecks, checksumFailures + other.checksumFailures);
    }
}
