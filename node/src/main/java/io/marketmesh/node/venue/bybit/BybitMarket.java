package io.marketmesh.node.venue.bybit;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;

/**
 * What one socket knows of one market it carries: its topics, where its book stands in the venue's update-id chain,
 * and the ticker as merged so far (linear tickers send only the fields that changed).
 */
final class BybitMarket {

    final String marketSymbol;
    final String venueSymbol;
    final MarketKey key;
    final String bookTopic;
    final String tradeTopic;
    final String tickerTopic;

    boolean subscribed;
    /** No snapshot since (re)subscribing or since a gap: deltas are dropped until one comes. */
    boolean awaitingSnapshot = true;
    /** {@code u} of the last snapshot or delta applied. */
    long lastUpdateId = -1;

    long lastPrice = Decimals.NONE;
    long bid = Decimals.NONE;
    BigDecimal bidSize;
    long ask = Decimals.NONE;
    BigDecimal askSize;
    BigDecimal volume;
    BigDecimal openInterest;

    BybitMarket(BybitCategory category, String venueSymbol, int depth) {
        this.venueSymbol = venueSymbol;
        this.marketSymbol = category.marketSymbol(venueSymbol);
        this.key = MarketKey.of(Venue.BYBIT, marketSymbol);
        this.bookTopic = "orderbook." + depth + "." + venueSymbol;
        this.tradeTopic = "publicTrade." + venueSymbol;
        this.tickerTopic = "tickers." + venueSymbol;
    }

    /** Characters the three topics take in a subscribe request's args, quotes and commas included. */
    int argsLength() {
        return bookTopic.length() + tradeTopic.length() + tickerTopic.length() + 9;
    }

    void clearTicker() {
        lastPrice = bid = ask = Decimals.NONE;
        bidSize = askSize = volume = openInterest = null;
    }
}
