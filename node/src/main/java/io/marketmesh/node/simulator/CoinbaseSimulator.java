package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Coinbase Advanced Trade market data as the venue speaks it, on {@code ws://host:port/coinbase/} with the public
 * products list at {@code GET /coinbase/api/v3/brokerage/market/products}. Products are {@code BASE-QUOTE}.
 *
 * <p>WebSocket: one channel per {@code subscribe}/{@code unsubscribe} message ({@code "channel"}, a string; a
 * {@code "channels"} array is refused with an {@code error}); {@code level2} answered on {@code l2_data} with a
 * {@code snapshot} of the whole book then {@code update}s of absolute sizes ({@code "0"} removes; sides {@code bid}
 * and {@code offer}); {@code market_trades} (a snapshot of recent trades, then updates whose {@code side} is the
 * MAKER's), {@code ticker}, {@code heartbeats} once a second with a {@code heartbeat_counter}; a
 * {@code subscriptions} message after each change. Every message of a connection carries {@code sequence_num},
 * counting from 0 over all channels. More than 16 level2 products on one connection are refused ("too many L2
 * streams requested in a single session"), as the live venue does.
 *
 * <p>Faults: {@code gap} spends one connection's sequence number on an update it never sends; {@code malformed} a
 * truncated l2_data frame; {@code unknown} an l2_data event of an undocumented type; {@code drop}, {@code stall}
 * and {@code ignore-resubscribe} as for every venue. Coinbase has no REST snapshot to splice and no reconnect request.
 */
final class CoinbaseSimulator extends CryptoSimVenue {

    static final String PRODUCTS_PATH = "/api/v3/brokerage/market/products";
    static final int MAX_L2_PRODUCTS = 16;
    private static final long HEARTBEAT_EVERY_MS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one client socket has subscribed, and its message counter. */
    private static final class Client {
        final Set<String> level2 = new LinkedHashSet<>();
        final Set<String> trades = new LinkedHashSet<>();
        final Set<String> tickers = new LinkedHashSet<>();
        boolean heartbeats;
        long nextSequence;
        /** The next level2 update for this socket is never sent; its sequence number is spent all the same. */
        boolean dropNextUpdate;
    }

    private final Map<Long, Client> clients = new HashMap<>();
    private long heartbeatCounter = 41_000;
    private long lastHeartbeatAt;
    private long tradeIds = 1_068_572_000L;

    static Behavior<Command> create(SimulatorSettings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new CoinbaseSimulator(context, timers, settings)));
    }

    private CoinbaseSimulator(ActorContext<Command> context, TimerScheduler<Command> timers,
                              SimulatorSettings settings) {
        super(context, timers, Venue.COINBASE, settings);
    }

    /** The heartbeats go out once a second whether the books move or not. */
    @Override
    protected void onClockTick(long nowMs) {
        if (nowMs - lastHeartbeatAt >= HEARTBEAT_EVERY_MS) {
            lastHeartbeatAt = nowMs;
            heartbeats();
        }
    }

    @Override
    protected String symbolOf(CryptoPair pair, String kind) {
        return pair.base() + "-" + pair.quote();
    }

    // ---- the client's messages ---------------------------------------------------------------------------------

    @Override
    protected void onClientText(SimConnection connection, String text) {
        if (connection.ignoresResubscribe()) {
            return;
        }
        Client client = clients.computeIfAbsent(connection.id, id -> new Client());
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (Exception e) {
            error(connection, client, "malformed request");
            return;
        }
        String type = request.path("type").asText("");
        JsonNode channel = request.get("channel");
        if (!type.equals("subscribe") && !type.equals("unsubscribe") || channel == null || !channel.isTextual()) {
            error(connection, client, "request needs a type of subscribe or unsubscribe and one channel");
            return;
        }
        boolean subscribe = type.equals("subscribe");
        List<String> products = new java.util.ArrayList<>();
        for (JsonNode id : request.path("product_ids")) {
            if (!instruments.containsKey(id.asText())) {
                error(connection, client, "Failed to subscribe: " + id.asText() + " is not a valid product");
                return;
            }
            products.add(id.asText());
        }
        switch (channel.asText()) {
            case "heartbeats" -> client.heartbeats = subscribe;
            case "level2" -> {
                if (subscribe) {
                    Set<String> after = new LinkedHashSet<>(client.level2);
                    after.addAll(products);
                    if (after.size() > MAX_L2_PRODUCTS) {
                        error(connection, client, "too many L2 streams requested in a single session");
                        return;
                    }
                    for (String product : products) {
                        client.level2.add(product);
                        send(connection, client, "l2_data", bookSnapshot(product));
                    }
                } else {
                    products.forEach(client.level2::remove);
                }
            }
            case "market_trades" -> {
                if (subscribe) {
                    for (String product : products) {
                        client.trades.add(product);
                        BigDecimal bid = instruments.get(product).book().bestBid();
                        send(connection, client, "market_trades", "{\"type\":\"snapshot\",\"trades\":["
                                + trade(product, bid, BigDecimal.ONE, "BUY") + "]}");
                    }
                } else {
                    products.forEach(client.trades::remove);
                }
            }
            case "ticker" -> {
                if (subscribe) {
                    for (String product : products) {
                        client.tickers.add(product);
                        send(connection, client, "ticker",
                                "{\"type\":\"snapshot\",\"tickers\":[" + ticker(product) + "]}");
                    }
                } else {
                    products.forEach(client.tickers::remove);
                }
            }
            default -> {
                error(connection, client, "Failed to subscribe: unknown channel " + channel.asText());
                return;
            }
        }
        send(connection, client, "subscriptions", subscriptions(client));
    }

    @Override
    protected void onDisconnected(SimConnection connection) {
        clients.remove(connection.id);
    }

    // ---- the books move ----------------------------------------------------------------------------------------

    @Override
    protected void onBookChange(Instrument instrument, CryptoBook.LevelChange change) {
        String product = instrument.symbol();
        String update = "{\"type\":\"update\",\"product_id\":\"" + product + "\",\"updates\":["
                + level(change.bid(), change.price(), change.newSize(), now()) + "]}";
        CryptoBook book = instrument.book();
        boolean atTheTouch = change.price().equals(change.bid() ? book.bestBid() : book.bestAsk())
                || change.newSize().signum() == 0;
        // A level at the touch that shrank was traded against: the maker was that level's side.
        boolean traded = atTheTouch && change.newSize().signum() > 0
                && change.newSize().compareTo(change.oldSize()) < 0;
        for (SimConnection connection : liveConnections()) {
            Client client = clients.get(connection.id);
            if (client == null) {
                continue;
            }
            if (client.level2.contains(product)) {
                if (client.dropNextUpdate) {
                    client.dropNextUpdate = false;
                    client.nextSequence++; // spent on a frame that never leaves
                } else {
                    send(connection, client, "l2_data", update);
                }
            }
            if (traded && client.trades.contains(product)) {
                BigDecimal size = change.oldSize().subtract(change.newSize());
                send(connection, client, "market_trades", "{\"type\":\"update\",\"trades\":["
                        + trade(product, change.price(), size, change.bid() ? "BUY" : "SELL") + "]}");
            }
            if (atTheTouch && client.tickers.contains(product)) {
                send(connection, client, "ticker", "{\"type\":\"update\",\"tickers\":[" + ticker(product) + "]}");
            }
        }
    }

    // ---- faults ------------------------------------------------------------------------------------------------

    @Override
    protected int injectSequenceGap() {
        int dropped = 0;
        for (SimConnection connection : liveConnections()) {
            Client client = clients.get(connection.id);
            if (client != null && !client.level2.isEmpty()) {
                client.dropNextUpdate = true;
                dropped++;
            }
        }
        return dropped;
    }

    @Override
    protected String malformedFrame() {
        return "{\"channel\":\"l2_data\",\"client_id\":\"\",\"timestamp\":\"" + now()
                + "\",\"events\":[{\"type\":\"upd";
    }

    @Override
    protected String unknownEventFrame() {
        String product = listed().get(0).symbol();
        return "{\"channel\":\"l2_data\",\"client_id\":\"\",\"timestamp\":\"" + now() + "\",\"events\":[{\"type\":"
                + "\"rebuild\",\"product_id\":\"" + product + "\",\"updates\":[]}]}";
    }

    // ---- REST --------------------------------------------------------------------------------------------------

    @Override
    protected RestReply onRest(String path, Map<String, String> query) {
        if (!path.equals(PRODUCTS_PATH)) {
            return super.onRest(path, query);
        }
        List<ObjectNode> all = new java.util.ArrayList<>();
        List<Instrument> listed = listed();
        for (int i = 0; i < listed.size(); i++) {
            Instrument instrument = listed.get(i);
            // Listing order is volume order: the first listed trades most.
            BigDecimal volume = BigDecimal.valueOf((listed.size() - i) * 1_000_000L);
            // A delisted product stays listed, status delisted and trading disabled.
            all.add(product(instrument.symbol(), instrument.pair(), volume,
                    isDelisted(instrument.symbol()) ? "delisted" : "online", "", instrument.book()));
        }
        // Two the node must not follow: an alias (the market-data channels answer it with its target's data), traded
        // more than anything, and a delisted product.
        CryptoPair first = listed.get(0).pair();
        String alias = first.base() + "-USDC";
        if (!instruments.containsKey(alias)) {
            all.add(0, product(alias, first, BigDecimal.valueOf(1_000_000_000L), "online", listed.get(0).symbol(),
                    listed.get(0).book()));
        }
        all.add(product("OLD-USD", first, BigDecimal.ZERO, "delisted", "", listed.get(0).book()));
        if (!query.getOrDefault("product_type", "SPOT").equals("SPOT")) {
            all.clear();
        }
        int offset = parse(query.get("offset"), 0);
        int limit = parse(query.get("limit"), Integer.MAX_VALUE);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode products = body.putArray("products");
        for (int i = Math.max(0, offset); i < all.size() && products.size() < limit; i++) {
            products.add(all.get(i));
        }
        body.put("num_products", all.size());
        ObjectNode pagination = body.putObject("pagination");
        pagination.put("prev_cursor", "").put("next_cursor", "").put("has_next", offset + products.size() < all.size())
                .put("has_prev", offset > 0);
        return RestReply.ok(body.toString());
    }

    private static ObjectNode product(String symbol, CryptoPair pair, BigDecimal quoteVolume, String status,
                                      String alias, CryptoBook book) {
        ObjectNode p = JSON.createObjectNode();
        String[] parts = symbol.split("-");
        p.put("product_id", symbol);
        p.put("price", CryptoBook.plain(book.bestBid()));
        p.put("volume_24h", "1234.5");
        p.put("base_increment", CryptoBook.plain(pair.lot()));
        p.put("quote_increment", CryptoBook.plain(pair.tick()));
        p.put("base_min_size", CryptoBook.plain(pair.lot()));
        p.put("status", status);
        p.put("cancel_only", false).put("limit_only", false).put("post_only", false);
        p.put("trading_disabled", !status.equals("online"));
        p.put("is_disabled", false).put("view_only", false).put("auction_mode", false);
        p.put("product_type", "SPOT");
        p.put("quote_currency_id", parts[1]);
        p.put("base_currency_id", parts[0]);
        p.put("alias", alias);
        p.putArray("alias_to");
        p.put("base_display_symbol", parts[0]).put("quote_display_symbol", parts[1]);
        p.put("price_increment", CryptoBook.plain(pair.tick()));
        p.put("display_name", symbol);
        p.put("product_venue", "CBE");
        p.put("approximate_quote_24h_volume", quoteVolume.toPlainString());
        return p;
    }

    // ---- frames ------------------------------------------------------------------------------------------------

    private void heartbeats() {
        heartbeatCounter++;
        String event = "{\"current_time\":\"" + Instant.now().toString().replace('T', ' ').replace("Z", " +0000 UTC")
                + "\",\"heartbeat_counter\":" + heartbeatCounter + "}";
        for (SimConnection connection : liveConnections()) {
            Client client = clients.get(connection.id);
            if (client != null && client.heartbeats) {
                send(connection, client, "heartbeats", event);
            }
        }
    }

    /** One message of a connection: its next sequence number, the envelope, one event. */
    private void send(SimConnection connection, Client client, String channel, String event) {
        connection.send("{\"channel\":\"" + channel + "\",\"client_id\":\"\",\"timestamp\":\"" + now()
                + "\",\"sequence_num\":" + client.nextSequence++ + ",\"events\":[" + event + "]}");
    }

    /** The venue's errors have no envelope and no sequence number. */
    private static void error(SimConnection connection, Client client, String message) {
        connection.send("{\"type\":\"error\",\"message\":\"" + message.replace("\"", "'") + "\"}");
    }

    /** The whole book, bids best first then offers best first, every level stamped with the same event time. */
    private String bookSnapshot(String product) {
        CryptoBook book = instruments.get(product).book();
        String time = now();
        StringBuilder sb = new StringBuilder("{\"type\":\"snapshot\",\"product_id\":\"").append(product)
                .append("\",\"updates\":[");
        boolean first = true;
        for (boolean bid : new boolean[] {true, false}) {
            NavigableMap<BigDecimal, BigDecimal> side = bid ? book.bids() : book.asks();
            for (Map.Entry<BigDecimal, BigDecimal> level : side.entrySet()) {
                sb.append(first ? "" : ",").append(level(bid, level.getKey(), level.getValue(), time));
                first = false;
            }
        }
        return sb.append("]}").toString();
    }

    private static String level(boolean bid, BigDecimal price, BigDecimal size, String time) {
        return "{\"side\":\"" + (bid ? "bid" : "offer") + "\",\"event_time\":\"" + time + "\",\"price_level\":\""
                + CryptoBook.plain(price) + "\",\"new_quantity\":\"" + CryptoBook.plain(size) + "\"}";
    }

    private String trade(String product, BigDecimal price, BigDecimal size, String makerSide) {
        return "{\"product_id\":\"" + product + "\",\"trade_id\":\"" + ++tradeIds + "\",\"price\":\""
                + CryptoBook.plain(price) + "\",\"size\":\"" + CryptoBook.plain(size) + "\",\"time\":\"" + now()
                + "\",\"side\":\"" + makerSide + "\"}";
    }

    private String ticker(String product) {
        CryptoBook book = instruments.get(product).book();
        String bid = CryptoBook.plain(book.bestBid());
        return "{\"type\":\"ticker\",\"product_id\":\"" + product + "\",\"price\":\"" + bid + "\","
                + "\"volume_24_h\":\"1234.5\","
                + "\"low_24_h\":\"" + bid + "\",\"high_24_h\":\"" + CryptoBook.plain(book.bestAsk()) + "\","
                + "\"low_52_w\":\"" + bid + "\",\"high_52_w\":\"" + CryptoBook.plain(book.bestAsk()) + "\","
                + "\"price_percent_chg_24_h\":\"0\",\"best_bid\":\"" + bid + "\",\"best_ask\":\""
                + CryptoBook.plain(book.bestAsk()) + "\",\"best_bid_quantity\":\""
                + CryptoBook.plain(book.bids().firstEntry().getValue()) + "\",\"best_ask_quantity\":\""
                + CryptoBook.plain(book.asks().firstEntry().getValue()) + "\"}";
    }

    private static String subscriptions(Client client) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode subs = event.putObject("subscriptions");
        if (client.heartbeats) {
            subs.putArray("heartbeats").add("heartbeats");
        }
        names(subs, "level2", client.level2);
        names(subs, "market_trades", client.trades);
        names(subs, "ticker", client.tickers);
        return event.toString();
    }

    private static void names(ObjectNode subs, String channel, Set<String> products) {
        if (!products.isEmpty()) {
            ArrayNode list = subs.putArray(channel);
            products.forEach(list::add);
        }
    }

    private static String now() {
        return Instant.now().toString();
    }

    private static int parse(String text, int fallback) {
        try {
            return text == null ? fallback : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
