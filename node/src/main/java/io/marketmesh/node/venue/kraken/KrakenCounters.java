package io.marketmesh.node.venue.kraken;

/**
 * What one Kraken socket's session counted. Kraken sends no sequence numbers: its CRC32 checksum is the only check,
 * and it is verified where the book lives (the market's actor, after applying the change and truncating the book to
 * the subscribed depth). So the session counts the checks it hands on ({@code checksumClaims}: one per book snapshot
 * and update carrying a checksum) and the fresh snapshots it asks for; a failed checksum shows up here as a
 * {@code resyncsRequested} (the actor asks the session for the snapshot) and in the market's stale events.
 *
 * @param bookSnapshots            book snapshots passed on
 * @param bookUpdates              book updates passed on
 * @param checksumClaims           snapshots and updates passed on with the venue's checksum for their market to verify
 * @param checksumsMissing         book snapshots and updates that came without a checksum (none expected)
 * @param resyncsRequested         fresh snapshots asked for by markets (a failed checksum, an impossible change, ...)
 * @param resyncsBySession         fresh snapshots the session asked for itself (an unreadable book frame, the venue
 *                                 back from maintenance)
 * @param updatesAwaitingSnapshot  book updates dropped because their book awaits its fresh snapshot
 * @param framesNotFollowed        book, trade and ticker items for symbols this socket does not carry (late frames of
 *                                 an unsubscribed market)
 * @param precisionsCorrected      snapshots whose own checksum needed more decimals than the instrument channel and
 *                                 the wire gave (never on the live venue, which prints its precision)
 */
public record KrakenCounters(long bookSnapshots, long bookUpdates, long checksumClaims, long checksumsMissing,
                             long resyncsRequested, long resyncsBySession, long updatesAwaitingSnapshot,
                             long framesNotFollowed, long precisionsCorrected) {

    /** The running totals a session keeps; read out as a {@link KrakenCounters}. */
    static final class Running {
        long bookSnapshots;
        long bookUpdates;
        long checksumClaims;
        long checksumsMissing;
        long resyncsRequested;
        long resyncsBySession;
        long updatesAwaitingSnapshot;
        long framesNotFollowed;
        long precisionsCorrected;

        KrakenCounters snapshot() {
            return new KrakenCounters(bookSnapshots, bookUpdates, checksumClaims, checksumsMissing, resyncsRequested,
                    resyncsBySession, updatesAwaitingSnapshot, framesNotFollowed, precisionsCorrected);
        }
    }
}
