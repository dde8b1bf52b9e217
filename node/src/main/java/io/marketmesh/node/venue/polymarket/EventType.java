package io.marketmesh.node.venue.polymarket;

import io.marketmesh.node.venue.CharWindow;

/** The market channel's {@code event_type} values this package understands. */
enum EventType {
    BOOK("book"),
    PRICE_CHANGE("price_change"),
    LAST_TRADE_PRICE("last_trade_price"),
    TICK_SIZE_CHANGE("tick_size_change"),
    BEST_BID_ASK("best_bid_ask"),
    MARKET_RESOLVED("market_resolved"),
    NEW_MARKET("new_market"),
    /** Any other value; its text is kept in {@link WireMessage#unknownType}. */
    UNKNOWN("");

    private static final EventType[] KNOWN = {BOOK, PRICE_CHANGE, LAST_TRADE_PRICE, TICK_SIZE_CHANGE, BEST_BID_ASK,
        MARKET_RESOLVED, NEW_MARKET};

    final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    static EventType of(CharWindow text) {
        for (EventType t : KNOWN) {
            if (text.contentEquals(t.wireName)) {
                return t;
            }
        }
        return UNKNOWN;
    }
}
