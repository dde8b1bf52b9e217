package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;
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
    private static final int CHECKSUM_LEVELS = 10;
    private static final long MAINTENANCE_MILLIS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

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
        maybeBackOnline();
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (Exception e) {
            connection.send("{\"error\":\"Malformed request\",\"success\":false" + times() + "}");
            return;
        }
        String method = request.path("method").asText("");
        String reqId = request.has("req_id") ? ",\"req_id\":" + request.get("req_id").asLong() : "";
        JsonNode params = request.path("params");
        String channel = params.path("channel").asText("");
        switch (method) {
            case "ping" -> connection.send("{\"method\":\"pong\"" + reqId + times() + "}");
            case "subscribe" -> subscribe(connection, socket, channel, params, reqId);
            case "unsubscribe" -> unsubscribe(connection, socket, channel, params, reqId);
            default -> connection.send("{\"error\":\"Method not found\",\"method\":\"" + method + "\",\"success\":false"
                    + reqId + times() + "}");
        }
    }

    private void subscribe(SimConnection connection, Socket socket, String channel, JsonNode params, String reqId) {
        if (channel.equals("instrument")) {
            connection.send(ack("subscribe", "{\"channel\":\"instrument\",\"snapshot\":true}", reqId));
            connection.send(instrumentSnapshot());
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
                        + ",\"success\":false,\"symbol\":\"" + symbol + "\"" + times() + "}");
                continue;
            }
            switch (channel) {
                case "book" -> {
                    socket.books.put(symbol, depth);
                    connection.send(ack("subscribe", "{\"channel\":\"book\",\"depth\":" + depth
                            + ",\"snapshot\":true,\"symbol\":\"" + symbol + "\"}", reqId));
                    connection.send(bookSnapshot(instrument, depth));
                }
                case "trade" -> {
                    socket.trades.add(symbol);
                    connection.send(ack("subscribe", "{\"channel\":\"trade\",\"snapshot\":false,\"symbol\":\""
                            + symbol + "\"}", reqId));
                }
                default -> {
                    socket.tickers.add(symbol);
                    connection.send(ack("subscribe", "{\"channel\":\"ticker\",\"event_trigger\":\"trades\","
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
                        + ",\"success\":false,\"symbol\":\"" + symbol + "\"" + times() + "}");
                continue;
            }
            switch (channel) {
                case "book" -> socket.books.remove(symbol);
                case "trade" -> socket.trades.remove(symbol);
                default -> socket.tickers.remove(symbol);
            }
            connection.send(ack("unsubscribe", "{\"channel\":\"" + channel + "\",\"symbol\":\"" + symbol + "\"}", reqId));
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
        maybeBackOnline();
        String checksum = null;
        for (SimConnection connection : liveConnections()) {
            Socket socket = greet(connection);
            Integer depth = socket.books.get(instrument.symbol());
            if (depth == null) {
                continue;
            }
            List<String[]> visible = visibleChanges(instrument, change, depth);
            if (visible.isEmpty()) {
                continue; // beyond the subscribed depth: the venue says nothing
            }
            if (instrument.symbol().equals(socket.dropNext)
                    && !visibleChanges(instrument, change, CHECKSUM_LEVELS).isEmpty()) {
                socket.dropNext = null; // lost on the way: the next checksum of this book will not match
                continue;
            }
            if (checksum == null) {
                checksum = Long.toString(checksum(instrument));
            }
            StringBuilder bids = new StringBuilder();
            StringBuilder asks = new StringBuilder();
            for (String[] level : visible) {
                StringBuilder side = level[0].equals("b") ? bids : asks;
                side.append(side.length() == 0 ? "" : ",").append("{\"price\":").append(level[1]).append(",\"qty\":")
                        .append(level[2]).append('}');
            }
            connection.send("{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + instrument.symbol()
                    + "\",\"bids\":[" + bids + "],\"asks\":[" + asks + "],\"checksum\":" + checksum
                    + ",\"timestamp\":\"" + now() + "\"}]}");
        }
        trade(instrument, change);
    }

    /**
     * The levels of the window ({@code depth} a side) that the change altered, as {side, price, qty}: levels whose
     * size changed or that entered the window, and the changed level with qty 0 if it was removed. A level pushed out
     * of the window by an insert is not among them: the venue does not say.
     */
    private static List<String[]> visibleChanges(Instrument instrument, CryptoBook.LevelChange change, int depth) {
        NavigableMap<BigDecimal, BigDecimal> side = change.bid() ? instrument.book().bids() : instrument.book().asks();
        Map<BigDecimal, BigDecimal> after = top(side, depth);
        TreeMap<BigDecimal, BigDecimal> before = new TreeMap<>(side.comparator());
        before.putAll(top(side, depth + 1));
        if (change.oldSize().signum() == 0) {
            before.remove(change.price());
        } else {
            before.put(change.price(), change.oldSize());
        }
        Map<BigDecimal, BigDecimal> beforeWindow = top(before, depth);
        CryptoPair pair = instrument.pair();
        String s = change.bid() ? "b" : "a";
        List<String[]> changes = new ArrayList<>();
        after.forEach((price, size) -> {
            BigDecimal was = beforeWindow.get(price);
            if (was == null || was.compareTo(size) != 0) {
                changes.add(new String[] {s, CryptoBook.fixed(price, pair.priceDecimals()),
                        CryptoBook.fixed(size, pair.sizeDecimals())});
            }
        });
        if (change.newSize().signum() == 0 && beforeWindow.containsKey(change.price())) {
            changes.add(new String[] {s, CryptoBook.fixed(change.price(), pair.priceDecimals()),
                    CryptoBook.fixed(BigDecimal.ZERO, pair.sizeDecimals())});
        }
        return changes;
    }

    private static Map<BigDecimal, BigDecimal> top(NavigableMap<BigDecimal, BigDecimal> side, int depth) {
        Map<BigDecimal, BigDecimal> top = new LinkedHashMap<>();
        for (Iterator<Map.Entry<BigDecimal, BigDecimal>> it = side.entrySet().iterator(); it.hasNext() && top.size() < depth; ) {
            Map.Entry<BigDecimal, BigDecimal> level = it.next();
            top.put(level.getKey(), level.getValue());
        }
        return top;
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
        CryptoPair pair = instrument.pair();
        lastTrade.put(instrument.symbol(), change.price());
        volume.merge(instrument.symbol(), taken, BigDecimal::add);
        // A bid taken means the taker sold; an ask taken, the taker bought.
        String frame = "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + instrument.symbol()
                + "\",\"side\":\"" + (change.bid() ? "sell" : "buy") + "\",\"price\":"
                + CryptoBook.fixed(change.price(), pair.priceDecimals()) + ",\"qty\":"
                + CryptoBook.fixed(taken, pair.sizeDecimals()) + ",\"ord_type\":\"market\",\"trade_id\":" + tradeIds++
                + ",\"timestamp\":\"" + now() + "\"}]}";
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

    private String bookSnapshot(Instrument instrument, int depth) {
        CryptoPair pair = instrument.pair();
        return "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"" + instrument.symbol()
                + "\",\"bids\":[" + levels(top(instrument.book().bids(), depth), pair) + "],\"asks\":["
                + levels(top(instrument.book().asks(), depth), pair) + "],\"checksum\":" + checksum(instrument)
                + ",\"timestamp\":\"" + now() + "\"}]}";
    }

    private static String levels(Map<BigDecimal, BigDecimal> levels, CryptoPair pair) {
        StringBuilder out = new StringBuilder();
        levels.forEach((price, size) -> out.append(out.length() == 0 ? "" : ",").append("{\"price\":")
                .append(CryptoBook.fixed(price, pair.priceDecimals())).append(",\"qty\":")
                .append(CryptoBook.fixed(size, pair.sizeDecimals())).append('}'));
        return out.toString();
    }

    /** Kraken's book checksum: CRC32 of the top 10 asks (lowest first) then bids, digits only, no leading zeros. */
    static long checksum(Instrument instrument) {
        CryptoPair pair = instrument.pair();
        StringBuilder text = new StringBuilder();
        for (NavigableMap<BigDecimal, BigDecimal> side : List.of(instrument.book().asks(), instrument.book().bids())) {
            top(side, CHECKSUM_LEVELS).forEach((price, size) -> text
                    .append(digits(CryptoBook.fixed(price, pair.priceDecimals())))
                    .append(digits(CryptoBook.fixed(size, pair.sizeDecimals()))));
        }
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    private static String digits(String number) {
        String digits = number.replace(".", "");
        int first = 0;
        while (first < digits.length() - 1 && digits.charAt(first) == '0') {
            first++;
        }
        return digits.substring(first);
    }

    private String ticker(Instrument instrument, String type) {
        CryptoPair pair = instrument.pair();
        CryptoBook book = instrument.book();
        BigDecimal last = lastTrade.getOrDefault(instrument.symbol(), pair.mid());
        String lastText = CryptoBook.fixed(last, pair.priceDecimals());
        return "{\"channel\":\"ticker\",\"type\":\"" + type + "\",\"data\":[{\"symbol\":\"" + instrument.symbol()
                + "\",\"bid\":" + CryptoBook.fixed(book.bestBid(), pair.priceDecimals())
                + ",\"bid_qty\":" + CryptoBook.fixed(book.bids().firstEntry().getValue(), pair.sizeDecimals())
                + ",\"ask\":" + CryptoBook.fixed(book.bestAsk(), pair.priceDecimals())
                + ",\"ask_qty\":" + CryptoBook.fixed(book.asks().firstEntry().getValue(), pair.sizeDecimals())
                + ",\"last\":" + lastText + ",\"volume\":"
                + CryptoBook.fixed(volume.getOrDefault(instrument.symbol(), BigDecimal.ZERO), pair.sizeDecimals())
                + ",\"vwap\":" + lastText + ",\"low\":" + lastText + ",\"high\":" + lastText
                + ",\"change\":0.0,\"change_pct\":0.00,\"timestamp\":\"" + now() + "\"}]}";
    }

    private String instrumentSnapshot() {
        StringBuilder pairs = new StringBuilder();
        Set<String> assets = new java.util.LinkedHashSet<>();
        for (Instrument instrument : listed()) {
            CryptoPair pair = instrument.pair();
            assets.add(pair.base());
            assets.add(pair.quote());
            pairs.append(pairs.length() == 0 ? "" : ",").append("{\"symbol\":\"").append(instrument.symbol())
                    .append("\",\"base\":\"").append(pair.base()).append("\",\"quote\":\"").append(pair.quote())
                    .append("\",\"status\":\"online\",\"qty_precision\":").append(pair.sizeDecimals())
                    .append(",\"qty_increment\":").append(pair.lot().toPlainString())
                    .append(",\"price_precision\":").append(pair.priceDecimals())
                    .append(",\"cost_precision\":5,\"marginable\":false,\"has_index\":true,\"cost_min\":0.5")
                    .append(",\"tick_size\":").append(pair.tick().toPlainString())
                    .append(",\"price_increment\":").append(pair.tick().toPlainString())
                    .append(",\"qty_min\":").append(pair.lot().toPlainString()).append('}');
        }
        StringBuilder assetList = new StringBuilder();
        for (String asset : assets) {
            assetList.append(assetList.length() == 0 ? "" : ",").append("{\"id\":\"").append(asset)
                    .append("\",\"status\":\"enabled\",\"precision\":10,\"precision_display\":5,\"borrowable\":false,"
                            + "\"collateral_value\":0.0,\"margin_rate\":0.0}");
        }
        return "{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"assets\":[" + assetList + "],\"pairs\":["
                + pairs + "]}}";
    }

    private static String ack(String method, String result, String reqId) {
        return "{\"method\":\"" + method + "\",\"result\":" + result + ",\"success\":true" + times() + reqId + "}";
    }

    private static String times() {
        String now = now();
        return ",\"time_in\":\"" + now + "\",\"time_out\":\"" + now + "\"";
    }

    private static String now() {
        return TIME.format(Instant.now());
    }

    /** The venue greets every socket with its system status; here on the socket's first message or book change. */
    private Socket greet(SimConnection connection) {
        Socket socket = sockets.computeIfAbsent(connection.id, id -> new Socket());
        if (!socket.greeted) {
            socket.greeted = true;
            connection.send(status());
        }
        return socket;
    }

    private String status() {
        return "{\"channel\":\"status\",\"data\":[{\"api_version\":\"v2\",\"connection_id\":"
                + Long.toUnsignedString(random.nextLong() | Long.MIN_VALUE) + ",\"system\":\"" + system
                + "\",\"version\":\"2.0.8\"}],\"type\":\"update\"}";
    }

    private void maybeBackOnline() {
        if (onlineAgainAt != 0 && System.currentTimeMillis() >= onlineAgainAt) {
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
            case "/0/public/AssetPairs" -> RestReply.ok(assetPairs());
            case "/0/public/Ticker" -> RestReply.ok(tickers());
            default -> new RestReply(404, "{\"error\":[\"EGeneral:Unknown method\"]}");
        };
    }

    private String assetPairs() {
        StringBuilder out = new StringBuilder("{\"error\":[],\"result\":{");
        for (Instrument instrument : listed()) {
            CryptoPair pair = instrument.pair();
            String wsname = v1(pair.base()) + "/" + v1(pair.quote());
            out.append(out.charAt(out.length() - 1) == '{' ? "" : ",").append('"').append(restName(pair))
                    .append("\":{\"altname\":\"").append(v1(pair.base())).append(v1(pair.quote()))
                    .append("\",\"wsname\":\"").append(wsname).append("\",\"aclass_base\":\"currency\",\"base\":\"")
                    .append(legacy(pair.base())).append("\",\"aclass_quote\":\"currency\",\"quote\":\"")
                    .append(legacy(pair.quote())).append("\",\"lot\":\"unit\",\"cost_decimals\":5,\"pair_decimals\":")
                    .append(pair.priceDecimals()).append(",\"lot_decimals\":").append(pair.sizeDecimals())
                    .append(",\"lot_multiplier\":1,\"ordermin\":\"").append(pair.lot().toPlainString())
                    .append("\",\"costmin\":\"0.5\",\"tick_size\":\"").append(pair.tick().toPlainString())
                    .append("\",\"status\":\"online\"}");
        }
        return out.append("}}").toString();
    }

    /** Every pair's 24-hour volume: the base volume traded here so far plus a per-pair baseline, so ranks differ. */
    private String tickers() {
        StringBuilder out = new StringBuilder("{\"error\":[],\"result\":{");
        int rank = listed().size();
        for (Instrument instrument : listed()) {
            CryptoPair pair = instrument.pair();
            BigDecimal base = pair.lot().multiply(BigDecimal.valueOf(pair.maxLots())).multiply(BigDecimal.valueOf(rank--))
                    .add(volume.getOrDefault(instrument.symbol(), BigDecimal.ZERO));
            String last = CryptoBook.fixed(lastTrade.getOrDefault(instrument.symbol(), pair.mid()), pair.priceDecimals());
            String vol = CryptoBook.fixed(base, pair.sizeDecimals());
            out.append(out.charAt(out.length() - 1) == '{' ? "" : ",").append('"').append(restName(pair))
                    .append("\":{\"a\":[\"").append(CryptoBook.fixed(instrument.book().bestAsk(), pair.priceDecimals()))
                    .append("\",\"1\",\"1.000\"],\"b\":[\"")
                    .append(CryptoBook.fixed(instrument.book().bestBid(), pair.priceDecimals()))
                    .append("\",\"1\",\"1.000\"],\"c\":[\"").append(last).append("\",\"")
                    .append(CryptoBook.fixed(pair.lot(), pair.sizeDecimals())).append("\"],\"v\":[\"").append(vol)
                    .append("\",\"").append(vol).append("\"],\"p\":[\"").append(last).append("\",\"").append(last)
                    .append("\"],\"t\":[1,1],\"l\":[\"").append(last).append("\",\"").append(last).append("\"],\"h\":[\"")
                    .append(last).append("\",\"").append(last).append("\"],\"o\":\"").append(last).append("\"}");
        }
        return out.append("}}").toString();
    }

    /** The v1 (and REST) name of an asset: Kraken calls bitcoin XBT and dogecoin XDG there. */
    private static String v1(String asset) {
        return switch (asset) {
            case "BTC" -> "XBT";
            case "DOGE" -> "XDG";
            default -> asset;
        };
    }

    /** Kraken's legacy asset codes in AssetPairs' base/quote: XXBT, XETH, XXDG, ZUSD, ZEUR; others as they are. */
    private static String legacy(String asset) {
        return switch (asset) {
            case "BTC", "ETH", "DOGE", "XRP" -> "X" + v1(asset);
            case "USD", "EUR" -> "Z" + asset;
            default -> asset;
        };
    }

    private static String restName(CryptoPair pair) {
        String base = legacy(pair.base());
        String quote = legacy(pair.quote());
        boolean legacyPair = base.length() == 4 && base.startsWith("X") && quote.length() == 4;
        return legacyPair ? base + quote : v1(pair.base()) + v1(pair.quote());
    }
}
