package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * Binance spot as its public docs describe it: the raw-stream socket {@code /ws} taking {@code SUBSCRIBE},
 * {@code UNSUBSCRIBE}, {@code LIST_SUBSCRIPTIONS} and the {@code combined} property, answering {@code result}/{@code id}
 * or {@code code}/{@code msg}, and the combined-stream socket {@code /stream?streams=a/b/c}, whose URL names its
 * streams and whose payloads are wrapped as {@code {"stream":...,"data":...}}; streams {@code <symbol>@depth@100ms} (and {@code @depth}), {@code @trade},
 * {@code @aggTrade} and {@code @bookTicker}; REST {@code /api/v3/depth}, {@code /api/v3/exchangeInfo} and
 * {@code /api/v3/ticker/24hr}. Each book change spends one or more update ids ({@code U}..{@code u}, as the venue's
 * 100 ms batching does) and sometimes moves two levels in one event. The venue's limits are enforced: a socket that
 * sends more than 5 messages in a second is closed, as is one asking for more than 1024 streams.
 *
 * <p>Faults: a diff never sent on each socket (its ids spent: {@code U} then jumps), the next snapshot of each book
 * served from before the last changes (older than what a client buffered), a truncated frame, an unknown event type,
 * the {@code serverShutdown} notice, and closed sockets.
 */
final class BinanceSimulator extends CryptoSimVenue {

    /** The socket path whose URL names its streams ({@code ?streams=btcusdt@depth/ethusdt@trade}). */
    static final String COMBINED_PATH = "stream";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STREAMS = 1024;
    private static final int MESSAGES_PER_SECOND = 5;
    /** Book states kept per instrument for serving stale snapshots. */
    private static final int HISTORY = 6;

    /**
     * One past state of a book, for the stale-snapshot fault: its update id and its levels (immutable copies), written
     * as JSON only if it is ever served, since formatting every level after every change cost more than the change.
     */
    private record PastBook(long lastUpdateId, List<Map.Entry<BigDecimal, BigDecimal>> bids,
                            List<Map.Entry<BigDecimal, BigDecimal>> asks) {
    }

    /** Per instrument: its update id and its recent states (for the stale-snapshot fault). */
    private static final class Ids {
        long lastUpdateId;
        boolean serveStaleNext;
        final ArrayDeque<PastBook> history = new ArrayDeque<>();

        Ids(long start) {
            lastUpdateId = start;
        }
    }

    /** Per socket: its streams, whether it asked for combined payloads, its recent messages, its pending gap. */
    private static final class Client {
        final Set<String> streams = new LinkedHashSet<>();
        final ArrayDeque<Long> recentMessages = new ArrayDeque<>();
        final Set<String> dropNextDiff = new LinkedHashSet<>();
        boolean combined;
    }

    private final Map<String, Ids> ids = new HashMap<>();
    private final Map<Long, Client> clients = new HashMap<>();
    private long tradeIds = 7_000_000;

    static Behavior<Command> create(SimulatorSettings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new BinanceSimulator(context, timers, settings)));
    }

    private BinanceSimulator(ActorContext<Command> context, TimerScheduler<Command> timers, SimulatorSettings settings) {
        super(context, timers, Venue.BINANCE, settings);
        long start = 400_000_000L;
        for (Instrument instrument : listed()) {
            ids.put(instrument.symbol(), new Ids(start));
            start += 100_000_000L;
        }
    }

    @Override
    protected String symbolOf(CryptoPair pair, String kind) {
        return pair.base() + pair.quote();
    }

    // ---------------------------------------------------------------- the socket

    @Override
    protected void onClientText(SimConnection connection, String text) {
        Client client = clients.computeIfAbsent(connection.id, id -> new Client());
        long now = System.nanoTime();
        client.recentMessages.addLast(now);
        while (now - client.recentMessages.peekFirst() > 1_000_000_000L) {
            client.recentMessages.pollFirst();
        }
        if (client.recentMessages.size() > MESSAGES_PER_SECOND) {
            getContext().getLog().warn("simulated binance: socket {} sent more than {} messages in a second; closing it",
                    connection.id, MESSAGES_PER_SECOND);
            connection.close();
            return;
        }
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (Exception e) {
            connection.send("{\"code\":3,\"msg\":\"Invalid JSON: expected value at line 1 column 1\"}");
            return;
        }
        JsonNode id = request.path("id");
        String idJson = id.isIntegralNumber() || id.isTextual() ? id.toString() : "null";
        switch (request.path("method").asText("")) {
            case "SUBSCRIBE" -> subscribe(connection, client, request.path("params"), idJson);
            case "UNSUBSCRIBE" -> {
                request.path("params").forEach(p -> client.streams.remove(p.asText()));
                connection.send("{\"result\":null,\"id\":" + idJson + "}");
            }
            case "LIST_SUBSCRIPTIONS" -> connection.send("{\"result\":" + JSON.valueToTree(client.streams) + ",\"id\":"
                    + idJson + "}");
            case "SET_PROPERTY" -> {
                client.combined = request.path("params").path(1).asBoolean(false);
                connection.send("{\"result\":null,\"id\":" + idJson + "}");
            }
            case "GET_PROPERTY" -> connection.send("{\"result\":" + client.combined + ",\"id\":" + idJson + "}");
            default -> connection.send("{\"code\":2,\"msg\":\"Invalid request: unknown variant "
                    + request.path("method").asText("") + ", expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, "
                    + "`LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`\",\"id\":" + idJson + "}");
        }
    }

    private void subscribe(SimConnection connection, Client client, JsonNode params, String idJson) {
        if (!params.isArray()) {
            connection.send("{\"code\":2,\"msg\":\"Invalid request: missing field `params`\",\"id\":" + idJson + "}");
            return;
        }
        Set<String> wanted = new LinkedHashSet<>(client.streams);
        params.forEach(p -> wanted.add(p.asText()));
        if (wanted.size() > MAX_STREAMS) {
            getContext().getLog().warn("simulated binance: socket {} asked for {} streams; closing it", connection.id,
                    wanted.size());
            connection.close();
            return;
        }
        client.streams.addAll(wanted);
        connection.send("{\"result\":null,\"id\":" + idJson + "}");
    }

    /** A combined-stream socket is subscribed to the streams its URL names, as if it had sent them. */
    @Override
    protected void onOpened(SimConnection connection) {
        if (!connection.path().equals(COMBINED_PATH)) {
            return;
        }
        Client client = clients.computeIfAbsent(connection.id, id -> new Client());
        client.combined = true;
        for (String stream : connection.query().getOrDefault("streams", "").split("/")) {
            if (!stream.isBlank()) {
                client.streams.add(stream);
            }
        }
        if (client.streams.size() > MAX_STREAMS) {
            getContext().getLog().warn("simulated binance: socket {} named {} streams in its URL; closing it",
                    connection.id, client.streams.size());
            connection.close();
        }
    }

    @Override
    protected void onDisconnected(SimConnection connection) {
        clients.remove(connection.id);
    }

    // ---------------------------------------------------------------- market data

    @Override
    protected void onBookChange(Instrument instrument, CryptoBook.LevelChange change) {
        CryptoBook book = instrument.book();
        // Levels changed in this 100 ms event, each with its final size, in the order first changed.
        Map<String, CryptoBook.LevelChange> levels = new LinkedHashMap<>();
        levels.put(key(change), change);
        if (!shifting() && random.nextInt(3) == 0) {
            CryptoBook.LevelChange another = book.move(random);
            levels.put(key(another), another);
        }
        Ids id = ids.get(instrument.symbol());
        long first = id.lastUpdateId + 1;
        id.lastUpdateId += levels.size() + random.nextInt(3);
        String symbol = instrument.symbol();
        String lower = symbol.toLowerCase(java.util.Locale.ROOT);
        StringBuilder bids = new StringBuilder();
        StringBuilder asks = new StringBuilder();
        for (CryptoBook.LevelChange c : levels.values()) {
            StringBuilder side = c.bid() ? bids : asks;
            side.append(side.length() == 0 ? "" : ",").append("[\"").append(price(instrument, c.price())).append("\",\"")
                    .append(size(instrument, c.newSize())).append("\"]");
        }
        String diff = "{\"e\":\"depthUpdate\",\"E\":" + nowMs() + ",\"s\":\"" + symbol + "\",\"U\":" + first + ",\"u\":"
                + id.lastUpdateId + ",\"b\":[" + bids + "],\"a\":[" + asks + "]}";
        String ticker = "{\"u\":" + id.lastUpdateId + ",\"s\":\"" + symbol + "\",\"b\":\"" + price(instrument, book.bestBid())
                + "\",\"B\":\"" + size(instrument, book.bids().firstEntry().getValue()) + "\",\"a\":\""
                + price(instrument, book.bestAsk()) + "\",\"A\":\"" + size(instrument, book.asks().firstEntry().getValue())
                + "\"}";
        rememberForStaleSnapshots(instrument, id);
        boolean trades = random.nextInt(4) == 0;
        for (SimConnection connection : liveConnections()) {
            Client client = clients.get(connection.id);
            if (client == null) {
                continue;
            }
            // The same diff on either depth stream (the 100 ms one is what the venue batches; here both are), named
            // as the socket subscribed it.
            String depthStream = client.streams.contains(lower + "@depth@100ms") ? lower + "@depth@100ms"
                    : client.streams.contains(lower + "@depth") ? lower + "@depth" : null;
            if (depthStream != null) {
                if (client.dropNextDiff.remove(symbol)) {
                    continue; // the gap fault: this socket never gets this diff, its ids are spent
                }
                send(connection, client, depthStream, diff);
            }
            if (client.streams.contains(lower + "@bookTicker")) {
                send(connection, client, lower + "@bookTicker", ticker);
            }
            if (trades) {
                sendTrade(connection, client, instrument, lower);
            }
        }
    }

    private void sendTrade(SimConnection connection, Client client, Instrument instrument, String lower) {
        boolean buyerIsMaker = random.nextBoolean();
        CryptoBook book = instrument.book();
        // A taker selling meets the best bid; a taker buying, the best ask.
        String price = price(instrument, buyerIsMaker ? book.bestBid() : book.bestAsk());
        String qty = size(instrument, instrument.pair().lot().multiply(BigDecimal.valueOf(1 + random.nextInt(50))));
        long now = nowMs();
        long tradeId = ++tradeIds;
        if (client.streams.contains(lower + "@trade")) {
            send(connection, client, lower + "@trade", "{\"e\":\"trade\",\"E\":" + now + ",\"s\":\"" + instrument.symbol()
                    + "\",\"t\":" + tradeId + ",\"p\":\"" + price + "\",\"q\":\"" + qty + "\",\"T\":" + now
                    + ",\"m\":" + buyerIsMaker + ",\"M\":true}");
        }
        if (client.streams.contains(lower + "@aggTrade")) {
            send(connection, client, lower + "@aggTrade", "{\"e\":\"aggTrade\",\"E\":" + now + ",\"s\":\""
                    + instrument.symbol() + "\",\"a\":" + tradeId + ",\"p\":\"" + price + "\",\"q\":\"" + qty
                    + "\",\"f\":" + tradeId + ",\"l\":" + tradeId + ",\"T\":" + now + ",\"m\":" + buyerIsMaker
                    + ",\"M\":true}");
        }
    }

    private static void send(SimConnection connection, Client client, String stream, String payload) {
        connection.send(client.combined ? "{\"stream\":\"" + stream + "\",\"data\":" + payload + "}" : payload);
    }

    private static String key(CryptoBook.LevelChange change) {
        return (change.bid() ? "b" : "a") + change.price().stripTrailingZeros().toPlainString();
    }

    /** Binance writes at least eight decimals ({@code 0.35130000}); a finer tick keeps all of its own. */
    private static String price(Instrument instrument, BigDecimal value) {
        return CryptoBook.fixed(value, Math.max(8, instrument.pair().priceDecimals()));
    }

    private static String size(Instrument instrument, BigDecimal value) {
        return CryptoBook.fixed(value, Math.max(8, instrument.pair().sizeDecimals()));
    }

    // ---------------------------------------------------------------- REST

    @Override
    protected RestReply onRest(String path, Map<String, String> query) {
        return switch (path) {
            case "/api/v3/depth" -> depth(query);
            case "/api/v3/exchangeInfo" -> RestReply.ok(exchangeInfo());
            case "/api/v3/ticker/24hr" -> RestReply.ok(tickers());
            default -> RestReply.notFound("no such endpoint on the simulated binance: " + path);
        };
    }

    private RestReply depth(Map<String, String> query) {
        Instrument instrument = instruments.get(query.getOrDefault("symbol", ""));
        if (instrument == null) {
            return new RestReply(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
        }
        int limit;
        try {
            limit = Integer.parseInt(query.getOrDefault("limit", "100"));
        } catch (NumberFormatException e) {
            return new RestReply(400, "{\"code\":-1100,\"msg\":\"Illegal characters found in parameter 'limit'.\"}");
        }
        if (limit < 1 || limit > 5000) {
            return new RestReply(400, "{\"code\":-1100,\"msg\":\"Illegal value for parameter 'limit'.\"}");
        }
        Ids id = ids.get(instrument.symbol());
        // The oldest state kept is several changes behind the last one, so older than the diff a client just buffered.
        if (id.serveStaleNext && id.history.size() >= 3) {
            id.serveStaleNext = false;
            PastBook past = id.history.peekFirst();
            return RestReply.ok(depthJson(instrument, past.lastUpdateId(), past.bids(), past.asks(), 5000));
        }
        return RestReply.ok(depthJson(instrument, id.lastUpdateId, instrument.book().bids().entrySet(),
                instrument.book().asks().entrySet(), limit));
    }

    private static String depthJson(Instrument instrument, long lastUpdateId, Iterable<Map.Entry<BigDecimal, BigDecimal>> bids,
                                    Iterable<Map.Entry<BigDecimal, BigDecimal>> asks, int limit) {
        return "{\"lastUpdateId\":" + lastUpdateId + ",\"bids\":" + levels(instrument, bids, limit)
                + ",\"asks\":" + levels(instrument, asks, limit) + "}";
    }

    private static String levels(Instrument instrument, Iterable<Map.Entry<BigDecimal, BigDecimal>> side, int limit) {
        StringBuilder sb = new StringBuilder("[");
        int n = 0;
        for (Map.Entry<BigDecimal, BigDecimal> level : side) {
            if (n++ == limit) {
                break;
            }
            sb.append(sb.length() == 1 ? "" : ",").append("[\"").append(price(instrument, level.getKey()))
                    .append("\",\"").append(size(instrument, level.getValue())).append("\"]");
        }
        return sb.append(']').toString();
    }

    /** The book as it is after each change, with its update id: what a lagging snapshot cache serves later. */
    private void rememberForStaleSnapshots(Instrument instrument, Ids id) {
        if (id.history.size() == HISTORY) {
            id.history.pollFirst();
        }
        id.history.addLast(new PastBook(id.lastUpdateId, copy(instrument.book().bids()), copy(instrument.book().asks())));
    }

    private static List<Map.Entry<BigDecimal, BigDecimal>> copy(NavigableMap<BigDecimal, BigDecimal> side) {
        List<Map.Entry<BigDecimal, BigDecimal>> levels = new ArrayList<>(side.size());
        for (Map.Entry<BigDecimal, BigDecimal> level : side.entrySet()) {
            levels.add(Map.entry(level.getKey(), level.getValue())); // the map's own entries change in place
        }
        return levels;
    }

    private String exchangeInfo() {
        List<Map<String, Object>> symbols = new ArrayList<>();
        for (Instrument instrument : listed()) {
            CryptoPair pair = instrument.pair();
            // A delisted symbol stays listed with status BREAK, as Binance lists a symbol it stopped trading.
            String status = isDelisted(instrument.symbol()) ? "BREAK" : "TRADING";
            symbols.add(Map.of("symbol", instrument.symbol(), "status", status, "baseAsset", pair.base(),
                    "quoteAsset", pair.quote(), "isSpotTradingAllowed", true, "permissions", List.of("SPOT"),
                    "filters", List.of(
                            Map.of("filterType", "PRICE_FILTER", "minPrice", price(instrument, pair.tick()),
                                    "maxPrice", "1000000.00000000", "tickSize", price(instrument, pair.tick())),
                            Map.of("filterType", "LOT_SIZE", "minQty", size(instrument, pair.lot()),
                                    "maxQty", "9000000000000.00000000", "stepSize", size(instrument, pair.lot())))));
        }
        return JSON.valueToTree(Map.of("timezone", "UTC", "serverTime", nowMs(), "symbols", symbols)).toString();
    }

    /** 24-hour statistics; quote volumes fall with the listing order, so discovery's ranking is predictable. */
    private String tickers() {
        List<Map<String, Object>> tickers = new ArrayList<>();
        long volume = 9_000_000_000L;
        for (Instrument instrument : listed()) {
            tickers.add(Map.of("symbol", instrument.symbol(), "lastPrice", price(instrument, instrument.book().bestBid()),
                    "volume", "123456789012.12345678", "quoteVolume", volume + ".12345678"));
            volume /= 3;
        }
        return JSON.valueToTree(tickers).toString();
    }

    // ---------------------------------------------------------------- faults

    @Override
    protected String malformedFrame() {
        return "{\"e\":\"depthUpdate\",\"E\":" + nowMs() + ",\"s\":\"" + listed().get(0).symbol() + "\",\"U\":";
    }

    @Override
    protected String unknownEventFrame() {
        return "{\"e\":\"marginCall\",\"E\":" + nowMs() + ",\"s\":\"" + listed().get(0).symbol() + "\"}";
    }

    /** On each socket, the next diff of the first book it follows is never sent. */
    @Override
    protected int injectSequenceGap() {
        int dropped = 0;
        for (SimConnection connection : liveConnections()) {
            Client client = clients.get(connection.id);
            if (client == null) {
                continue;
            }
            for (Instrument instrument : listed()) {
                String lower = instrument.symbol().toLowerCase(java.util.Locale.ROOT);
                if (client.streams.contains(lower + "@depth@100ms") || client.streams.contains(lower + "@depth")) {
                    client.dropNextDiff.add(instrument.symbol());
                    dropped++;
                    break;
                }
            }
        }
        return dropped;
    }

    @Override
    protected int injectStaleSnapshot() {
        ids.values().forEach(id -> id.serveStaleNext = true);
        return ids.size();
    }

    /**
     * {@code serverShutdown} on every socket. The venue closes them some minutes later; here they stay open, so only a
     * client that honours the notice reconnects.
     */
    @Override
    protected int requestReconnect() {
        List<SimConnection> live = liveConnections();
        for (SimConnection connection : live) {
            connection.send("{\"e\":\"serverShutdown\",\"E\":" + nowMs() + "}");
        }
        return live.size();
    }
}
