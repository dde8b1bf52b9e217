package io.marketmesh.node.venue.polymarket;

import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;

/**
 * One outcome token as known to one socket. Made once per token and reused for every frame, so the hot path
 * neither allocates the 77-digit id nor its {@link MarketKey}.
 */
final class Asset {

    /** Stands for a token id this socket never subscribed: its data is ignored. */
    static final Asset FOREIGN = new Asset("foreign");

    final String id;
    /** The id's characters, compared against the parser's buffer with a vectorised {@code Arrays.equals}. */
    final char[] idChars;
    final MarketKey key;
    /** Currently subscribed on this socket. */
    boolean subscribed;
    /**
     * Waiting for a full {@code book}: set on subscribe, resync and tick size change. Until the book comes every
     * {@code price_change} for the token is dropped, because applying it to a book we do not hold (or one the
     * venue already invalidated) would build a wrong book.
     */
    boolean awaitingBook;

    Asset(String id) {
        this.id = id;
        this.idChars = id.toCharArray();
        this.key = new MarketKey(Venue.POLYMARKET, id);
    }

    @Override
    public String toString() {
        return id;
    }
}
