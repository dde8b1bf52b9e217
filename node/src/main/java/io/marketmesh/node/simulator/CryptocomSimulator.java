package io.marketmesh.node.simulator;

import static io.marketmesh.node.simulator.CryptocomSimFrames.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.CryptocomSimFrames.SimTrade;
import io.marketmesh.node.simulator.CryptocomSimClient.BookStream;
import io.marketmesh.node.simulator.CryptocomSimClient.Client;
import io.marketmesh.node.simulator.CryptocomSimFrames.TickerState;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Crypto.com Exchange API v1 market data as the venue documents it: the socket at {@code /exchange/v1/market} takes
 * {@code subscribe}/{@code unsubscribe} of {@code book.{instrument}.{10|50}} (with {@code SNAPSHOT_AND_UPDATE} and a
 * frequency of 10, 100 or 500 inside {@code params}), {@code trade.{instrument}} and {@code ticker.{instrument}},
 * acks each channel, refuses unknown symbols and depths (40003), a 401st channel (40107) and more than 100 requests
 * in one calendar second (42901). Books: a snapshot on subscribe, then {@code book.update} deltas of the subscribed
 * window (a level leaving it is sent as a {@code "0"} delete, one entering it as an add), chained by {@code u}/{@code pu}
 * per stream ({@code u} grows by 10^4..10^6, not by one); a quiet stream gets an empty delta with {@code u == pu}
 * every 5 s. Trades: the last 50 newest first on subscribe, {@code s} the taker's side. The server sends
 * {@code public/heartbeat} (2 s after a socket opens, then every 30 s) and closes a socket that does not answer
 * with {@code public/respond-heartbeat} of the same id within 5 s. REST: {@code public/get-instruments} (spot
 * {@code CCY_PAIR} pairs and one {@code PERPETUAL_SWAP}) and {@code public/get-tickers}, under {@code /} or
 * {@code /exchange/v1/} of the venue's prefix.
 *
 * <p>Faults: a dropped delta (its {@code u} spent, so the next delta's {@code pu} exposes it), a truncated frame, a
 * channel never subscribed ({@code index}), a server-side close, and the venue's restart close (code 1013 "server
 * restarting" on the venue; the simulator's close carries no code). Not simulated: the {@code SNAPSHOT} book mode
 * (refused with 40003), batching deltas over the update frequency (each change goes out at once), the pro-rating of
 * the request limit within the second a socket opens.
 */
final class CryptocomSimulator extends CryptoSimVenue {

    static final String WS_PATH = "exchange/v1/market";
    static final String PERPETUAL = "PERPETUAL_SWAP";

    private static final long FIRST_HEARTBEAT_MS = 2_000;
    private static final long HEARTBEAT_EVERY_MS = 30_000;
    private static final long HEARTBEAT_ANSWER_MS = 5_000;
    private static final long IDLE_DELTA_MS = 5_000;
    private static final int MAX_CHANNELS = 400;
    private static final int MAX_REQUESTS_PER_SECOND = 100;
    private static final int HISTORY = 50;


    private final Map<Long, Client> clients = new HashMap<>();
    private final Map<String, Long> updateIds = new HashMap<>();
    private final Map<String, Deque<SimTrade>> history = new HashMap<>();
    private final Map<String, TickerState> tickers = new HashMap<>();
    private final Map<String, Integer> servedDepths = new HashMap<>();
    private long nextTradeId = 4_611_686_018_427_387_904L;

    static Behavior<Command> create(SimulatorSettings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new CryptocomSimulator(context, timers, settings)));
    }

    private CryptocomSimulator(ActorContext<Command> context, TimerScheduler<Command> timers, SimulatorSettings settings) {
        super(context, timers, Venue.CRYPTOCOM, settings);
        // The perpetual rides on the same socket, as on the venue; discovery must leave it out.
        CryptoPair btcUsd = new CryptoPair("BTC", "USD", new BigDecimal("0.1"), new BigDecimal("0.0001"),
                new BigDecimal("65010.0"), 50_000);
        list(symbolOf(btcUsd, PERPETUAL), btcUsd, PERPETUAL);
        for (Instrument instrument : instruments.values()) {
            updateIds.put(instrument.symbol(), 300_000_000_000_000L + random.nextInt(1_000_000_000));
            BigDecimal mid = instrument.pair().mid();
            BigDecimal volume = instrument.pair().lot().multiply(BigDecimal.valueOf(1 + random.nextInt(1_000_000)));
            tickers.put(instrument.symbol(), new TickerState(mid, mid, null, mid, volume,
                    instrument.kind().equals(PERPETUAL) ? new BigDecimal("1234.5") : null));
        }
    }

    @Override
    protected String symbolOf(CryptoPair pair, String kind) {
        return kind.equals(PERPETUAL) ? pair.base() + pair.quote() + "-PERP" : pair.base() + "_" + pair.quote();
    }

    @Override
    protected int servedDepth(Instrument instrument) {
        return servedDepths.getOrDefault(instrument.symbol(), 50);
    }

    // ---------------------------------------------------------------- client requests

    @Override
    protected void onClientText(SimConnection connection, String text) {
        long now = nowMs();
        Client client = clients.computeIfAbsent(connection.id, id -> new Client(now, FIRST_HEARTBEAT_MS));
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (Exception e) {
            connection.send(CryptocomSimFrames.unreadable(text));
            return;
        }
        if (!request.isObject() || !request.path("id").canConvertToLong() || !request.path("method").isTextual()) {
            connection.send(CryptocomSimFrames.unreadable(text));
            return;
        }
        long id = request.get("id").asLong();
        String method = request.get("method").asText();
        if (now / 1000 != client.second) {
            client.second = now / 1000;
            client.requestsThisSecond = 0;
        }
        if (++client.requestsThisSecond > MAX_REQUESTS_PER_SECOND) {
            connection.send(CryptocomSimFrames.refusal(id, method, 42901, null, "TOO_MANY_REQUESTS"));
            return;
        }
        switch (method) {
            case "public/respond-heartbeat" -> {
                if (id == client.heartbeatId) {
                    client.heartbeatId = 0;
                }
            }
            case "subscribe", "unsubscribe" -> {
                if (connection.ignoresResubscribe() && client.subscribedOnce) {
                    return;
                }
                client.subscribedOnce = true;
                List<String> channels = new ArrayList<>();
                request.path("params").path("channels").forEach(c -> channels.add(c.asText()));
                if (method.equals("subscribe")) {
                    subscribe(connection, client, id, channels, request.path("params"), now);
                } else {
                    channels.forEach(channel -> unsubscribe(client, channel));
                    connection.send("{\"id\":" + id + ",\"method\":\"unsubscribe\",\"code\":0}");
                }
            }
            default -> connection.send(CryptocomSimFrames.refusal(id, method, 40003, null, "No such method"));
        }
    }

    private void subscribe(SimConnection connection, Client client, long id, List<String> channels, JsonNode params, long now) {
        for (String channel : channels) {
            String refused = refusal(channel, params);
            if (refused != null) {
                connection.send(CryptocomSimFrames.refusal(id, "subscribe", 40003, channel, refused));
                continue;
            }
            if (client.channels() >= MAX_CHANNELS) {
                connection.send(CryptocomSimFrames.refusal(id, "subscribe", 40107, null, "Maximum subscriptions exceeded"));
                return;
            }
            String[] parts = channel.split("\\.");
            Instrument instrument = instruments.get(parts[1]);
            String symbol = instrument.symbol();
            switch (parts[0]) {
                case "book" -> {
                    connection.send(CryptocomSimFrames.ack(id, channel));
                    BookStream stream = new BookStream(Integer.parseInt(parts[2]));
                    client.books.put(symbol, stream);
                    servedDepths.put(symbol, stream.depth);
                    window(instrument.book().bids(), stream.depth, stream.bids);
                    window(instrument.book().asks(), stream.depth, stream.asks);
                    stream.lastU = updateIds.get(symbol);
                    stream.lastSentAt = now;
                    connection.send(CryptocomSimFrames.snapshot(symbol, stream.depth, instrument.pair(), stream.bids,
                            stream.asks, stream.lastU, now));
                }
                case "trade" -> {
                    connection.send(CryptocomSimFrames.ack(id, channel));
                    client.trades.add(symbol);
                    Deque<SimTrade> past = history.get(symbol);
                    if (past != null && !past.isEmpty()) {
                        connection.send(CryptocomSimFrames.trades(symbol, List.copyOf(past), instrument.pair()));
                    }
                }
                default -> {
                    // ticker: no bare ack; the first ticker carries the request id instead
                    client.tickers.put(symbol, id);
                    connection.send(CryptocomSimFrames.ticker(id, symbol, instrument.pair(), instrument.book(),
                            tickers.get(symbol), now));
                }
            }
        }
    }

    /** Why the venue would refuse this channel, or null. */
    private String refusal(String channel, JsonNode params) {
        String[] parts = channel.split("\\.");
        boolean book = parts[0].equals("book");
        if (!(book && parts.length == 3) && !((parts[0].equals("trade") || parts[0].equals("ticker")) && parts.length == 2)) {
            return book && parts.length == 2 ? "Invalid depth" : "Unrecognized channel";
        }
        if (!instruments.containsKey(parts[1])) {
            return "Unknown symbol";
        }
        if (book) {
            if (!parts[2].equals("10") && !parts[2].equals("50")) {
                return "Invalid depth";
            }
            if (!params.path("book_subscription_type").asText("").equals("SNAPSHOT_AND_UPDATE")) {
                return "Invalid book_subscription_type";
            }
            String frequency = params.path("book_update_frequency").asText("");
            if (!frequency.equals("10") && !frequency.equals("100") && !frequency.equals("500")) {
                return "Unsupported depth/interval combination";
            }
        }
        return null;
    }

    private static void unsubscribe(Client client, String channel) {
        String[] parts = channel.split("\\.");
        if (parts.length < 2) {
            return;
        }
        switch (parts[0]) {
            case "book" -> client.books.remove(parts[1]);
            case "trade" -> client.trades.remove(parts[1]);
            case "ticker" -> client.tickers.remove(parts[1]);
            default -> {
            }
        }
    }

    @Override
    protected void onDisconnected(SimConnection connection) {
        clients.remove(connection.id);
    }

    // ---------------------------------------------------------------- the moving books

    @Override
    protected void onBookChange(Instrument instrument, CryptoBook.LevelChange change) {
        String symbol = instrument.symbol();
        long u = updateIds.merge(symbol, 10_000L + random.nextInt(990_000), Long::sum);
        long now = nowMs();
        CryptoBook book = instrument.book();
        SimTrade trade = random.nextInt(4) == 0 ? trade(instrument, now) : null;
        boolean topChanged = trade != null || (change.bid() ? change.price().compareTo(book.bestBid()) >= 0
                : change.price().compareTo(book.bestAsk()) <= 0);
        for (SimConnection connection : liveConnections()) {
            Client client = clients.get(connection.id);
            if (client == null) {
                continue;
            }
            BookStream stream = client.books.get(symbol);
            if (stream != null) {
                sendDelta(connection, instrument, stream, change.bid(), u, now);
            }
            if (trade != null && client.trades.contains(symbol)) {
                connection.send(CryptocomSimFrames.trades(symbol, List.of(trade), instrument.pair()));
            }
            if (topChanged && client.tickers.containsKey(symbol)) {
                connection.send(CryptocomSimFrames.ticker(-1, symbol, instrument.pair(), book, tickers.get(symbol), now));
            }
        }
    }

    /** The stream's window of the changed side, diffed against what it last sent; nothing when the window is as it was. */
    private void sendDelta(SimConnection connection, Instrument instrument, BookStream stream, boolean bid, long u, long now) {
        NavigableMap<BigDecimal, BigDecimal> sent = bid ? stream.bids : stream.asks;
        NavigableMap<BigDecimal, BigDecimal> next = new TreeMap<>(sent.comparator());
        window(bid ? instrument.book().bids() : instrument.book().asks(), stream.depth, next);
        Map<BigDecimal, BigDecimal> changes = new TreeMap<>(sent.comparator());
        for (BigDecimal price : sent.keySet()) {
            if (!next.containsKey(price)) {
                changes.put(price, BigDecimal.ZERO);
            }
        }
        next.forEach((price, size) -> {
            if (!size.equals(sent.get(price))) {
                changes.put(price, size);
            }
        });
        if (changes.isEmpty()) {
            return;
        }
        sent.clear();
        sent.putAll(next);
        long pu = stream.lastU;
        stream.lastU = u;
        if (stream.dropNext) {
            stream.dropNext = false; // spent, never sent: the next delta's pu names a u the client never saw
            return;
        }
        stream.lastSentAt = now;
        connection.send(CryptocomSimFrames.delta(instrument.symbol(), stream.depth, instrument.pair(),
                bid ? Map.of() : changes, bid ? changes : Map.of(), pu, u,
                CryptocomSimFrames.checksum(stream.bids, stream.asks), now));
    }

    /** Now and then a taker takes the touch: a trade for the tape and the ticker (the book walks on its own). */
    private SimTrade trade(Instrument instrument, long now) {
        boolean takerBuys = random.nextBoolean();
        CryptoBook book = instrument.book();
        BigDecimal price = takerBuys ? book.bestAsk() : book.bestBid();
        BigDecimal quantity = instrument.pair().lot().multiply(BigDecimal.valueOf(1 + random.nextInt(100)));
        long id = nextTradeId++;
        SimTrade trade = new SimTrade(Long.toString(id), Long.toString(id * 3 + 1), now, price, quantity, takerBuys);
        Deque<SimTrade> past = history.computeIfAbsent(instrument.symbol(), s -> new ArrayDeque<>());
        past.addFirst(trade);
        while (past.size() > HISTORY) {
            past.removeLast();
        }
        TickerState t = tickers.get(instrument.symbol());
        tickers.put(instrument.symbol(), new TickerState(t.high().max(price), t.low().min(price), price, t.open(),
                t.volume().add(quantity), t.openInterest()));
        return trade;
    }

    private static void window(NavigableMap<BigDecimal, BigDecimal> side, int depth, NavigableMap<BigDecimal, BigDecimal> into) {
        into.clear();
        for (Map.Entry<BigDecimal, BigDecimal> level : side.entrySet()) {
            if (into.size() == depth) {
                break;
            }
            into.put(level.getKey(), level.getValue());
        }
    }

    // ---------------------------------------------------------------- heartbeats and idle deltas

    @Override
    protected void onClockTick(long now) {
        for (SimConnection connection : liveConnections()) {
            Client client = clients.computeIfAbsent(connection.id, id -> new Client(now, FIRST_HEARTBEAT_MS));
            if (client.heartbeatId != 0 && now - client.heartbeatSentAt > HEARTBEAT_ANSWER_MS) {
                getContext().getLog().info("simulated Crypto.com closes socket {}: heartbeat {} unanswered",
                        connection.id, client.heartbeatId);
                connection.close();
                continue;
            }
            if (now >= client.nextHeartbeatAt) {
                client.heartbeatId = now;
                client.heartbeatSentAt = now;
                client.nextHeartbeatAt = now + HEARTBEAT_EVERY_MS;
                connection.send(CryptocomSimFrames.heartbeat(now));
            }
            for (Map.Entry<String, BookStream> entry : client.books.entrySet()) {
                BookStream stream = entry.getValue();
                if (now - stream.lastSentAt >= IDLE_DELTA_MS) {
                    stream.lastSentAt = now;
                    Instrument instrument = instruments.get(entry.getKey());
                    connection.send(CryptocomSimFrames.delta(entry.getKey(), stream.depth, instrument.pair(), Map.of(),
                            Map.of(), stream.lastU, stream.lastU, CryptocomSimFrames.checksum(stream.bids, stream.asks),
                            now));
                }
            }
        }
    }

    // ---------------------------------------------------------------- REST

    @Override
    protected RestReply onRest(String path, Map<String, String> query) {
        String method = path.startsWith("/exchange/v1/") ? path.substring("/exchange/v1".length()) : path;
        return switch (method) {
            case "/public/get-instruments" -> RestReply.ok(CryptocomSimFrames.rest("public/get-instruments", CryptocomSimFrames.instruments(listed(), this::isDelisted)));
            case "/public/get-tickers" -> RestReply.ok(CryptocomSimFrames.rest("public/get-tickers", CryptocomSimFrames.tickers(listed(), tickers, query.get("instrument_name"), nowMs())));
            default -> RestReply.notFound("no such method on the simulated Crypto.com: " + path);
        };
    }

    // ---------------------------------------------------------------- faults

    @Override
    protected int injectSequenceGap() {
        int dropped = 0;
        for (SimConnection connection : liveConnections()) {
            Client client = clients.get(connection.id);
            if (client != null && !client.books.isEmpty()) {
                List<BookStream> streams = List.copyOf(client.books.values());
                streams.get(random.nextInt(streams.size())).dropNext = true;
                dropped++;
            }
        }
        return dropped;
    }

    @Override
    protected String malformedFrame() {
        return "{\"id\":-1,\"method\":\"subscribe\",\"code\":0,\"result\":{\"instrum";
    }

    @Override
    protected String unknownEventFrame() {
        return "{\"id\":-1,\"method\":\"subscribe\",\"code\":0,\"result\":{\"instrument_name\":\"BTCUSD-INDEX\","
                + "\"subscription\":\"index.BTCUSD-INDEX\",\"channel\":\"index\",\"data\":[{\"v\":\"65000.17\",\"t\":"
                + nowMs() + "}]}}";
    }

    /** The venue's restart (close code 1013, "server restarting -- try again later"): every socket closed. */
    @Override
    protected int requestReconnect() {
        List<SimConnection> live = liveConnections();
        live.forEach(SimConnection::close);
        return live.size();
    }
}
