package io.marketmesh.node.venue.bybit;

import java.util.Locale;
import java.util.Set;

/**
 * A Bybit v5 product category this node follows. Each has its own public socket ({@code /v5/public/spot},
 * {@code /v5/public/linear}) and both name their BTC market {@code BTCUSDT}, so the market symbol says the category:
 * a plain venue symbol is spot, {@code linear:} + venue symbol is the linear perpetual. The prefix is the node's, never
 * sent to the venue.
 */
enum BybitCategory {

    /** Spot pairs, {@code BTCUSDT}. Subscribe requests take at most 10 args on this socket. */
    SPOT("spot", "", 10),
    /** USDT/USDC linear perpetuals, {@code linear:BTCUSDT}. The venue sets no args count per request here. */
    LINEAR("linear", "linear:", Integer.MAX_VALUE);

    /**
     * Orderbook depths the venue serves on both sockets (v5 docs, "Orderbook": 1, 50, 200 and 1000 levels; linear's
     * 500 went offline on 2025-09-11).
     */
    static final Set<Integer> DEPTHS = Set.of(1, 50, 200, 1000);

    /** The category's name in the REST API ({@code category=}) and in the socket path. */
    final String wire;
    /** What the node puts before the venue symbol to make the market symbol. */
    final String prefix;
    /** The most args one subscribe request may carry on this category's socket. */
    final int maxArgsPerRequest;

    BybitCategory(String wire, String prefix, int maxArgsPerRequest) {
        this.wire = wire;
        this.prefix = prefix;
        this.maxArgsPerRequest = maxArgsPerRequest;
    }

    /** The category a market symbol belongs to: {@code linear:BTCUSDT} is linear, anything else spot. */
    static BybitCategory ofMarket(String marketSymbol) {
        return marketSymbol.startsWith(LINEAR.prefix) ? LINEAR : SPOT;
    }

    /** The category named {@code wire} ({@code spot}, {@code linear}), case-insensitive. */
    static BybitCategory ofWire(String wire) {
        String w = wire.trim().toLowerCase(Locale.ROOT);
        for (BybitCategory c : values()) {
            if (c.wire.equals(w)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown Bybit category '" + wire + "' (known: spot, linear)");
    }

    /** The symbol as the venue writes it: the market symbol without this category's prefix. */
    String venueSymbol(String marketSymbol) {
        return marketSymbol.substring(prefix.length());
    }

    /** The market symbol of a venue symbol on this category's socket. */
    String marketSymbol(String venueSymbol) {
        return prefix.isEmpty() ? venueSymbol : prefix + venueSymbol;
    }

    /** Whether a market symbol names a market of this category. */
    boolean owns(String marketSymbol) {
        return ofMarket(marketSymbol) == this;
    }
}
