package io.marketmesh.node.venue.okx;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.ChecksumLayout;

/**
 * OKX's {@code books} rules for one instrument's messages, as the venue documents them:
 * <ul>
 *   <li>a {@code snapshot} (its {@code prevSeqId} is -1) replaces the book and starts the chain at its {@code seqId};
 *   <li>an {@code update} belongs to the chain when its {@code prevSeqId} equals the last {@code seqId} applied; its
 *       {@code seqId} is usually larger, equal on a keep-alive that changes nothing (empty sides, about once a minute
 *       on a quiet book), and smaller after the venue's maintenance reset, after which the chain simply continues;
 *   <li>anything else is a gap: the book cannot be trusted until a fresh snapshot.
 * </ul>
 * Every snapshot and update carries the venue's CRC32 over the top 25 levels of each side, interleaved, when the venue
 * still sends one (OKX has been sending 0 since mid-2026; 0 is taken as "no checksum"). The check is done on the book
 * itself, by its MarketActor, after applying the change: this class hands it on as a {@link BookClaim.Checksum}.
 */
final class OkxBookChain {

    /** {@code bid1px:bid1sz:ask1px:ask1sz:...}, 25 levels a side, numbers as the venue writes them (no trailing zeros). */
    static final ChecksumLayout CHECKSUM = new ChecksumLayout(25, ChecksumLayout.Order.INTERLEAVED_BID_FIRST, ":",
            ChecksumLayout.Numbers.SHORTEST, 0, 0);
    /**
     * {@code books} is a window of the best 400 levels a side: a level pushed below it gets no removal from the venue,
     * so the book drops it itself.
     */
    static final int DEPTH = 400;

    private final OkxCounters counters;

    OkxBookChain(OkxCounters counters) {
        this.counters = counters;
    }

    /**
     * Applies one element of a {@code books} push.
     *
     * @return null when it was taken (or dropped while a snapshot is awaited); otherwise why the chain broke, and
     *         nothing was emitted
     */
    String onBook(OkxInstrument inst, boolean snapshot, OkxFrame.Book b, long receivedAt, SessionOutput out) {
        if (snapshot) {
            inst.awaitingSnapshot = false;
            inst.checksumLayout = layoutOf(b);
            inst.lastSeqId = b.hasSeqId ? b.seqId : OkxInstrument.NO_SEQ;
            out.event(new BookSnapshot(inst.market, b.bids, b.asks, b.hasSeqId ? b.seqId : 0, b.ts, receivedAt, DEPTH,
                    claim(inst, b)));
            return null;
        }
        if (inst.awaitingSnapshot) {
            counters.ignored++;
            return null;
        }
        if (b.hasPrevSeqId && inst.lastSeqId != OkxInstrument.NO_SEQ) {
            boolean inOrder = b.prevSeqId == inst.lastSeqId;
            out.sequenceChecked(inOrder);
            if (!inOrder) {
                return "books sequence broken: update has prevSeqId " + b.prevSeqId + ", the last seqId applied is "
                        + inst.lastSeqId;
            }
            if (b.hasSeqId && b.seqId < b.prevSeqId) {
                counters.sequenceResets++;
            }
        } else {
            counters.unchained++;
        }
        inst.lastSeqId = b.hasSeqId ? b.seqId : OkxInstrument.NO_SEQ;
        if (b.updates.isEmpty()) {
            counters.keepAlives++;
            return null;
        }
        out.event(new BookDelta(inst.market, BookDelta.Mode.ABSOLUTE, b.updates, b.hasSeqId ? b.seqId : 0, b.ts,
                receivedAt, claim(inst, b)));
        return null;
    }

    /**
     * The venue writes numbers shortest, and the checksum is over them as sent. A snapshot whose prices or sizes come
     * padded ({@code "65000.0"}) says the numbers are written that way, and its book is checked the same way.
     */
    private static ChecksumLayout layoutOf(OkxFrame.Book b) {
        int price = b.prices.fixedDecimals();
        int size = b.sizes.fixedDecimals();
        if (price < 0 && size < 0) {
            return CHECKSUM;
        }
        return new ChecksumLayout(CHECKSUM.levels(), CHECKSUM.order(), CHECKSUM.separator(), ChecksumLayout.Numbers.FIXED,
                price, size);
    }

    private BookClaim claim(OkxInstrument inst, OkxFrame.Book b) {
        if (!b.hasChecksum || b.checksum == 0) {
            counters.checksumsAbsent++;
            return null;
        }
        // OKX sends the CRC32 as a signed 32-bit integer; the claim carries it unsigned.
        return new BookClaim.Checksum(inst.checksumLayout, b.checksum & 0xFFFF_FFFFL);
    }
}
