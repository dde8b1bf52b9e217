package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Kalshi's trade-api WebSocket v2 as the venue speaks it in 2026: {@code subscribe}, {@code update_subscription},
 * {@code unsubscribe} and {@code list_subscriptions} commands; {@code subscribed}/{@code ok}/{@code error}
 * answers; {@code orderbook_snapshot} and signed {@code orderbook_delta} in the {@code *_dollars_fp} format, books
 * as YES bids and NO bids; {@code trade} and {@code ticker}; one {@code seq} counter per subscription ({@code sid}),
 * spent by snapshots, deltas, trades and {@code ok} answers alike. The simulator's book is held as bids and asks;
 * NO bids are written as {@code 1 - ask}.
 */
final class KalshiSimulator extends SimVenue {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CHANNELS = Set.of("orderbook_delta", "trade", "ticker", "market_lifecycle_v2");

    /** One subscription on one socket. */
    private static final class Subscription {
        final long sid;
        final String channel;
        /** Empty means every market (channels that take no market filter). */
        final Set<String> tickers = new LinkedHashSet<>();
        long seq;
        /** The next change on this sid is spent but not sent: a sequence gap. */
        boolean dropNext;

        Subscription(long sid, String channel) {
            this.sid = sid;
            this.channel = channel;
        }

        boolean covers(String ticker) {
            return tickers.isEmpty() ? !channel.equals("orderbook_delta") : tickers.contains(ticker);
        }
    }

    /** Per socket: sids restart at 1 on every connection, as on the venue. */
    private static final class Session {
        final Map<Long, Subscription> subscriptions = new LinkedHashMap<>();
        long nextSid = 1;
    }

    private final Map<String, SimBook> books = new LinkedHashMap<>();
    private final Map<String, String> marketIds = new HashMap<>();
    /** Every ticker, in listing order, for picking the next book to move; grows when a market is listed. */
    private final List<String> tickers = new ArrayList<>();
    private final Map<Long, Session> sessions = new HashMap<>();

    static Behavior<Command> create(SimCatalog catalog, double updatesPerSecond, long seed) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new KalshiSimulator(context, timers, catalog, updatesPerSecond, seed)));
    }

    private KalshiSimulator(ActorContext<Command> context, TimerScheduler<Command> timers, SimCatalog catalog,
                            double updatesPerSecond, long seed) {
        super(context, timers, updatesPerSecond, seed + 1);
        catalog.kalshi().forEach(this::addMarket);
    }

    @Override
    protected boolean addMarket(SimCatalog.Listed listed) {
        if (!(listed instanceof SimCatalog.KalshiMarket market) || books.containsKey(market.ticker())) {
            return false;
        }
        books.put(market.ticker(), SimBook.seeded(random));
        marketIds.put(market.ticker(), market.marketId());
        tickers.add(market.ticker());
        return true;
    }

    // ---------------------------------------------------------------- commands

    @Override
    protected void onClientText(SimConnection connection, String text) {
        Session session = sessions.computeIfAbsent(connection.id, id -> new Session());
        JsonNode command;
        try {
            command = JSON.readTree(text);
        } catch (Exception e) {
            connection.send(error(0, 1, "Unable to process message"));
            return;
        }
        if (command == null || !command.isObject()) {
            connection.send(error(0, 1, "Unable to process message"));
            return;
        }
        long id = command.path("id").asLong(0);
        JsonNode params = command.path("params");
        switch (command.path("cmd").asText("")) {
            case "subscribe" -> subscribe(connection, session, id, params);
            case "update_subscription" -> update(connection, session, id, params);
            case "unsubscribe" -> unsubscribe(connection, session, id, params);
            case "list_subscriptions" -> listSubscriptions(connection, session, id);
            default -> connection.send(error(id, 5, "Unknown command"));
        }
    }

    private void subscribe(SimConnection connection, Session session, long id, JsonNode params) {
        JsonNode channels = params.path("channels");
        if (!channels.isArray() || channels.isEmpty()) {
            connection.send(error(id, 3, "Channels required"));
            return;
        }
        List<String> wanted = tickersOf(params);
        for (JsonNode channelNode : channels) {
            String channel = channelNode.asText();
            if (!CHANNELS.contains(channel)) {
                connection.send(error(id, 8, "Unknown channel name"));
                continue;
            }
            if (channel.equals("orderbook_delta") && wanted.isEmpty()) {
                connection.send(error(id, 2, "Params required"));
                continue;
            }
            Subscription sub = new Subscription(session.nextSid++, channel);
            if (!channel.equals("market_lifecycle_v2")) {
                sub.tickers.addAll(wanted);
            }
            session.subscriptions.put(sub.sid, sub);
            connection.send("{\"type\":\"subscribed\",\"id\":" + id + ",\"msg\":{\"channel\":\"" + channel
                    + "\",\"sid\":" + sub.sid + "}}");
            if (channel.equals("orderbook_delta")) {
                for (String ticker : sub.tickers) {
                    connection.send(snapshotFrame(sub, ticker));
                }
            }
        }
    }

    private void update(SimConnection connection, Session session, long id, JsonNode params) {
        JsonNode sids = params.path("sids");
        long sid = sids.isArray() && sids.size() == 1 ? sids.get(0).asLong() : params.path("sid").asLong(-1);
        if (sids.isArray() && sids.size() > 1) {
            connection.send(error(id, 12, "Exactly one subscription ID is required"));
            return;
        }
        Subscription sub = session.subscriptions.get(sid);
        if (sub == null) {
            connection.send(error(id, 7, "Unknown subscription ID"));
            return;
        }
        List<String> changed = tickersOf(params);
        String action = params.path("action").asText("");
        List<String> added = new ArrayList<>();
        switch (action) {
            case "add_markets" -> changed.forEach(t -> {
                if (sub.tickers.add(t)) {
                    added.add(t);
                }
            });
            case "delete_markets" -> changed.forEach(sub.tickers::remove);
            default -> {
                connection.send(error(id, 13, "Action not supported"));
                return;
            }
        }
        connection.send("{\"type\":\"ok\",\"id\":" + id + ",\"sid\":" + sid + ",\"seq\":" + (++sub.seq)
                + ",\"msg\":{\"market_tickers\":" + jsonArray(List.copyOf(sub.tickers)) + "}}");
        if (sub.channel.equals("orderbook_delta")) {
            for (String ticker : added) {
                connection.send(snapshotFrame(sub, ticker));
            }
        }
    }

    private void unsubscribe(SimConnection connection, Session session, long id, JsonNode params) {
        for (JsonNode sidNode : params.path("sids")) {
            long sid = sidNode.asLong();
            if (session.subscriptions.remove(sid) != null) {
                connection.send("{\"type\":\"unsubscribed\",\"id\":" + id + ",\"sid\":" + sid + "}");
            } else {
                connection.send(error(id, 7, "Unknown subscription ID"));
            }
        }
    }

    private void listSubscriptions(SimConnection connection, Session session, long id) {
        StringBuilder sb = new StringBuilder("{\"type\":\"ok\",\"id\":").append(id).append(",\"msg\":[");
        boolean first = true;
        for (Subscription sub : session.subscriptions.values()) {
            sb.append(first ? "" : ",").append("{\"channel\":\"").append(sub.channel).append("\",\"sid\":")
                    .append(sub.sid).append('}');
            first = false;
        }
        connection.send(sb.append("]}").toString());
    }

    private List<String> tickersOf(JsonNode params) {
        List<String> result = new ArrayList<>();
        params.path("market_tickers").forEach(t -> {
            if (books.containsKey(t.asText())) {
                result.add(t.asText());
            }
        });
        String single = params.path("market_ticker").asText("");
        if (books.containsKey(single)) {
            result.add(single);
        }
        return result;
    }

    @Override
    protected void onDisconnected(SimConnection connection) {
        sessions.remove(connection.id);
    }

    // ---------------------------------------------------------------- the moving market

    @Override
    protected void publishChange() {
        if (tickers.isEmpty()) {
            return;
        }
        String ticker = tickers.get(random.nextInt(tickers.size()));
        SimBook book = books.get(ticker);
        SimBook.LevelChange change = book.move(random);
        int roll = random.nextInt(100);
        long now = nowMs();
        for (SimConnection connection : connections.values()) {
            Session session = sessions.get(connection.id);
            if (session == null) {
                continue;
            }
            for (Subscription sub : session.subscriptions.values()) {
                if (!sub.covers(ticker)) {
                    continue;
                }
                switch (sub.channel) {
                    case "orderbook_delta" -> {
                        sub.seq++;
                        if (sub.dropNext) {
                            sub.dropNext = false;
                        } else {
                            connection.send(deltaFrame(sub, ticker, change, now));
                        }
                    }
                    case "trade" -> {
                        if (roll < 5) {
                            connection.send(tradeFrame(sub, ticker, book, now));
                        }
                    }
                    case "ticker" -> {
                        if (roll < 10) {
                            connection.send(tickerFrame(sub, ticker, book, now));
                        }
                    }
                    default -> {
                    }
                }
            }
        }
    }

    @Override
    protected int injectSequenceGap() {
        int gaps = 0;
        for (Session session : sessions.values()) {
            for (Subscription sub : session.subscriptions.values()) {
                if (sub.channel.equals("orderbook_delta") && !sub.tickers.isEmpty()) {
                    sub.dropNext = true;
                    gaps++;
                    break;
                }
            }
        }
        return gaps;
    }

    private String snapshotFrame(Subscription sub, String ticker) {
        return snapshotFrame(sub.sid, ++sub.seq, ticker, marketIds.get(ticker), books.get(ticker));
    }

    /** An {@code orderbook_snapshot}: YES bids and NO bids, prices ascending. */
    static String snapshotFrame(long sid, long seq, String ticker, String marketId, SimBook book) {
        StringBuilder sb = new StringBuilder(1024).append("{\"type\":\"orderbook_snapshot\",\"sid\":").append(sid)
                .append(",\"seq\":").append(seq).append(",\"msg\":{\"market_ticker\":\"").append(ticker)
                .append("\",\"market_id\":\"").append(marketId).append('"');
        // Both sides are bids, prices ascending; an empty side is left out.
        if (!book.bids.isEmpty()) {
            sb.append(",\"yes_dollars_fp\":[");
            appendLevels(sb, book.bids, false);
            sb.append(']');
        }
        if (!book.asks.isEmpty()) {
            sb.append(",\"no_dollars_fp\":[");
            appendLevels(sb, book.asks.descendingMap(), true);
            sb.append(']');
        }
        return sb.append("}}").toString();
    }

    private static void appendLevels(StringBuilder sb, Map<Integer, Long> levels, boolean asNo) {
        boolean first = true;
        for (Map.Entry<Integer, Long> level : levels.entrySet()) {
            int cents = asNo ? 100 - level.getKey() : level.getKey();
            sb.append(first ? "" : ",").append("[\"").append(SimFormat.cents(cents, 4)).append("\",\"")
                    .append(SimFormat.hundredths(level.getValue())).append("\"]");
            first = false;
        }
    }

    private String deltaFrame(Subscription sub, String ticker, SimBook.LevelChange change, long now) {
        return deltaFrame(sub.sid, sub.seq, ticker, marketIds.get(ticker), change, now);
    }

    /** An {@code orderbook_delta}: the signed size change of one YES or NO bid level. */
    static String deltaFrame(long sid, long seq, String ticker, String marketId, SimBook.LevelChange change, long now) {
        int cents = change.bid() ? change.priceCents() : 100 - change.priceCents();
        return "{\"type\":\"orderbook_delta\",\"sid\":" + sid + ",\"seq\":" + seq + ",\"msg\":{\"market_ticker\":\""
                + ticker + "\",\"market_id\":\"" + marketId + "\",\"price_dollars\":\""
                + SimFormat.cents(cents, 4) + "\",\"delta_fp\":\"" + SimFormat.hundredths(change.newSize() - change.oldSize())
                + "\",\"side\":\"" + (change.bid() ? "yes" : "no") + "\",\"ts\":\"" + Instant.ofEpochMilli(now)
                + "\",\"ts_ms\":" + now + "}}";
    }

    private String tradeFrame(Subscription sub, String ticker, SimBook book, long now) {
        boolean yesTaker = random.nextBoolean();
        int yesPrice = yesTaker ? book.bestAsk() : book.bestBid();
        return "{\"type\":\"trade\",\"sid\":" + sub.sid + ",\"seq\":" + (++sub.seq) + ",\"msg\":{\"trade_id\":\""
                + new UUID(random.nextLong(), random.nextLong()) + "\",\"market_ticker\":\"" + ticker
                + "\",\"yes_price_dollars\":\"" + SimFormat.cents(yesPrice, 4) + "\",\"no_price_dollars\":\""
                + SimFormat.cents(100 - yesPrice, 4) + "\",\"count_fp\":\"" + SimFormat.hundredths(100 + random.nextInt(5000))
                + "\",\"taker_side\":\"" + (yesTaker ? "yes" : "no") + "\",\"taker_outcome_side\":\""
                + (yesTaker ? "yes" : "no") + "\",\"taker_book_side\":\"" + (yesTaker ? "bid" : "ask")
                + "\",\"ts\":" + now / 1000 + ",\"ts_ms\":" + now + "}}";
    }

    private String tickerFrame(Subscription sub, String ticker, SimBook book, long now) {
        return "{\"type\":\"ticker\",\"sid\":" + sub.sid + ",\"msg\":{\"market_id\":\"" + marketIds.get(ticker)
                + "\",\"market_ticker\":\"" + ticker + "\",\"price_dollars\":\"" + SimFormat.cents(book.bestBid(), 4)
                + "\",\"yes_bid_dollars\":\"" + SimFormat.cents(book.bestBid(), 4) + "\",\"yes_ask_dollars\":\""
                + SimFormat.cents(book.bestAsk(), 4) + "\",\"volume_fp\":\"0.00\",\"open_interest_fp\":\"0.00\""
                + ",\"yes_bid_size_fp\":\"" + SimFormat.hundredths(book.bids.lastEntry().getValue())
                + "\",\"yes_ask_size_fp\":\"" + SimFormat.hundredths(book.asks.firstEntry().getValue())
                + "\",\"last_trade_size_fp\":\"0.00\",\"ts\":" + now / 1000 + ",\"ts_ms\":" + now + "}}";
    }

    @Override
    protected String malformedFrame() {
        return "{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":";
    }

    @Override
    protected String unknownEventFrame() {
        return "{\"type\":\"simulated_unknown_channel\",\"msg\":{\"market_ticker\":\"" + tickers.get(0) + "\"}}";
    }

    @Override
    protected Optional<BookSnapshot> trueBook(String symbol) {
        SimBook book = books.get(symbol);
        return book == null ? Optional.empty() : Optional.of(book.toSnapshot(MarketKey.of(Venue.KALSHI, symbol)));
    }

    private static String error(long id, int code, String message) {
        return "{\"type\":\"error\",\"id\":" + id + ",\"msg\":{\"code\":" + code + ",\"msg\":\"" + message + "\"}}";
    }

    private static String jsonArray(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(values.get(i)).append('"');
        }
        return sb.append(']').toString();
    }
}
