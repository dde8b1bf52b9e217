package io.marketmesh.node.bench;

import info.bitrich.xchangestream.binance.BinanceStreamingExchange;
import info.bitrich.xchangestream.core.ProductSubscription;
import info.bitrich.xchangestream.core.StreamingExchange;
import info.bitrich.xchangestream.core.StreamingExchangeFactory;
import info.bitrich.xchangestream.core.StreamingMarketDataService;
import io.marketmesh.node.simulator.CryptoPair;
import io.reactivex.disposables.CompositeDisposable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.knowm.xchange.ExchangeSpecification;
import org.knowm.xchange.currency.CurrencyPair;
import org.knowm.xchange.dto.marketdata.OrderBook;
import org.knowm.xchange.dto.trade.LimitOrder;

/**
 * XChange's streaming Binance client (xchange-stream-binance) as a {@link PeerConsumer}: one
 * {@code getOrderBook} stream a market (XChange fetches the REST snapshot and splices the diff stream onto it
 * itself), plus its trades and best bid/ask ({@code @bookTicker}), so that it reads the very streams the node does.
 *
 * <p>Pointing it at the simulator: the REST base is the specification's {@code sslUri}. The WebSocket base is
 * hard-coded in 5.1.1 ({@code BinanceStreamingExchange.getStreamingBaseUri()}, {@code wss://stream.binance.com:9443/}
 * or the testnet's; the specification's {@code overrideWebsocketApiUri} is not read by the Binance module), but the
 * method is protected: {@link LoopbackBinance} overrides it with the specification's override URI.
 */
final class XchangePeer implements PeerConsumer.Peer {

    /** {@link BinanceStreamingExchange} whose WebSocket base is the specification's {@code overrideWebsocketApiUri}. */
    public static final class LoopbackBinance extends BinanceStreamingExchange {
        @Override
        protected String getStreamingBaseUri() {
            return getExchangeSpecification().getOverrideWebsocketApiUri();
        }
    }

    private final StreamingExchange exchange;
    private final Map<String, CurrencyPair> pairs;
    private final Map<String, OrderBook> latest = new LinkedHashMap<>();
    private final CompositeDisposable subscriptions = new CompositeDisposable();
    private final LongAdder diffs = new LongAdder();
    private final LongAdder others = new LongAdder();

    private XchangePeer(StreamingExchange exchange, Map<String, CurrencyPair> pairs) {
        this.exchange = exchange;
        this.pairs = pairs;
    }

    static XchangePeer start(String wsBase, String restBase, List<String> symbols) {
        Map<String, CurrencyPair> pairs = new LinkedHashMap<>();
        for (String symbol : symbols) {
            CryptoPair pair = CryptoPair.ALL.stream().filter(p -> (p.base() + p.quote()).equals(symbol)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("not a simulated Binance symbol: " + symbol));
            pairs.put(symbol, new CurrencyPair(pair.base(), pair.quote()));
        }
        ExchangeSpecification spec = new ExchangeSpecification(LoopbackBinance.class);
        spec.setSslUri(restBase);
        spec.setOverrideWebsocketApiUri(wsBase);
        // The simulator's exchangeInfo is what the node's discovery reads, not all XChange's metadata wants.
        spec.setShouldLoadRemoteMetaData(false);
        // The streams the node reads: <symbol>@depth@100ms and @bookTicker (plus @trade, as both do by default).
        spec.setExchangeSpecificParametersItem(BinanceStreamingExchange.USE_HIGHER_UPDATE_FREQUENCY, true);
        spec.setExchangeSpecificParametersItem(BinanceStreamingExchange.USE_REALTIME_BOOK_TICKER, true);
        StreamingExchange exchange = StreamingExchangeFactory.INSTANCE.createExchange(spec);
        ProductSubscription.ProductSubscriptionBuilder subscription = ProductSubscription.create();
        pairs.values().forEach(pair -> subscription.addOrderbook(pair).addTrades(pair).addTicker(pair));
        exchange.connect(subscription.build()).blockingAwait();
        XchangePeer peer = new XchangePeer(exchange, pairs);
        peer.subscribe();
        return peer;
    }

    private void subscribe() {
        StreamingMarketDataService data = exchange.getStreamingMarketDataService();
        pairs.forEach((symbol, pair) -> {
            subscriptions.add(data.getOrderBook(pair).subscribe(book -> {
                diffs.increment();
                // The lock orders every change XChange made to the book before this emission before a later read.
                synchronized (latest) {
                    latest.put(symbol, book);
                }
            }, error -> System.err.println("xchange order book " + symbol + " failed: " + error)));
            subscriptions.add(data.getTrades(pair).subscribe(trade -> others.increment(),
                    error -> System.err.println("xchange trades " + symbol + " failed: " + error)));
            subscriptions.add(data.getTicker(pair).subscribe(ticker -> others.increment(),
                    error -> System.err.println("xchange ticker " + symbol + " failed: " + error)));
        });
    }

    @Override
    public boolean ready() {
        synchronized (latest) {
            return latest.keySet().containsAll(pairs.keySet());
        }
    }

    @Override
    public PeerConsumer.Counts counts() {
        long d = diffs.sum();
        return new PeerConsumer.Counts(d + others.sum(), d);
    }

    @Override
    public Map<String, PeerConsumer.Book> books() {
        Map<String, PeerConsumer.Book> books = new LinkedHashMap<>();
        synchronized (latest) {
            for (String symbol : pairs.keySet()) {
                OrderBook book = latest.get(symbol);
                books.put(symbol, book == null ? new PeerConsumer.Book(true, List.of(), List.of())
                        : new PeerConsumer.Book(false, levels(book.getBids()), levels(book.getAsks())));
            }
        }
        return books;
    }

    private static List<BigDecimal[]> levels(List<LimitOrder> orders) {
        List<BigDecimal[]> levels = new ArrayList<>(orders.size());
        for (LimitOrder order : orders) {
            levels.add(new BigDecimal[] {order.getLimitPrice(), order.getOriginalAmount()});
        }
        return levels;
    }

    @Override
    public void close() {
        subscriptions.dispose();
        exchange.disconnect().blockingAwait();
    }
}
