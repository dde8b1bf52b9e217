package io.marketmesh.node.venue.okx;

import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;

/**
 * One instrument carried by a socket ({@code instId}, the market's symbol) and where its {@code books} chain stands.
 * OKX numbers each instrument's book messages with {@code seqId}; an update names the one before it as {@code
 * prevSeqId}, so the chain holds when that equals the last {@code seqId} applied.
 */
final class OkxInstrument {

    /** No {@code seqId} to chain to: no snapshot yet, or the venue sent none (its books before 2022 had none). */
    static final long NO_SEQ = Long.MIN_VALUE;

    /** How this book's checksum text is written; decided by its last snapshot ({@link OkxBookChain}). */
    io.marketmesh.protocol.ChecksumLayout checksumLayout = OkxBookChain.CHECKSUM;

    final String instId;
    final MarketKey market;
    /** Updates are dropped until a snapshot starts the book (after subscribing, a gap, or a resync). */
    boolean awaitingSnapshot = true;
    /** When the snapshot now awaited was asked for (epoch ms): a resync asked again meanwhile waits for it. */
    long snapshotAskedAt;
    long lastSeqId = NO_SEQ;

    OkxInstrument(String instId, long now) {
        this.instId = instId;
        this.market = new MarketKey(Venue.OKX, instId);
        this.snapshotAskedAt = now;
    }
}
