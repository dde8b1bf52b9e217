package io.marketmesh.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.testkit.TestNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * marketmesh as a {@link PeerConsumer}: a real node (cluster provider, sharding, HTTP; Kafka off) following the
 * simulated Binance markets with its shipped Binance settings, asked for its books over its own HTTP API.
 */
final class MarketmeshPeer implements PeerConsumer.Peer {

    private final TestNode node;
    private final List<String> symbols;

    private MarketmeshPeer(TestNode node, List<String> symbols) {
        this.node = node;
        this.symbols = symbols;
    }

    static MarketmeshPeer start(String wsBase, String restBase, List<String> symbols, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("marketmesh.venues.binance.enabled", true);
        settings.put("marketmesh.venues.binance.ws-url", wsBase + "ws");
        settings.put("marketmesh.venues.binance.rest-url", restBase);
        settings.put("marketmesh.venues.binance.markets", symbols);
        settings.putAll(extra);
        return new MarketmeshPeer(TestNode.start(settings), symbols);
    }

    @Override
    public boolean ready() {
        for (String symbol : symbols) {
            TestNode.Reply reply = node.get("/api/v1/markets/binance/" + symbol);
            if (reply.status() != 200 || !reply.body().path("hasBook").asBoolean()
                    || reply.body().path("stale").asBoolean(true)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public PeerConsumer.Counts counts() {
        NodeMetrics metrics = NodeMetrics.get(node.system());
        return new PeerConsumer.Counts(metrics.framesReceived(), metrics.deltasApplied());
    }

    @Override
    public Map<String, PeerConsumer.Book> books() {
        Map<String, PeerConsumer.Book> books = new LinkedHashMap<>();
        for (String symbol : symbols) {
            JsonNode book = node.get("/api/v1/markets/binance/" + symbol + "/book?depth=1000").body();
            books.put(symbol, new PeerConsumer.Book(book.path("stale").asBoolean(true), levels(book.path("bids")),
                    levels(book.path("asks"))));
        }
        return books;
    }

    private static List<BigDecimal[]> levels(JsonNode side) {
        List<BigDecimal[]> levels = new ArrayList<>();
        for (JsonNode level : side) {
            levels.add(new BigDecimal[] {new BigDecimal(level.get(0).asText()), new BigDecimal(level.get(1).asText())});
        }
        return levels;
    }

    @Override
    public void close() {
        node.close();
    }
}
