package io.marketmesh.node.venue.coinbase;

import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;

/** One product (market) a Coinbase socket has been asked to carry, and where its book stands on this socket. */
final class Product {

    /** Stands for a product this socket does not carry (an update still in flight after an unsubscribe, say). */
    static final Product FOREIGN = new Product();

    final String symbol;
    final MarketKey key;
    /** Subscribed on this socket (level2, market_trades and ticker). */
    boolean subscribed;
    /**
     * A level2 snapshot has been asked for and has not come yet: updates are dropped until it does, since applying
     * them to a book the venue is about to replace would build a wrong one.
     */
    boolean awaitingSnapshot;
    /** When (session clock, ns) its level2 snapshot was last asked for. */
    long snapshotAskedAt;

    Product(String symbol) {
        this.symbol = symbol;
        this.key = MarketKey.of(Venue.COINBASE, symbol);
    }

    private Product() {
        this.symbol = "";
        this.key = null;
    }

    boolean matches(char[] chars, int offset, int length) {
        if (symbol.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (symbol.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
