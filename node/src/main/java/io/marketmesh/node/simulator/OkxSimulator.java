package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.zip.CRC32;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * OKX v5 public as the venue documents it, on {@code /okx/ws/v5/public}: {@code {"op":"subscribe"|"unsubscribe",
 * "args":[{"channel","instId"}]}} answered per argument by an {@code event} frame (or {@code error} 60018 for an
 * unknown instrument); {@code books} as a {@code snapshot} (up to 400 levels a side, {@code prevSeqId} -1) then one
 * {@code update} per change, each with the instrument's {@code seqId}/{@code prevSeqId} (one sequence per instrument,
 * the same on every socket, stepping by more than one) and the CRC32 checksum over the top 25 levels interleaved;
 * {@code trades} (taker side) and {@code tickers}; text {@code ping} answered {@code pong}. Levels are {@code [px, sz,
 * "0", orders]}, numbers in their shortest form.
 *
 * <p>Instruments: {@code BASE-QUOTE} spot pairs, and a linear perpetual {@code BASE-QUOTE-SWAP} of each pair quoted in
 * USDT or USDC (OKX's USD swaps are inverse and not simulated). REST: {@code GET /okx/api/v5/public/instruments} and
 * {@code /okx/api/v5/market/tickers}, {@code ?instType=SPOT|SWAP}.
 *
 * <p>Now and then, as the venue may: an empty keep-alive update ({@code seqId == prevSeqId}), and a maintenance reset
 * of an instrument's sequence ({@code seqId} lower than {@code prevSeqId}, the chain unbroken). Faults: a dropped update
 * (its {@code seqId} spent), a truncated books frame, an undocumented event, a hidden change of a best level (only the
 * next checksum shows it), the service-upgrade {@code notice} 64008 (the socket closed a moment later).
 */
final class OkxSimulator extends CryptoSimVenue {

    static final String WS_PATH = "ws/v5/public";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CHANNELS = Set.of("books", "trades", "tickers");
    private static final int DEPTH = 400;
    /** How long after its upgrade notice a socket is closed (the venue gives 30 s). */
    private static final long NOTICE_LEAD_MS = 2_000;

    /** One socket's subscriptions. */
    private static final class Subscriber {
        final String connId;
        final Set<String> books = new LinkedHashSet<>();
        final Set<String> trades = new LinkedHashSet<>();
        final Set<String> tickers = new LinkedHashSet<>();
        /** The next books update of this instrument is not sent on this socket: a sequence gap. */
        String dropNext;
        /** When the socket is closed after an upgrade notice (epoch ms), or 0. */
        long closeAt;

        Subscriber(String connId) {
            this.connId = connId;
        }

        Set<String> of(String channel) {
            return switch (channel) {
                case "books" -> books;
                case "trades" -> trades;
                default -> tickers;
            };
        }
    }

    private final Map<Long, Subscriber> subscribers = new HashMap<>();
    /** Each instrument's last {@code seqId}. */
    private final Map<String, Long> seqIds = new HashMap<>();
    private long tradeIds = 100_000;

    static Behavior<Command> create(SimulatorSettings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new OkxSimulator(context, timers, settings)));
    }

    private OkxSimulator(ActorContext<Command> context, TimerScheduler<Command> timers, SimulatorSettings settings) {
        super(context, timers, Venue.OKX, settings);
        for (Instrument spot : listed()) {
            if (spot.pair().quote().equals("USDT") || spot.pair().quote().equals("USDC")) {
                list(symbolOf(spot.pair(), "SWAP"), spot.pair(), "SWAP");
            }
        }
        for (Instrument instrument : listed()) {
            seqIds.put(instrument.symbol(), 1_000_000L + random.nextInt(1_000_000));
        }
    }

    @Override
    protected String symbolOf(CryptoPair pair, String kind) {
        return pair.base() + "-" + pair.quote() + ("SWAP".equals(kind) ? "-SWAP" : "");
    }

    @Override
    protected int servedDepth(Instrument instrument) {
        return DEPTH;
    }

    // ---------------------------------------------------------------- client frames

    @Override
    protected void onClientText(SimConnection connection, String text) {
        Subscriber subscriber = subscribers.computeIfAbsent(connection.id,
                id -> new Subscriber(String.format("%08x", id * 2654435761L & 0xffffffffL)));
        if ("ping".equals(text)) {
            connection.send("pong");
            return;
        }
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (Exception e) {
            request = null;
        }
        String op = request == null ? "" : request.path("op").asText("");
        if (!op.equals("subscribe") && !op.equals("unsubscribe") || !request.path("args").isArray()) {
            connection.send(error(subscriber, "60012", "Invalid request: " + text));
            return;
        }
        if (connection.ignoresResubscribe()) {
            return;
        }
        for (JsonNode arg : request.path("args")) {
            String channel = arg.path("channel").asText("");
            String instId = arg.path("instId").asText("");
            if (!CHANNELS.contains(channel) || !instruments.containsKey(instId)) {
                connection.send(error(subscriber, "60018", "Wrong URL or channel:" + channel + ",instId:" + instId
                        + " doesn't exist. Please use the correct URL, channel and parameters referring to API document."));
                continue;
            }
            connection.send("{\"event\":\"" + op + "\",\"arg\":{\"channel\":\"" + channel + "\",\"instId\":\"" + instId
                    + "\"},\"connId\":\"" + subscriber.connId + "\"}");
            if (op.equals("unsubscribe")) {
                subscriber.of(channel).remove(instId);
                continue;
            }
            subscriber.of(channel).add(instId);
            if (channel.equals("books")) {
                connection.send(snapshotFrame(instruments.get(instId)));
            }
        }
    }

    @Override
    protected void onDisconnected(SimConnection connection) {
        subscribers.remove(connection.id);
    }

    // ---------------------------------------------------------------- the feed

    @Override
    protected void onBookChange(Instrument instrument, CryptoBook.LevelChange change) {
        String instId = instrument.symbol();
        long prev = seqIds.get(instId);
        // After maintenance the venue may restart an instrument's sequence lower; the chain itself holds.
        boolean reset = prev > 1000 && random.nextInt(400) == 0;
        long seqId = reset ? 1 + random.nextInt(100) : prev + 1 + random.nextInt(5);
        seqIds.put(instId, seqId);
        String update = null; // written once, for the first socket that follows the instrument's book
        for (SimConnection connection : liveConnections()) {
            Subscriber s = subscribers.get(connection.id);
            if (s == null || !s.books.contains(instId)) {
                continue;
            }
            if (instId.equals(s.dropNext)) {
                s.dropNext = null; // never sent: its seqId is spent
                continue;
            }
            if (update == null) {
                String level = "[\"" + CryptoBook.plain(change.price()) + "\",\"" + CryptoBook.plain(change.newSize())
                        + "\",\"0\",\"" + (change.newSize().signum() == 0 ? 0 : 1 + random.nextInt(9)) + "\"]";
                update = booksFrame(instrument, "update", change.bid() ? level : "", change.bid() ? "" : level, seqId,
                        prev);
            }
            connection.send(update);
        }
        if (random.nextInt(40) == 0 && followed("books", instId)) {
            // What the venue sends on a book that stayed quiet: nothing changed, seqId == prevSeqId.
            sendTo("books", instId, booksFrame(instrument, "update", "", "", seqId, seqId));
        }
        if (random.nextInt(4) == 0 && followed("trades", instId)) {
            sendTo("trades", instId, tradeFrame(instrument));
        }
        if (random.nextInt(5) == 0 && followed("tickers", instId)) {
            sendTo("tickers", instId, tickerFrame(instrument));
        }
        closeNoticedSockets();
    }

    private boolean followed(String channel, String instId) {
        for (Subscriber s : subscribers.values()) {
            if (s.of(channel).contains(instId)) {
                return true;
            }
        }
        return false;
    }

    private void sendTo(String channel, String instId, String frame) {
        for (SimConnection connection : liveConnections()) {
            Subscriber s = subscribers.get(connection.id);
            if (s != null && s.of(channel).contains(instId)) {
                connection.send(frame);
            }
        }
    }

    private String snapshotFrame(Instrument instrument) {
        CryptoBook book = instrument.book();
        return booksFrame(instrument, "snapshot", levels(book.bids()), levels(book.asks()), seqIds.get(instrument.symbol()),
                -1);
    }

    private String booksFrame(Instrument instrument, String action, String bids, String asks, long seqId, long prevSeqId) {
        return "{\"arg\":{\"channel\":\"books\",\"instId\":\"" + instrument.symbol() + "\"},\"action\":\"" + action
                + "\",\"data\":[{\"asks\":[" + asks + "],\"bids\":[" + bids + "],\"ts\":\"" + nowMs() + "\",\"checksum\":"
                + checksum(instrument.book()) + ",\"prevSeqId\":" + prevSeqId + ",\"seqId\":" + seqId + "}]}";
    }

    private String levels(NavigableMap<BigDecimal, BigDecimal> side) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Map.Entry<BigDecimal, BigDecimal> level : side.entrySet()) {
            if (n++ == DEPTH) {
                break;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append("[\"").append(CryptoBook.plain(level.getKey())).append("\",\"").append(CryptoBook.plain(level.getValue()))
                    .append("\",\"0\",\"").append(1 + random.nextInt(9)).append("\"]");
        }
        return sb.toString();
    }

    /** OKX's checksum: {@code bid1px:bid1sz:ask1px:ask1sz:...} over 25 levels a side, CRC32 as a signed 32-bit int. */
    static int checksum(CryptoBook book) {
        StringBuilder text = new StringBuilder();
        Iterator<Map.Entry<BigDecimal, BigDecimal>> bids = book.bids().entrySet().iterator();
        Iterator<Map.Entry<BigDecimal, BigDecimal>> asks = book.asks().entrySet().iterator();
        for (int i = 0; i < 25; i++) {
            for (Iterator<Map.Entry<BigDecimal, BigDecimal>> side : List.of(bids, asks)) {
                if (side.hasNext()) {
                    Map.Entry<BigDecimal, BigDecimal> level = side.next();
                    if (!text.isEmpty()) {
                        text.append(':');
                    }
                    text.append(CryptoBook.plain(level.getKey())).append(':').append(CryptoBook.plain(level.getValue()));
                }
            }
        }
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        return (int) crc.getValue();
    }

    private String tradeFrame(Instrument instrument) {
        boolean buy = random.nextBoolean(); // the taker's side: a buyer lifts the ask
        BigDecimal price = buy ? instrument.book().bestAsk() : instrument.book().bestBid();
        BigDecimal size = instrument.pair().lot().multiply(BigDecimal.valueOf(1 + random.nextInt(50)));
        return "{\"arg\":{\"channel\":\"trades\",\"instId\":\"" + instrument.symbol() + "\"},\"data\":[{\"instId\":\""
                + instrument.symbol() + "\",\"tradeId\":\"" + (++tradeIds) + "\",\"px\":\"" + CryptoBook.plain(price)
                + "\",\"sz\":\"" + CryptoBook.plain(size) + "\",\"side\":\"" + (buy ? "buy" : "sell") + "\",\"ts\":\""
                + nowMs() + "\",\"count\":\"1\",\"source\":\"0\"}]}";
    }

    private String tickerFrame(Instrument instrument) {
        return "{\"arg\":{\"channel\":\"tickers\",\"instId\":\"" + instrument.symbol() + "\"},\"data\":["
                + tickerData(instrument) + "]}";
    }

    private String tickerData(Instrument instrument) {
        CryptoBook book = instrument.book();
        String bid = CryptoBook.plain(book.bestBid());
        String ask = CryptoBook.plain(book.bestAsk());
        // A steady volume per instrument, so discovery ranks them the same way every time: the listing order.
        BigDecimal volume = BigDecimal.valueOf(1_000_000L * (100 - listed().indexOf(instrument)));
        boolean swap = "SWAP".equals(instrument.kind());
        // volCcy24h: quote currency for spot, base coin for swaps; vol24h: base for spot, contracts for swaps
        BigDecimal volCcy = swap ? volume.divide(book.bestBid(), 8, java.math.RoundingMode.DOWN) : volume;
        return "{\"instType\":\"" + (swap ? "SWAP" : "SPOT") + "\",\"instId\":\"" + instrument.symbol() + "\",\"last\":\""
                + bid + "\",\"lastSz\":\"" + CryptoBook.plain(instrument.pair().lot()) + "\",\"askPx\":\"" + ask
                + "\",\"askSz\":\"" + CryptoBook.plain(book.asks().firstEntry().getValue()) + "\",\"bidPx\":\"" + bid
                + "\",\"bidSz\":\"" + CryptoBook.plain(book.bids().firstEntry().getValue()) + "\",\"open24h\":\"" + bid
                + "\",\"high24h\":\"" + ask + "\",\"low24h\":\"" + bid + "\",\"volCcy24h\":\"" + CryptoBook.plain(volCcy)
                + "\",\"vol24h\":\"" + CryptoBook.plain(volume) + "\",\"sodUtc0\":\"" + bid + "\",\"sodUtc8\":\"" + bid
                + "\",\"ts\":\"" + nowMs() + "\"}";
    }

    private static String error(Subscriber subscriber, String code, String msg) {
        return "{\"event\":\"error\",\"code\":\"" + code + "\",\"msg\":\"" + msg.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"connId\":\"" + subscriber.connId + "\"}";
    }

    // ---------------------------------------------------------------- REST

    @Override
    protected RestReply onRest(String path, Map<String, String> query) {
        String type = query.getOrDefault("instType", "");
        if (!path.equals("/api/v5/public/instruments") && !path.equals("/api/v5/market/tickers")) {
            return super.onRest(path, query);
        }
        if (!type.equals("SPOT") && !type.equals("SWAP")) {
            return new RestReply(400, "{\"code\":\"51000\",\"msg\":\"Parameter instType error\",\"data\":[]}");
        }
        StringBuilder data = new StringBuilder();
        for (Instrument instrument : listed()) {
            if (!instrument.kind().equalsIgnoreCase(type)) {
                continue;
            }
            if (!data.isEmpty()) {
                data.append(',');
            }
            // A delisted instrument stays listed in state suspend.
            data.append(path.endsWith("tickers") ? tickerData(instrument)
                    : instrumentData(instrument, isDelisted(instrument.symbol()) ? "suspend" : "live"));
        }
        return RestReply.ok("{\"code\":\"0\",\"msg\":\"\",\"data\":[" + data + "]}");
    }

    private static String instrumentData(Instrument instrument, String state) {
        CryptoPair pair = instrument.pair();
        boolean swap = "SWAP".equals(instrument.kind());
        return "{\"instType\":\"" + (swap ? "SWAP" : "SPOT") + "\",\"instId\":\"" + instrument.symbol() + "\",\"uly\":\""
                + (swap ? pair.base() + "-" + pair.quote() : "") + "\",\"instFamily\":\""
                + (swap ? pair.base() + "-" + pair.quote() : "") + "\",\"baseCcy\":\"" + (swap ? "" : pair.base())
                + "\",\"quoteCcy\":\"" + (swap ? "" : pair.quote()) + "\",\"settleCcy\":\"" + (swap ? pair.quote() : "")
                + "\",\"ctType\":\"" + (swap ? "linear" : "") + "\",\"ctVal\":\"" + (swap ? "1" : "") + "\",\"ctMult\":\""
                + (swap ? "1" : "") + "\",\"ctValCcy\":\"" + (swap ? pair.base() : "") + "\",\"tickSz\":\""
                + CryptoBook.plain(pair.tick()) + "\",\"lotSz\":\"" + CryptoBook.plain(pair.lot()) + "\",\"minSz\":\""
                + CryptoBook.plain(pair.lot()) + "\",\"state\":\"" + state + "\",\"listTime\":\"1548133413000\",\"expTime\":\"\","
                + "\"lever\":\"10\",\"alias\":\"\",\"optType\":\"\",\"stk\":\"\"}";
    }

    // ---------------------------------------------------------------- faults

    @Override
    protected String malformedFrame() {
        // A books update cut short, as a broken proxy would deliver it.
        Instrument first = listed().get(0);
        return "{\"arg\":{\"channel\":\"books\",\"instId\":\"" + first.symbol()
                + "\"},\"action\":\"update\",\"data\":[{\"asks\":[[\"" + CryptoBook.plain(first.book().bestAsk());
    }

    @Override
    protected String unknownEventFrame() {
        return "{\"event\":\"channel-conn-count\",\"channel\":\"books\",\"connCount\":\"2\",\"connId\":\"a4d3ae55\"}";
    }

    @Override
    protected int injectSequenceGap() {
        int dropped = 0;
        for (SimConnection connection : liveConnections()) {
            Subscriber s = subscribers.get(connection.id);
            if (s != null && !s.books.isEmpty()) {
                s.dropNext = s.books.iterator().next();
                dropped++;
            }
        }
        return dropped;
    }

    @Override
    protected int hideTopChange() {
        for (SimConnection connection : liveConnections()) {
            Subscriber s = subscribers.get(connection.id);
            if (s != null && !s.books.isEmpty()) {
                CryptoBook book = instruments.get(s.books.iterator().next()).book();
                boolean bid = book.bids().size() > 1;
                if (bid || book.asks().size() > 1) {
                    book.removeBest(bid);
                    return 1;
                }
            }
        }
        return 0;
    }

    @Override
    protected int requestReconnect() {
        int noticed = 0;
        for (SimConnection connection : liveConnections()) {
            Subscriber s = subscribers.computeIfAbsent(connection.id, id -> new Subscriber(String.format("%08x", id)));
            connection.send("{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection will soon be closed for a "
                    + "service upgrade. Please reconnect.\",\"connId\":\"" + s.connId + "\"}");
            s.closeAt = nowMs() + NOTICE_LEAD_MS;
            noticed++;
        }
        return noticed;
    }

    /** Sockets told of an upgrade that have not gone yet are closed by the venue, as the notice said. */
    private void closeNoticedSockets() {
        long now = nowMs();
        for (SimConnection connection : liveConnections()) {
            Subscriber s = subscribers.get(connection.id);
            if (s != null && s.closeAt > 0 && s.closeAt <= now) {
                s.closeAt = 0;
                connection.close();
            }
        }
    }
}
