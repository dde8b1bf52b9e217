package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Polymarket's CLOB market channel ({@code /ws/market}) as the venue speaks it: subscription by token id with no
 * acknowledgement, an initial {@code book} dump per token as a JSON array (levels worst to best, now and then
 * without {@code event_type}), {@code price_change} in the current {@code price_changes[]} format with absolute
 * sizes and the resulting {@code best_bid}/{@code best_ask}, {@code last_trade_price}, a full {@code book} now and
 * then, and text {@code PONG} for {@code PING}. Past 500 tokens on one socket no initial books are sent, as on the
 * venue.
 */
final class PolymarketSimulator extends SimVenue {

    static final int MAX_ASSETS_WITH_SNAPSHOT = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, SimBook> books = new LinkedHashMap<>();
    /** Every token, in listing order, for picking the next book to move; grows when a market is listed. */
    private final List<String> tokens = new ArrayList<>();
    private final Map<String, String> conditionOf = new HashMap<>();
    private final Map<String, String> siblingOf = new HashMap<>();
    private final Map<Long, Set<String>> assetsOf = new HashMap<>();
    private long hashCounter;

    static Behavior<Command> create(SimCatalog catalog, double updatesPerSecond, long seed) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new PolymarketSimulator(context, timers, catalog, updatesPerSecond, seed)));
    }

    private PolymarketSimulator(ActorContext<Command> context, TimerScheduler<Command> timers, SimCatalog catalog,
                                double updatesPerSecond, long seed) {
        super(context, timers, updatesPerSecond, seed);
        catalog.polymarket().forEach(this::addMarket);
    }

    @Override
    protected boolean addMarket(SimCatalog.Listed listed) {
        if (!(listed instanceof SimCatalog.PolymarketMarket market) || books.containsKey(market.yesToken())) {
            return false;
        }
        books.put(market.yesToken(), SimBook.seeded(random));
        books.put(market.noToken(), SimBook.seeded(random));
        conditionOf.put(market.yesToken(), market.conditionId());
        conditionOf.put(market.noToken(), market.conditionId());
        siblingOf.put(market.yesToken(), market.noToken());
        siblingOf.put(market.noToken(), market.yesToken());
        tokens.add(market.yesToken());
        tokens.add(market.noToken());
        return true;
    }

    @Override
    protected void onClientText(SimConnection connection, String text) {
        if (text.strip().equals("PING")) {
            connection.send("PONG");
            return;
        }
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (Exception e) {
            return; // the venue ignores what it cannot read
        }
        JsonNode ids = request == null ? null : request.get("assets_ids");
        if (ids == null || !ids.isArray()) {
            return;
        }
        Set<String> assets = assetsOf.computeIfAbsent(connection.id, id -> new LinkedHashSet<>());
        if (request.has("operation") && connection.ignoresResubscribe()) {
            return;
        }
        String operation = request.path("operation").asText("subscribe");
        if (operation.equals("unsubscribe")) {
            ids.forEach(id -> assets.remove(id.asText()));
            return;
        }
        boolean initialDump = request.path("initial_dump").asBoolean(true);
        List<String> books = new ArrayList<>();
        for (JsonNode id : ids) {
            String token = id.asText();
            if (this.books.containsKey(token) && assets.add(token) && assets.size() <= MAX_ASSETS_WITH_SNAPSHOT
                    && initialDump) {
                books.add(bookFrame(token, random.nextInt(10) != 0));
            }
        }
        if (!books.isEmpty()) {
            connection.send("[" + String.join(",", books) + "]");
        }
    }

    @Override
    protected void onDisconnected(SimConnection connection) {
        assetsOf.remove(connection.id);
    }

    @Override
    protected void publishChange() {
        if (tokens.isEmpty()) {
            return;
        }
        String token = tokens.get(random.nextInt(tokens.size()));
        String sibling = siblingOf.get(token);
        StringBuilder items = new StringBuilder(256);
        appendChange(items, token, books.get(token).move(random));
        boolean both = random.nextInt(10) == 0;
        if (both) {
            items.append(',');
            appendChange(items, sibling, books.get(sibling).move(random));
        }
        String frame = priceChangeFrame(conditionOf.get(token), items, nowMs());
        sendToFollowers(token, both ? sibling : null, frame);
        int roll = random.nextInt(100);
        if (roll < 3) {
            sendToFollowers(token, null, lastTradeFrame(token));
        } else if (roll < 4) {
            String book = bookFrame(token, true);
            for (SimConnection connection : connections.values()) {
                Set<String> assets = assetsOf.get(connection.id);
                if (assets != null && assets.contains(token) && !connection.ignoresResubscribe()) {
                    connection.send(book);
                }
            }
        }
    }

    private void appendChange(StringBuilder sb, String token, SimBook.LevelChange change) {
        appendChange(sb, token, change, books.get(token), nextHash());
    }

    /** One item of {@code price_changes[]}: the level's new absolute size and the book's touch after it. */
    static void appendChange(StringBuilder sb, String token, SimBook.LevelChange change, SimBook after, String hash) {
        sb.append("{\"asset_id\":\"").append(token)
                .append("\",\"price\":\"").append(SimFormat.polymarketPrice(change.priceCents()))
                .append("\",\"size\":\"").append(SimFormat.polymarketSize(change.newSize()))
                .append("\",\"side\":\"").append(change.bid() ? "BUY" : "SELL")
                .append("\",\"hash\":\"").append(hash)
                .append("\",\"best_bid\":\"").append(SimFormat.polymarketPrice(after.bestBid()))
                .append("\",\"best_ask\":\"").append(SimFormat.polymarketPrice(after.bestAsk()))
                .append("\"}");
    }

    /** A {@code price_change} frame of a market's items (written by {@link #appendChange}). */
    static String priceChangeFrame(String conditionId, CharSequence items, long timestampMs) {
        return "{\"market\":\"" + conditionId + "\",\"price_changes\":[" + items
                + "],\"timestamp\":\"" + timestampMs + "\",\"event_type\":\"price_change\"}";
    }

    private void sendToFollowers(String token, String otherToken, String frame) {
        for (SimConnection connection : connections.values()) {
            Set<String> assets = assetsOf.get(connection.id);
            if (assets != null && (assets.contains(token) || (otherToken != null && assets.contains(otherToken)))) {
                connection.send(frame);
            }
        }
    }

    private String bookFrame(String token, boolean withEventType) {
        return bookFrame(token, conditionOf.get(token), books.get(token), nextHash(), nowMs(), withEventType);
    }

    /** A full {@code book} of one token, levels worst to best as the venue sends them. */
    static String bookFrame(String token, String conditionId, SimBook book, String hash, long timestampMs,
                            boolean withEventType) {
        StringBuilder sb = new StringBuilder(1024).append('{');
        if (withEventType) {
            sb.append("\"event_type\":\"book\",");
        }
        sb.append("\"asset_id\":\"").append(token).append("\",\"market\":\"").append(conditionId)
                .append("\",\"bids\":[");
        // Worst to best, as the venue sends: bids ascending, asks descending.
        appendLevels(sb, book.bids);
        sb.append("],\"asks\":[");
        appendLevels(sb, book.asks.descendingMap());
        sb.append("],\"hash\":\"").append(hash).append("\",\"timestamp\":\"").append(timestampMs).append("\"}");
        return sb.toString();
    }

    private static void appendLevels(StringBuilder sb, Map<Integer, Long> levels) {
        boolean first = true;
        for (Map.Entry<Integer, Long> level : levels.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"price\":\"").append(SimFormat.polymarketPrice(level.getKey()))
                    .append("\",\"size\":\"").append(SimFormat.polymarketSize(level.getValue())).append("\"}");
        }
    }

    private String lastTradeFrame(String token) {
        SimBook book = books.get(token);
        boolean buy = random.nextBoolean();
        int price = buy ? book.bestAsk() : book.bestBid();
        return "{\"asset_id\":\"" + token + "\",\"event_type\":\"last_trade_price\",\"fee_rate_bps\":\"0\",\"market\":\""
                + conditionOf.get(token) + "\",\"price\":\"" + SimFormat.polymarketPrice(price) + "\",\"side\":\""
                + (buy ? "BUY" : "SELL") + "\",\"size\":\"" + SimFormat.polymarketSize(100 + random.nextInt(10_000))
                + "\",\"timestamp\":\"" + nowMs() + "\"}";
    }

    @Override
    protected int hideTopChange() {
        for (Set<String> assets : assetsOf.values()) {
            for (String token : assets) {
                SimBook book = books.get(token);
                if (book.bids.size() > 1 || book.asks.size() > 1) {
                    book.removeBest(book.bids.size() > 1);
                    return 1;
                }
            }
        }
        return 0;
    }

    @Override
    protected String malformedFrame() {
        return "{\"event_type\":\"price_change\",\"market\":\"0x" + nextHash() + "\",\"price_changes\":[{\"asset_id\":";
    }

    @Override
    protected String unknownEventFrame() {
        return "{\"event_type\":\"simulated_unknown_event\",\"market\":\"0x" + nextHash() + "\",\"timestamp\":\""
                + nowMs() + "\"}";
    }

    @Override
    protected Optional<BookSnapshot> trueBook(String symbol) {
        SimBook book = books.get(symbol);
        return book == null ? Optional.empty() : Optional.of(book.toSnapshot(MarketKey.of(Venue.POLYMARKET, symbol)));
    }

    private String nextHash() {
        String hex = Long.toHexString(++hashCounter);
        return "0".repeat(40 - hex.length()) + hex;
    }
}
