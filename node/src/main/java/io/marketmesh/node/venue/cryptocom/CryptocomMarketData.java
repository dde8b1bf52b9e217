package io.marketmesh.node.venue.cryptocom;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code trade.{instrument}} and {@code ticker.{instrument}} into {@link Trade} and {@link Ticker}.
 *
 * <p>Trades: {@code s} is the taker's side ("Side is the side of the taker order", venue changelog 2024-02-12), so
 * BUY is {@code BID}. The first frame after subscribing is the venue's history of the last 50 trades, newest first;
 * trades are published oldest first, and from that first frame only those {@link TradeHistory} has not seen. A frame
 * is checked whole before any of its trades is published.
 *
 * <p>Ticker: {@code b}/{@code bs}, {@code k}/{@code ks} best bid and ask with sizes, {@code a} last trade price (each
 * may be null), {@code v} the 24 h volume in base units and {@code oi} open interest, both exact of any width.
 */
final class CryptocomMarketData {

    private final TradeHistory history;
    /** Markets whose next trade frame is the on-subscribe history. */
    private final Set<String> historyDue = new HashSet<>();
    private long tradesReplayed;
    private boolean[] fresh = new boolean[64];

    CryptocomMarketData(TradeHistory history) {
        this.history = history;
    }

    void expectTradeHistory(String symbol) {
        historyDue.add(symbol);
    }

    void forget(String symbol) {
        historyDue.remove(symbol);
    }

    long tradesReplayed() {
        return tradesReplayed;
    }

    void onTrades(MarketKey key, CryptocomFrame frame, long receivedAt, SessionOutput out) {
        int n = frame.itemCount;
        for (int i = 0; i < n; i++) {
            CryptocomItem item = frame.item(i);
            if (item.price == Decimals.NONE || item.quantity == null) {
                throw new IllegalArgumentException("trade without price 'p' or quantity 'q'");
            }
            if (item.price <= 0 || item.quantity.signum() <= 0) {
                throw new IllegalArgumentException("trade with a price or quantity not above zero");
            }
        }
        String symbol = key.symbol();
        boolean replay = historyDue.remove(symbol);
        boolean newestFirst = n > 1 && frame.item(0).t > frame.item(n - 1).t;
        if (replay) {
            // Judged against what was published before this frame: one taker's fills may look alike within it.
            if (fresh.length < n) {
                fresh = new boolean[Math.max(n, fresh.length * 2)];
            }
            for (int i = 0; i < n; i++) {
                CryptocomItem item = frame.item(i);
                fresh[i] = history.isNew(symbol, time(item), tradeKey(item));
            }
        }
        for (int k = 0; k < n; k++) {
            int i = newestFirst ? n - 1 - k : k;
            CryptocomItem item = frame.item(i);
            if (replay && !fresh[i]) {
                tradesReplayed++;
                continue;
            }
            out.event(new Trade(key, item.tradeId, item.price, item.quantity, item.takerSide, time(item), receivedAt));
            history.published(symbol, time(item), tradeKey(item));
        }
    }

    private static long time(CryptocomItem item) {
        return item.t == CryptocomFrame.ABSENT ? 0 : item.t;
    }

    private static String tradeKey(CryptocomItem item) {
        return TradeHistory.key(item.tradeId, item.matchId, item.price, item.quantity.toPlainString());
    }

    void onTicker(MarketKey key, CryptocomFrame frame, long receivedAt, SessionOutput out) {
        for (int i = 0; i < frame.itemCount; i++) {
            CryptocomItem item = frame.item(i);
            out.event(new Ticker(key, item.bestBid, item.bestBidSize, item.bestAsk, item.bestAskSize, item.last,
                    total(item.volume), total(item.openInterest), item.t == CryptocomFrame.ABSENT ? 0 : item.t,
                    receivedAt));
        }
    }

    private static BigDecimal total(String text) {
        return text == null || text.isEmpty() ? null : Decimals.parseWide(text);
    }
}
