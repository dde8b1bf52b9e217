package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Kraken spot WebSocket v2 ({@code /kraken/v2}) and the two REST endpoints discovery reads ({@code /kraken/0/public/
 * AssetPairs}, {@code /kraken/0/public/Ticker}), as the venue's docs and captures show them. A socket gets the
 * {@code status} message first; {@code subscribe}/{@code unsubscribe} are answered once per symbol with the
 * {@code req_id}; {@code book} at depth 10/25/100/500/1000 (any other is refused) sends a snapshot of that many
 * levels a side and then updates of the levels inside the window only: a level pushed out by an insert gets no
 * removal, a level pulled in by a removal is sent. Every snapshot and update carries the CRC32 of the top 10 asks
 * then bids, each price and qty at the pair's precision with the point and leading zeros removed; numbers are bare
 * JSON numbers printed at that precision. {@code trade} (taker side), {@code ticker}, {@code instrument} (precisions),
 * {@code ping}/{@code pong}. Symbols are v2 ({@code BTC/USD}); AssetPairs names them the v1 way ({@code XBT/USD},
 * {@code XDG/USD}) as the live API does.
 *
 * <p>Faults: a dropped update (the next update of one book on each socket that touches its top 10 is never sent,
 * so the next checksum fails), a malformed (truncated) book frame, an undocumented channel, a server-side close, and
 * the venue's maintenance notice (status {@code maintenance}, then {@code online} again a moment later).
 */
final class KrakenSimulator extends CryptoSimVenue {

    static final List<Integer> DEPTHS = List.of(10, 25, 100, 500, 1000);
    private static final long MAINTENANCE_MILLIS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one socket follows. */
    private static final class Socket {
        final Map<String, Integer> books = new LinkedHashMap<>();
        final Set<String> trades = new HashSet<>();
        final Set<String> tickers = new HashSet<>();
        boolean greeted;
        /** The book whose next top-10 update is dropped (the gap fault), or null. */
        String dropNext;
    }

    private final Map<Long, Socket> sockets = new HashMap<>();
    private final Map<String, BigDecimal> lastTrade = new HashMap<>();
    private final Map<String, BigDecimal> volume = new HashMap<>();
    private String system = "online";
    private long onlineAgainAt;
    private long tradeIds = 1_000_000;

    static Behavior<Command> create(SimulatorSettings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new KrakenSimulator(context, timers, settings)));
    }

    private KrakenSimulator(ActorContext<Command> context, TimerScheduler<Command> timers, SimulatorSettings settings) {
        super(context, timers, Venue.KRAKEN, settings);
    }

    @Override
    protected String symbolOf(CryptoPair pair, String kind) {
        return pair.base() + "/" + pair.quote();
    }

    // ---------------------------------------------------------------- requests

    @Override
    protected void onClientText(SimConnection connection, String text) {
        Socket socket = greet(connection);
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (Exception e) {
            connection.send("{\"error\":\"Malformed request\",\"success\":false" + KrakenSimFrames.times() + "}");
            return;
        }
        String method = request.path("method").asText("");
        String reqId = request.has("req_id") ? ",\"req_id\":" + request.get("req_id").asLong() : "";
        JsonNode params = request.path("params");
        String channel = params.path("channel").asText("");
        switch (method) {
            case "ping" -> connection.send("{\"method\":\"pong\"" + reqId + KrakenSimFrames.times() + "}");
            case "subscribe" -> subscribe(connection, socket, channel, params, reqId);
            case "unsubscribe" -> unsubscribe(connection, socket, channel, params, reqId);
            default -> connection.send("{\"error\":\"Method not found\",\"method\":\"" + method + "\",\"success\":false"
                    + reqId + KrakenSimFrames.times() + "}");
        }
    }

    private void subscribe(SimConnection connection, Socket socket, String channel, JsonNode params, String reqId) {
        if (channel.equals("instrument")) {
            connection.send(KrakenSimFrames.ack("subscribe", "{\"channel\":\"instrument\",\"snapshot\":true}", reqId));
            connection.send(KrakenSimFrames.instrumentSnapshot(listed()));
            return;
        }
        int depth = params.path("depth").asInt(10);
        for (JsonNode node : params.path("symbol")) {
            String symbol = node.asText();
            Instrument instrument = instruments.get(symbol);
            String refusal = instrument == null ? "Currency pair not supported " + symbol
                    : !Set.of("book", "trade", "ticker").contains(channel) ? "Channel not supported"
                    : channel.equals("book") && !DEPTHS.contains(depth) ? "Subscription depth not supported"
                    : following(socket, channel).contains(symbol) ? "Already subscribed" : null;
            if (refusal != null) {
                connection.send("{\"error\":\"" + refusal + "\",\"method\":\"subscribe\"" + reqId
                        + ",\"success\":false,\"symbol\":\"" + symbol + "\"" + KrakenSimFrames.times() + "}");
                continue;
            }
            switch (channel) {
                case "book" -> {
                    socket.books.put(symbol, depth);
                    connection.send(KrakenSimFrames.ack("subscribe", "{\"channel\":\"book\",\"depth\":" + depth
                            + ",\"snapshot\":true,\"symbol\":\"" + symbol + "\"}", reqId));
                    connection.send(KrakenSimFrames.bookSnapshot(instrument, depth));
                }
                case "trade" -> {
                    socket.trades.add(symbol);
                    connection.send(KrakenSimFrames.ack("subscribe", "{\"channel\":\"trade\",\"snapshot\":false,\"symbol\":\""
                            + symbol + "\"}", reqId));
                }
                default -> {
                    socket.tickers.add(symbol);
                    connection.send(KrakenSimFrames.ack("subscribe", "{\"channel\":\"ticker\",\"event_trigger\":\"trades\","
                            + "\"snapshot\":true,\"symbol\":\"" + symbol + "\"}", reqId));
                    connection.send(ticker(instrument, "snapshot"));
                }
            }
        }
    }

    private void unsubscribe(SimConnection connection, Socket socket, String channel, JsonNode params, String reqId) {
        for (JsonNode node : params.path("symbol")) {
            String symbol = node.asText();
            Set<String> followed = following(socket, channel);
            if (!followed.contains(symbol)) {
                connection.send("{\"error\":\"Subscription Not Found\",\"method\":\"unsubscribe\"" + reqId
                        + ",\"success\":false,\"symbol\":\"" + symbol + "\"" + KrakenSimFrames.times() + "}");
                continue;
            }
            switch (channel) {
                case "book" -> socket.books.remove(symbol);
                case "trade" -> socket.trades.remove(symbol);
                default -> socket.tickers.remove(symbol);
            }
            connection.send(KrakenSimFrames.ack("unsubscribe", "{\"channel\":\"" + channel + "\",\"symbol\":\"" + symbol + "\"}", reqId));
        }
    }

    private static Set<String> following(Socket socket, String channel) {
        return switch (channel) {
            case "book" -> socket.books.keySet();
            case "trade" -> socket.trades;
            case "ticker" -> socket.tickers;
            default -> Set.of();
        };
    }

    @Override
    protected void onDisconnected(SimConnection connection) {
        sockets.remove(connection.id);
    }

    // ---------------------------------------------------------------- the feed

    @Override
    protected void onBookChange(Instrument instrument, CryptoBook.LevelChange change) {
        long checksum = -1;
        for (SimConnection connection : liveConnections()) {
            Socket socket = greet(connection);
            Integer depth = socket.books.get(instrument.symbol());
            if (depth == null) {
                continue;
            }
            List<String[]> visible = KrakenSimFrames.visibleChanges(instrument, change, depth);
            if (visible.isEmpty()) {
                continue; // beyond the subscribed depth: the venue says nothing
            }
            if (instrument.symbol().equals(socket.dropNext)
                    && !KrakenSimFrames.visibleChanges(instrument, change, KrakenSimFrames.CHECKSUM_LEVELS).isEmpty()) {
                socket.dropNext = null; // lost on the way: the next checksum of this book will not match
                continue;
            }
            if (checksum < 0) {
                checksum = KrakenSimFrames.checksum(instrument);
            }
            connection.send(KrakenSimFrames.bookUpdate(instrument.symbol(), visible, checksum));
        }
        trade(instrument, change);
    }

    /** A level at the touch that shrank or went was taken by a taker: a trade on the trade and ticker channels. */
    private void trade(Instrument instrument, CryptoBook.LevelChange change) {
        BigDecimal taken = change.oldSize().subtract(change.newSize());
        CryptoBook book = instrument.book();
        boolean atTouch = change.bid() ? change.price().compareTo(book.bestBid()) >= 0
                : change.price().compareTo(book.bestAsk()) <= 0;
        if (taken.signum() <= 0 || !atTouch) {
            return;
        }
        lastTrade.put(instrument.symbol(), change.price());
        volume.merge(instrument.symbol(), taken, BigDecimal::add);
        // A bid taken means the taker sold; an ask taken, the taker bought.
        String frame = KrakenSimFrames.trade(instrument, !change.bid(), change.price(), taken, tradeIds++);
        String ticker = null;
        for (SimConnection connection : liveConnections()) {
            Socket socket = greet(connection);
            if (socket.trades.contains(instrument.symbol())) {
                connection.send(frame);
            }
            if (socket.tickers.contains(instrument.symbol())) {
                ticker = ticker == null ? ticker(instrument, "update") : ticker;
                connection.send(ticker);
            }
        }
    }

    // ---------------------------------------------------------------- messages

    /** The venue greets every socket with its system status: on the first clock tick or message of the socket. */
    private Socket greet(SimConnection connection) {
        Socket socket = sockets.computeIfAbsent(connection.id, id -> new Socket());
        if (!socket.greeted) {
            socket.greeted = true;
            connection.send(status());
        }
        return socket;
    }

    private String status() {
        return KrakenSimFrames.status(system, random.nextLong() | Long.MIN_VALUE);
    }

    private String ticker(Instrument instrument, String type) {
        return KrakenSimFrames.ticker(instrument, type, lastTrade.getOrDefault(instrument.symbol(), instrument.pair().mid()),
                volume.getOrDefault(instrument.symbol(), BigDecimal.ZERO));
    }

    /** On the venue's clock (paused or not): new sockets get the status first, and maintenance ends on time. */
    @Override
    protected void onClockTick(long nowMs) {
        liveConnections().forEach(this::greet);
        if (onlineAgainAt != 0 && nowMs >= onlineAgainAt) {
            onlineAgainAt = 0;
            system = "online";
            liveConnections().forEach(c -> c.send(status()));
        }
    }

    // ---------------------------------------------------------------- faults and REST

    @Override
    protected int injectSequenceGap() {
        int dropped = 0;
        for (SimConnection connection : liveConnections()) {
            Socket socket = sockets.get(connection.id);
            if (socket != null && !socket.books.isEmpty()) {
                socket.dropNext = socket.books.keySet().iterator().next();
                dropped++;
            }
        }
        return dropped;
    }

    /** Maintenance: every socket is told {@code maintenance}, and {@code online} again a moment later. */
    @Override
    protected int requestReconnect() {
        system = "maintenance";
        onlineAgainAt = System.currentTimeMillis() + MAINTENANCE_MILLIS;
        List<SimConnection> live = liveConnections();
        live.forEach(c -> c.send(status()));
        return live.size();
    }

    @Override
    protected String malformedFrame() {
        String symbol = listed().isEmpty() ? "BTC/USD" : listed().get(0).symbol();
        return "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + symbol + "\",\"bids\":[{\"price\":";
    }

    @Override
    protected String unknownEventFrame() {
        return "{\"channel\":\"fluxcapacitor\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\"}]}";
    }

    /** The windowed book a subscriber holds: the deepest depth any socket follows the book at (10 if none). */
    @Override
    protected int servedDepth(Instrument instrument) {
        int depth = 0;
        for (Socket socket : sockets.values()) {
            depth = Math.max(depth, socket.books.getOrDefault(instrument.symbol(), 0));
        }
        return depth == 0 ? 10 : depth;
    }

    @Override
    protected RestReply onRest(String path, Map<String, String> query) {
        return switch (path) {
            // A delisted pair is gone from AssetPairs, as Kraken removes pairs it no longer trades.
            case "/0/public/AssetPairs" -> RestReply.ok(KrakenSimRest.assetPairs(
                    listed().stream().filter(i -> !isDelisted(i.symbol())).toList()));
            case "/0/public/Ticker" -> RestReply.ok(KrakenSimRest.tickers(listed(), lastTrade, volume));
            default -> new RestReply(404, "{\"error\":[\"EGeneral:Unknown method\"]}");
        };
    }

}
