package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Bybit v5 public market data as the venue speaks it: two sockets, {@code /bybit/v5/public/spot} and
 * {@code /bybit/v5/public/linear}, each with its own instruments (both call BTC {@code BTCUSDT}; the linear perpetuals
 * are keyed {@code linear:BTCUSDT} here, as the node keys them). {@code {"op":"subscribe","args":[...]}} (spot: at most
 * 10 args a request; any socket: at most 21,000 characters of args) is acknowledged
 * ({@code "success":true}; spot's {@code ret_msg} is {@code "subscribe"}, linear's empty) or refused
 * ({@code "success":false}); {@code {"op":"ping"}} is answered with a pong.
 *
 * <p>{@code orderbook.{depth}.{symbol}} (depth 1, 50, 200 or 1000) starts with a snapshot of the top {@code depth}
 * levels and goes on with deltas of absolute sizes ({@code "0"} deletes) whose {@code u} rises by exactly 1 per
 * message of that subscription, and which keep the window whole: a level pushed out of the top {@code depth} is
 * deleted, one that moves into it is sent (the captured live books stay exactly 200 levels a side). Depth 1 sends
 * only snapshots. Linear writes prices and sizes at fixed decimals, spot in their shortest form. {@code publicTrade}
 * ({@code S} = the taker's side) and {@code tickers} (linear: a snapshot, then deltas of the changed fields; spot:
 * snapshots) follow some changes.
 *
 * <p>Faults: a sequence gap (one book subscription per socket has its next delta's {@code u} spent but the message
 * never sent), a malformed (truncated) frame, an unknown topic, server-side closes, stalls, and, as the reconnect
 * request, a service restart: every book subscription gets a fresh snapshot with {@code u = 1}, which replaces the
 * book (Bybit's documented restart behaviour; Bybit sends no reconnect request on public streams). Bybit's books come
 * whole over the socket, so there is no REST snapshot to serve stale.
 */
final class BybitSimulator extends CryptoSimVenue {

    static final String SPOT_PATH = "v5/public/spot";
    static final String LINEAR_PATH = "v5/public/linear";
    static final String LINEAR_PREFIX = "linear:";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SPOT_ARGS = 10;
    private static final int MAX_ARGS_CHARS = 21_000;
    private static final List<Integer> DEPTHS = List.of(1, 50, 200, 1000);

    /** One orderbook subscription: the window the client holds, as last sent. */
    private static final class BookSub {
        final Instrument instrument;
        final String topic;
        final int depth;
        final NavigableMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
        final NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        long u;
        boolean dropNext;

        BookSub(Instrument instrument, String topic, int depth) {
            this.instrument = instrument;
            this.topic = topic;
            this.depth = depth;
        }
    }

    /** What one socket has subscribed: topics in order, and the book windows. */
    private static final class Socket {
        final boolean linear;
        final String connId;
        final Map<String, Instrument> topics = new LinkedHashMap<>();
        final Map<String, BookSub> books = new LinkedHashMap<>();
        int argsChars;

        Socket(boolean linear, String connId) {
            this.linear = linear;
            this.connId = connId;
        }
    }

    private final Map<Long, Socket> sockets = new HashMap<>();
    private final List<BybitSimRest.Listing> listings;
    private final Map<String, Integer> servedDepth = new HashMap<>();
    private long crossSeq = 112_488_545_865L;
    private long tradeIds = 2_290_000_001_189_048_101L;

    static Behavior<Command> create(SimulatorSettings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new BybitSimulator(context, timers, settings)));
    }

    private BybitSimulator(ActorContext<Command> context, TimerScheduler<Command> timers, SimulatorSettings settings) {
        super(context, timers, Venue.BYBIT, settings);
        for (Instrument spot : listed()) {
            if (spot.pair().quote().equals("USDT") || spot.pair().quote().equals("USDC")) {
                list(symbolOf(spot.pair(), "linear"), spot.pair(), "linear");
            }
        }
        listings = BybitSimRest.listings(listed());
    }

    /** Bybit's names: spot {@code BTCUSDT}; linear USDT perpetuals {@code BTCUSDT}, USDC ones {@code SOLPERP}. */
    @Override
    protected String symbolOf(CryptoPair pair, String kind) {
        if (kind.equals("linear")) {
            return LINEAR_PREFIX + pair.base() + (pair.quote().equals("USDC") ? "PERP" : pair.quote());
        }
        return pair.base() + pair.quote();
    }

    /** The symbol on the wire: the market symbol without the node's {@code linear:}. */
    static String venueSymbol(String marketSymbol) {
        return marketSymbol.startsWith(LINEAR_PREFIX) ? marketSymbol.substring(LINEAR_PREFIX.length()) : marketSymbol;
    }

    @Override
    protected int servedDepth(Instrument instrument) {
        return servedDepth.getOrDefault(instrument.symbol(), Integer.MAX_VALUE);
    }

    @Override
    protected RestReply onRest(String path, Map<String, String> query) {
        return BybitSimRest.answer(path, query, listings, this::isDelisted);
    }

    // ---------------------------------------------------------------- client frames

    private Socket socket(SimConnection connection) {
        return sockets.computeIfAbsent(connection.id, id -> new Socket(connection.path().equals(LINEAR_PATH),
                "sim" + Long.toHexString(id * 0x9E3779B97F4A7C15L) + "-" + id));
    }

    @Override
    protected void onClientText(SimConnection connection, String text) {
        Socket socket = socket(connection);
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (Exception e) {
            connection.send(answer(socket, false, "error:request not json", null, "unknown"));
            return;
        }
        String op = request.path("op").asText("");
        String reqId = request.hasNonNull("req_id") ? request.path("req_id").asText() : null;
        switch (op) {
            case "ping" -> connection.send(answer(socket, true, "pong", reqId, "ping"));
            case "subscribe" -> {
                if (!connection.ignoresResubscribe()) {
                    subscribe(connection, socket, request.path("args"), reqId);
                }
            }
            case "unsubscribe" -> {
                if (!connection.ignoresResubscribe()) {
                    for (JsonNode arg : request.path("args")) {
                        unsubscribe(socket, arg.asText(""));
                    }
                    connection.send(answer(socket, true, "", reqId, "unsubscribe"));
                }
            }
            default -> connection.send(answer(socket, false, "error:unknown op " + op, reqId, op));
        }
    }

    private void subscribe(SimConnection connection, Socket socket, JsonNode args, String reqId) {
        List<String> topics = new ArrayList<>();
        args.forEach(a -> topics.add(a.asText("")));
        if (!socket.linear && topics.size() > MAX_SPOT_ARGS) {
            connection.send(answer(socket, false, "args size " + topics.size() + " exceeds the limit of "
                    + MAX_SPOT_ARGS, reqId, "subscribe"));
            return;
        }
        int chars = socket.argsChars;
        for (String topic : topics) {
            String refused = refusal(socket, topic);
            if (refused != null) {
                connection.send(answer(socket, false, refused, reqId, "subscribe"));
                return;
            }
            chars += topic.length() + 3;
        }
        if (chars > MAX_ARGS_CHARS) {
            connection.send(answer(socket, false, "args length exceeds 21000 characters", reqId, "subscribe"));
            return;
        }
        socket.argsChars = chars;
        connection.send(answer(socket, true, socket.linear ? "" : "subscribe", reqId, "subscribe"));
        for (String topic : topics) {
            String[] parts = topic.split("\\.");
            Instrument instrument = instrument(socket, parts[parts.length - 1]);
            socket.topics.put(topic, instrument);
            if (parts[0].equals("orderbook")) {
                BookSub book = new BookSub(instrument, topic, Integer.parseInt(parts[1]));
                book.u = 1_000_000L + random.nextInt(50_000_000);
                socket.books.put(topic, book);
                servedDepth.put(instrument.symbol(), book.depth);
                connection.send(snapshot(socket, book));
            } else if (parts[0].equals("tickers")) {
                connection.send(BybitSimFrames.ticker(socket.linear, instrument, true, ++crossSeq));
            }
        }
    }

    /** Why the venue would refuse a topic on this socket, or null. */
    private String refusal(Socket socket, String topic) {
        String[] parts = topic.split("\\.");
        boolean known = (parts.length == 3 && parts[0].equals("orderbook") && parts[1].matches("\\d{1,4}")
                && DEPTHS.contains(Integer.parseInt(parts[1])))
                || (parts.length == 2 && (parts[0].equals("publicTrade") || parts[0].equals("tickers")));
        if (!known || instrument(socket, parts[parts.length - 1]) == null) {
            return socket.linear ? "error:handler not found,topic:" + topic : "Invalid symbol :[" + topic + "]";
        }
        if (socket.topics.containsKey(topic)) {
            return "error:already subscribed,topic:" + topic;
        }
        return null;
    }

    private Instrument instrument(Socket socket, String venueSymbol) {
        return instruments.get((socket.linear ? LINEAR_PREFIX : "") + venueSymbol);
    }

    private void unsubscribe(Socket socket, String topic) {
        if (socket.topics.remove(topic) != null) {
            socket.argsChars -= topic.length() + 3;
            socket.books.remove(topic);
        }
    }

    private static String answer(Socket socket, boolean success, String retMsg, String reqId, String op) {
        ObjectNode answer = JSON.createObjectNode().put("success", success).put("ret_msg", retMsg)
                .put("conn_id", socket.connId);
        if (reqId != null) {
            answer.put("req_id", reqId);
        }
        return answer.put("op", op).toString();
    }

    @Override
    protected void onDisconnected(SimConnection connection) {
        sockets.remove(connection.id);
    }

    // ---------------------------------------------------------------- book changes

    @Override
    protected void onBookChange(Instrument instrument, CryptoBook.LevelChange change) {
        boolean trade = random.nextInt(8) == 0;
        boolean ticker = random.nextInt(4) == 0;
        for (SimConnection connection : liveConnections()) {
            Socket socket = sockets.get(connection.id);
            if (socket == null) {
                continue;
            }
            for (BookSub book : socket.books.values()) {
                if (book.instrument == instrument) {
                    String frame = windowChange(socket, book);
                    if (frame != null) {
                        connection.send(frame);
                    }
                }
            }
            String symbol = venueSymbol(instrument.symbol());
            if (trade && socket.topics.containsKey("publicTrade." + symbol)) {
                connection.send(BybitSimFrames.trade(socket.linear, instrument, random.nextBoolean(),
                        1 + random.nextInt(20), ++crossSeq, tradeIds++));
            }
            if (ticker && socket.topics.containsKey("tickers." + symbol)) {
                connection.send(BybitSimFrames.ticker(socket.linear, instrument, !socket.linear, ++crossSeq));
            }
        }
    }

    /**
     * What the client's window must change to match the true book's top {@code depth}; the frame that says so (null
     * when nothing in its window changed, or when a gap fault swallows it after spending its {@code u}).
     */
    private String windowChange(Socket socket, BookSub book) {
        List<Map.Entry<BigDecimal, BigDecimal>> bids = diff(book.bids, book.instrument.book().bids(), book.depth);
        List<Map.Entry<BigDecimal, BigDecimal>> asks = diff(book.asks, book.instrument.book().asks(), book.depth);
        if (bids.isEmpty() && asks.isEmpty()) {
            return null;
        }
        book.u++;
        crossSeq += 1 + random.nextInt(5);
        if (book.dropNext) {
            book.dropNext = false;
            return null;
        }
        if (book.depth == 1) {
            return snapshotFrame(socket, book); // level 1 is pushed as snapshots only
        }
        return BybitSimFrames.book(socket.linear, book.topic, "delta", book.instrument, bids, asks, book.u, crossSeq);
    }

    /** Brings {@code sent} to the top {@code depth} of {@code truth}; returns the changed levels, best first. */
    private static List<Map.Entry<BigDecimal, BigDecimal>> diff(NavigableMap<BigDecimal, BigDecimal> sent,
                                                               NavigableMap<BigDecimal, BigDecimal> truth, int depth) {
        NavigableMap<BigDecimal, BigDecimal> window = new TreeMap<>(sent.comparator());
        for (Map.Entry<BigDecimal, BigDecimal> level : truth.entrySet()) {
            if (window.size() == depth) {
                break;
            }
            window.put(level.getKey(), level.getValue());
        }
        NavigableMap<BigDecimal, BigDecimal> changed = new TreeMap<>(sent.comparator());
        for (Map.Entry<BigDecimal, BigDecimal> level : sent.entrySet()) {
            if (!window.containsKey(level.getKey())) {
                changed.put(level.getKey(), BigDecimal.ZERO);
            }
        }
        for (Map.Entry<BigDecimal, BigDecimal> level : window.entrySet()) {
            BigDecimal was = sent.get(level.getKey());
            if (was == null || was.compareTo(level.getValue()) != 0) {
                changed.put(level.getKey(), level.getValue());
            }
        }
        sent.clear();
        sent.putAll(window);
        return new ArrayList<>(changed.entrySet());
    }

    private String snapshot(Socket socket, BookSub book) {
        book.bids.clear();
        book.asks.clear();
        diff(book.bids, book.instrument.book().bids(), book.depth);
        diff(book.asks, book.instrument.book().asks(), book.depth);
        return snapshotFrame(socket, book);
    }

    private String snapshotFrame(Socket socket, BookSub book) {
        return BybitSimFrames.book(socket.linear, book.topic, "snapshot", book.instrument,
                new ArrayList<>(book.bids.entrySet()), new ArrayList<>(book.asks.entrySet()), book.u, crossSeq);
    }

    // ---------------------------------------------------------------- faults

    @Override
    protected int injectSequenceGap() {
        int dropped = 0;
        for (SimConnection connection : liveConnections()) {
            Socket socket = sockets.get(connection.id);
            if (socket != null && !socket.books.isEmpty()) {
                socket.books.values().iterator().next().dropNext = true;
                dropped++;
            }
        }
        return dropped;
    }

    /** A service restart: every book subscription is sent a fresh snapshot with {@code u = 1}. */
    @Override
    protected int requestReconnect() {
        int restarted = 0;
        for (SimConnection connection : liveConnections()) {
            Socket socket = sockets.get(connection.id);
            if (socket == null) {
                continue;
            }
            for (BookSub book : socket.books.values()) {
                book.u = 1;
                connection.send(snapshot(socket, book));
                restarted++;
            }
        }
        return restarted;
    }

    @Override
    protected String malformedFrame() {
        return "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"delta\",\"ts\":" + nowMs()
                + ",\"data\":{\"s\":\"BTCUSDT\",\"b\":[[\"65000.0";
    }

    @Override
    protected String unknownEventFrame() {
        return "{\"topic\":\"simulated.undocumented.BTCUSDT\",\"type\":\"snapshot\",\"ts\":" + nowMs()
                + ",\"data\":{\"s\":\"BTCUSDT\"}}";
    }
}
