package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Bitstamp's WebSocket v2 and the REST endpoints the node uses, as the venue documents them: {@code bts:subscribe} /
 * {@code bts:unsubscribe} with one channel per frame (acked with {@code bts:subscription_succeeded}), frames of 512
 * bytes or more closing the socket and a 1,025th subscription closing it silently; {@code diff_order_book_{pair}}
 * frames (changed levels, absolute amounts at the pair's decimals, {@code "0.00000000"} deleting, string
 * {@code timestamp} and {@code microtimestamp}, no sequence); {@code live_trades_{pair}} ({@code type} 0 when the
 * taker bought); {@code bts:heartbeat} answered; {@code bts:error} for what it cannot take. REST:
 * {@code /api/v2/order_book/{pair}/} (full book with the {@code microtimestamp} of the last change it holds),
 * {@code /api/v2/trading-pairs-info/}, {@code /api/v2/ticker/}. Instruments are named {@code btcusdt}, ...
 *
 * <p>Faults: a dropped diff (its change stays in the true book and in later REST books; only a recheck can see it),
 * a REST book from before the first diff a socket got for that pair, a truncated frame, an unknown event,
 * {@code bts:request_reconnect} (sockets that stay are closed 3 s later, as the venue does), server-side closes.
 */
final class BitstampSimulator extends CryptoSimVenue {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHANNEL = Pattern.compile(
            "(diff_order_book|order_book|detail_order_book|live_trades|live_orders)_[a-z0-9-]+");
    private static final int MAX_FRAME_BYTES = 512;
    private static final int MAX_SUBSCRIPTIONS = 1024;
    private static final int HISTORY = 5_000;
    private static final long RECONNECT_GRACE_NANOS = 3_000_000_000L;

    /** One change of a true book, kept so that a REST book from before it can be served. */
    private record Past(long micros, CryptoBook.LevelChange change) {
    }

    /** Per socket: channel → microtimestamp of the first diff it got on it (0 while none). */
    private final Map<Long, Map<String, Long>> subscriptions = new HashMap<>();
    private final Map<String, ArrayDeque<Past>> history = new HashMap<>();
    private final Map<String, Long> lastChange = new HashMap<>();
    /** Pairs whose next REST book is served from before what a socket has buffered. */
    private final Set<String> staleNext = new HashSet<>();
    /** Sockets whose next diff is not sent. */
    private final Set<Long> dropNext = new HashSet<>();
    /** Sockets asked to reconnect, and when they are closed if still open. */
    private final Map<Long, Long> reconnectDeadlines = new LinkedHashMap<>();
    private long lastMicros;
    private long tradeId = 300_000_000L;
    private long changes;

    static Behavior<Command> create(SimulatorSettings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new BitstampSimulator(context, timers, settings)));
    }

    private BitstampSimulator(ActorContext<Command> context, TimerScheduler<Command> timers, SimulatorSettings settings) {
        super(context, timers, Venue.BITSTAMP, settings);
    }

    @Override
    protected String symbolOf(CryptoPair pair, String kind) {
        return (pair.base() + pair.quote()).toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- the socket

    @Override
    protected void onClientText(SimConnection connection, String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length >= MAX_FRAME_BYTES) {
            connection.close(); // the venue: close 1009 "read limited at 513 bytes"
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (Exception e) {
            connection.send(error("Incorrect JSON format."));
            return;
        }
        String event = message == null ? "" : message.path("event").asText("");
        String channel = message == null ? "" : message.path("data").path("channel").asText("");
        switch (event) {
            case "bts:heartbeat" -> connection.send("{\"event\":\"bts:heartbeat\",\"channel\":\"\",\"data\":{\"status\":\"success\"}}");
            case "bts:subscribe", "bts:unsubscribe" -> {
                if (channel.isEmpty()) {
                    connection.send(error("Bad subscription string."));
                } else if (!CHANNEL.matcher(channel).matches()) {
                    connection.send(error("Invalid channel provided."));
                } else if (event.equals("bts:subscribe")) {
                    Map<String, Long> channels = subscriptions.computeIfAbsent(connection.id, id -> new HashMap<>());
                    if (!channels.containsKey(channel) && channels.size() >= MAX_SUBSCRIPTIONS) {
                        connection.close(); // "silently closed"
                        return;
                    }
                    channels.putIfAbsent(channel, 0L); // an unknown pair is acked, then silent
                    connection.send(ack("bts:subscription_succeeded", channel));
                } else {
                    subscriptions.getOrDefault(connection.id, Map.of()).remove(channel);
                    connection.send(ack("bts:unsubscription_succeeded", channel));
                }
            }
            default -> connection.send(error("Bad subscription string."));
        }
    }

    @Override
    protected void onDisconnected(SimConnection connection) {
        subscriptions.remove(connection.id);
        dropNext.remove(connection.id);
        reconnectDeadlines.remove(connection.id);
    }

    @Override
    protected void onBookChange(Instrument instrument, CryptoBook.LevelChange change) {
        closeSocketsPastTheirReconnect();
        long micros = nextMicros();
        String symbol = instrument.symbol();
        ArrayDeque<Past> past = history.computeIfAbsent(symbol, s -> new ArrayDeque<>());
        past.addLast(new Past(micros, change));
        if (past.size() > HISTORY) {
            past.removeFirst();
        }
        lastChange.put(symbol, micros);
        CryptoPair pair = instrument.pair();
        String level = "[\"" + CryptoBook.fixed(change.price(), pair.priceDecimals()) + "\",\""
                + CryptoBook.fixed(change.newSize(), pair.sizeDecimals()) + "\"]";
        String channel = "diff_order_book_" + symbol;
        String frame = "{\"data\":{\"timestamp\":\"" + micros / 1_000_000 + "\",\"microtimestamp\":\"" + micros
                + "\",\"bids\":[" + (change.bid() ? level : "") + "],\"asks\":[" + (change.bid() ? "" : level)
                + "]},\"channel\":\"" + channel + "\",\"event\":\"data\"}";
        for (SimConnection connection : liveConnections()) {
            Map<String, Long> channels = subscriptions.get(connection.id);
            if (channels == null || !channels.containsKey(channel)) {
                continue;
            }
            if (channels.get(channel) == 0L) {
                channels.put(channel, micros);
            }
            if (dropNext.remove(connection.id)) {
                continue; // lost on the way: nothing on the wire says so
            }
            connection.send(frame);
        }
        if (++changes % 5 == 0) {
            trade(instrument, micros);
        }
    }

    /** A trade at the touch: {@code type} 0 when a buyer took the best ask, 1 when a seller hit the best bid. */
    private void trade(Instrument instrument, long micros) {
        String channel = "live_trades_" + instrument.symbol();
        boolean buy = random.nextBoolean();
        CryptoPair pair = instrument.pair();
        String price = CryptoBook.fixed(buy ? instrument.book().bestAsk() : instrument.book().bestBid(), pair.priceDecimals());
        String amount = CryptoBook.fixed(pair.lot().multiply(BigDecimal.valueOf(1 + random.nextInt(100))), pair.sizeDecimals());
        long id = ++tradeId;
        String frame = "{\"data\":{\"id\":" + id + ",\"id_str\":\"" + id + "\",\"timestamp\":\"" + micros / 1_000_000
                + "\",\"amount\":" + amount + ",\"amount_str\":\"" + amount + "\",\"price\":" + price + ",\"price_str\":\""
                + price + "\",\"type\":" + (buy ? 0 : 1) + ",\"microtimestamp\":\"" + micros + "\",\"buy_order_id\":"
                + (2 * id + (buy ? 1 : 0)) + ",\"sell_order_id\":" + (2 * id + (buy ? 0 : 1)) + "},\"channel\":\""
                + channel + "\",\"event\":\"trade\"}";
        for (SimConnection connection : liveConnections()) {
            if (subscriptions.getOrDefault(connection.id, Map.of()).containsKey(channel)) {
                connection.send(frame);
            }
        }
    }

    /** Strictly rising microseconds, near the wall clock. */
    private long nextMicros() {
        lastMicros = Math.max(System.currentTimeMillis() * 1000, lastMicros + 1);
        return lastMicros;
    }

    private static String ack(String event, String channel) {
        return "{\"event\":\"" + event + "\",\"channel\":\"" + channel + "\",\"data\":{}}";
    }

    private static String error(String message) {
        return "{\"event\":\"bts:error\",\"channel\":\"\",\"data\":{\"code\":null,\"message\":\"" + message + "\"}}";
    }

    // ---------------------------------------------------------------- REST

    @Override
    protected RestReply onRest(String path, Map<String, String> query) {
        String p = path.endsWith("/") ? path : path + "/";
        if (p.equals("/api/v2/trading-pairs-info/")) {
            return RestReply.ok(pairsInfo());
        }
        if (p.equals("/api/v2/ticker/")) {
            return RestReply.ok(tickers());
        }
        if (p.startsWith("/api/v2/order_book/")) {
            String symbol = p.substring("/api/v2/order_book/".length(), p.length() - 1);
            Instrument instrument = instruments.get(symbol);
            return instrument == null ? RestReply.notFound("no order book " + symbol) : RestReply.ok(orderBook(instrument));
        }
        return super.onRest(path, query);
    }

    /**
     * The whole true book with the microtimestamp of its last change; with the stale-snapshot fault, the book as it
     * was just before the first diff a socket got for the pair (the change history rolled back).
     */
    private String orderBook(Instrument instrument) {
        String symbol = instrument.symbol();
        NavigableMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
        NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        bids.putAll(instrument.book().bids());
        asks.putAll(instrument.book().asks());
        long micros = lastChange.getOrDefault(symbol, lastMicros);
        long firstBuffered = firstDiffSent("diff_order_book_" + symbol);
        ArrayDeque<Past> past = history.getOrDefault(symbol, new ArrayDeque<>());
        if (staleNext.contains(symbol) && firstBuffered > 0 && !past.isEmpty() && past.peekFirst().micros() < firstBuffered) {
            staleNext.remove(symbol);
            for (Iterator<Past> it = past.descendingIterator(); it.hasNext(); ) {
                Past change = it.next();
                if (change.micros() < firstBuffered) {
                    break;
                }
                CryptoBook.LevelChange c = change.change();
                NavigableMap<BigDecimal, BigDecimal> side = c.bid() ? bids : asks;
                if (c.oldSize().signum() == 0) {
                    side.remove(c.price());
                } else {
                    side.put(c.price(), c.oldSize());
                }
            }
            micros = firstBuffered - 1;
            getContext().getLog().info("simulated bitstamp: REST book of {} served stale, from before the first diff a socket got",
                    symbol);
        }
        CryptoPair pair = instrument.pair();
        return "{\"timestamp\":\"" + micros / 1_000_000 + "\",\"microtimestamp\":\"" + micros + "\",\"bids\":"
                + levels(bids, pair) + ",\"asks\":" + levels(asks, pair) + "}";
    }

    private long firstDiffSent(String channel) {
        long first = 0;
        for (Map<String, Long> channels : subscriptions.values()) {
            long at = channels.getOrDefault(channel, 0L);
            if (at > 0 && (first == 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    private static String levels(NavigableMap<BigDecimal, BigDecimal> side, CryptoPair pair) {
        StringBuilder out = new StringBuilder("[");
        side.forEach((price, size) -> out.append(out.length() == 1 ? "" : ",").append("[\"")
                .append(CryptoBook.fixed(price, pair.priceDecimals())).append("\",\"")
                .append(CryptoBook.fixed(size, pair.sizeDecimals())).append("\"]"));
        return out.append(']').toString();
    }

    private String pairsInfo() {
        List<String> pairs = new ArrayList<>();
        for (Instrument instrument : listed()) {
            CryptoPair pair = instrument.pair();
            String trading = isDelisted(instrument.symbol()) ? "Disabled" : "Enabled";
            pairs.add("{\"trading\":\"" + trading + "\",\"base_decimals\":" + pair.sizeDecimals() + ",\"url_symbol\":\""
                    + instrument.symbol() + "\",\"name\":\"" + pair.base() + "/" + pair.quote()
                    + "\",\"instant_and_market_orders\":\"Enabled\",\"minimum_order\":\"10.0 " + pair.quote()
                    + "\",\"counter_decimals\":" + pair.priceDecimals() + ",\"description\":\"" + pair.base() + " / "
                    + pair.quote() + "\"}");
        }
        // Listed but not tradable: discovery must leave it out.
        pairs.add("{\"trading\":\"Disabled\",\"base_decimals\":8,\"url_symbol\":\"oldusd\",\"name\":\"OLD/USD\","
                + "\"instant_and_market_orders\":\"Disabled\",\"minimum_order\":\"10.0 USD\",\"counter_decimals\":2,"
                + "\"description\":\"Old / U.S. dollar\"}");
        return "[" + String.join(",", pairs) + "]";
    }

    private String tickers() {
        List<String> tickers = new ArrayList<>();
        long seconds = System.currentTimeMillis() / 1000;
        int rank = 0;
        for (Instrument instrument : listed()) {
            CryptoPair pair = instrument.pair();
            String bid = CryptoBook.fixed(instrument.book().bestBid(), pair.priceDecimals());
            String ask = CryptoBook.fixed(instrument.book().bestAsk(), pair.priceDecimals());
            // Later instruments trade more, so volume ranking differs from listing order.
            String volume = CryptoBook.fixed(pair.lot().multiply(BigDecimal.valueOf(1_000_000L * ++rank)), pair.sizeDecimals());
            tickers.add("{\"timestamp\":\"" + seconds + "\",\"open\":\"" + bid + "\",\"high\":\"" + ask + "\",\"low\":\""
                    + bid + "\",\"last\":\"" + bid + "\",\"volume\":\"" + volume + "\",\"vwap\":\"" + bid + "\",\"bid\":\""
                    + bid + "\",\"ask\":\"" + ask + "\",\"side\":\"0\",\"open_24\":\"" + bid
                    + "\",\"percent_change_24\":\"0.00\",\"pair\":\"" + pair.base() + "/" + pair.quote() + "\"}");
        }
        return "[" + String.join(",", tickers) + "]";
    }

    // ---------------------------------------------------------------- faults

    @Override
    protected String malformedFrame() {
        // Cut off before its channel: nothing says whose diff it was.
        return "{\"data\":{\"timestamp\":\"" + lastMicros / 1_000_000 + "\",\"microtimestamp\":\"" + (lastMicros + 1)
                + "\",\"bids\":[[\"1.0\",\"0.5";
    }

    @Override
    protected String unknownEventFrame() {
        return "{\"event\":\"bts:maintenance_notice\",\"channel\":\"\",\"data\":{\"message\":\"simulated\"}}";
    }

    @Override
    protected int injectSequenceGap() {
        int sockets = 0;
        for (SimConnection connection : liveConnections()) {
            if (!subscriptions.getOrDefault(connection.id, Map.of()).isEmpty()) {
                dropNext.add(connection.id);
                sockets++;
            }
        }
        return sockets;
    }

    @Override
    protected int injectStaleSnapshot() {
        staleNext.addAll(instruments.keySet());
        return instruments.size();
    }

    @Override
    protected int requestReconnect() {
        long deadline = System.nanoTime() + RECONNECT_GRACE_NANOS;
        int sockets = 0;
        for (SimConnection connection : liveConnections()) {
            connection.send("{\"event\":\"bts:request_reconnect\",\"channel\":\"\",\"data\":null}");
            reconnectDeadlines.putIfAbsent(connection.id, deadline);
            sockets++;
        }
        return sockets;
    }

    private void closeSocketsPastTheirReconnect() {
        if (reconnectDeadlines.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        reconnectDeadlines.entrySet().removeIf(entry -> {
            if (now - entry.getValue() < 0) {
                return false;
            }
            SimConnection connection = connections.get(entry.getKey());
            if (connection != null) {
                connection.close();
            }
            return true;
        });
    }
}
