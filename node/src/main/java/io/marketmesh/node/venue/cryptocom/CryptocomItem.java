package io.marketmesh.node.venue.cryptocom;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.math.BigDecimal;
import java.util.ArrayList;

/**
 * One element of {@code result.data} as {@link CryptocomFrame} reads it: a book snapshot or delta, a trade, or a
 * ticker (their fields do not clash, so one holder serves all). Reused frame after frame.
 */
final class CryptocomItem {
    long t;
    long u;
    long pu;
    /** A snapshot's sides ({@code asks}/{@code bids} on the item itself), best first or not, zero sizes dropped. */
    boolean snapshotSides;
    final ArrayList<PriceLevel> bids = new ArrayList<>();
    final ArrayList<PriceLevel> asks = new ArrayList<>();
    /** A delta's {@code update} object: its levels in the order sent, asks and bids as they come. */
    boolean update;
    final ArrayList<LevelUpdate> updates = new ArrayList<>();
    // trade
    String tradeId;
    String matchId;
    long price;
    /** Exact at any width: a trade of a micro-priced token can need more than 17 digits. */
    BigDecimal quantity;
    Side takerSide;
    String sideText;
    // ticker
    long bestBid;
    BigDecimal bestBidSize;
    long bestAsk;
    BigDecimal bestAskSize;
    long last;
    String volume;
    String openInterest;

    void clear() {
        t = u = pu = CryptocomFrame.ABSENT;
        snapshotSides = false;
        bids.clear();
        asks.clear();
        update = false;
        updates.clear();
        tradeId = matchId = null;
        price = Decimals.NONE;
        quantity = null;
        takerSide = null;
        sideText = null;
        bestBid = bestAsk = last = Decimals.NONE;
        bestBidSize = bestAskSize = null;
        volume = openInterest = null;
    }
}
