package io.marketmesh.node.venue.coinbase;

import io.marketmesh.node.venue.CharWindow;

/**
 * The {@code channel} of a frame on the Advanced Trade market-data socket. Data arrives under names that can differ
 * from the subscribed ones: {@code level2} is answered on {@code l2_data}. Channels the node never subscribes
 * ({@code candles}, {@code status}, ...) are known so that a frame of theirs is skipped quietly rather than reported
 * as something the venue should not have sent; only a name the docs do not list is a bad frame.
 */
enum Channel {
    L2_DATA("l2_data"),
    MARKET_TRADES("market_trades"),
    TICKER("ticker"),
    HEARTBEATS("heartbeats"),
    SUBSCRIPTIONS("subscriptions"),
    TICKER_BATCH("ticker_batch"),
    CANDLES("candles"),
    STATUS("status"),
    USER("user"),
    FUTURES_BALANCE_SUMMARY("futures_balance_summary"),
    /** A name the docs do not list. */
    UNKNOWN(null);

    private static final Channel[] KNOWN = {L2_DATA, TICKER, MARKET_TRADES, HEARTBEATS, SUBSCRIPTIONS, TICKER_BATCH,
        CANDLES, STATUS, USER, FUTURES_BALANCE_SUMMARY};

    private final String wireName;

    Channel(String wireName) {
        this.wireName = wireName;
    }

    /** Matched on the parser's buffer, without making a String. */
    static Channel of(CharWindow name) {
        for (Channel c : KNOWN) {
            if (name.contentEquals(c.wireName)) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
