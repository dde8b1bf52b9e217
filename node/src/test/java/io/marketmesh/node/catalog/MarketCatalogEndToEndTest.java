package io.marketmesh.node.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The market catalogue on a real node against the venue simulator: what {@code GET /api/v1/markets} shows and finds,
 * discovery refreshed while the node runs (a market the venue lists later is followed, one it closes is shown closed
 * and then unfollowed, one a user removed stays removed), and the compacted {@code marketmesh.markets} topic read by a
 * plain Kafka consumer.
 */
class MarketCatalogEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path tmp;

    private SimulatedVenues venues;
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void discoveredCryptoMarketsCarryTheirMetadataAreSearchableAndPublishedToTheMarketsTopic() {
        venues = SimulatedVenues.startUnsigned(0, 0, 4, 20, 5);
        Map<String, Object> settings = new HashMap<>(venues.cryptoNodeSettings(Venue.BITSTAMP, List.of()));
        settings.putAll(TestNode.embeddedKafka(tmp.resolve("kafka")));
        String bootstrap = "127.0.0.1:" + settings.get("marketmesh.kafka.embedded.port");
        node = TestNode.start(settings);

        // Discovery's metadata for every market, then searchable by its assets, any case, every word counting.
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 4
                && allRows(r.body(), row -> !row.path("base").isNull()), WAIT);
        JsonNode btc = node.get("/api/v1/markets?q=" + enc("btc USDT")).body();
        assertEquals(1, btc.path("total").asInt(), btc.toString());
        JsonNode row = btc.path("markets").get(0);
        assertEquals("bitstamp:btcusdt", row.path("market").asText());
        assertEquals("BTC", row.path("base").asText());
        assertEquals("USDT", row.path("quote").asText());
        assertEquals("spot", row.path("kind").asText());
        assertTrue(row.path("tickSize").isTextual(), "an exact decimal string: " + row);
        assertTrue(row.path("active").asBoolean());
        assertTrue(row.path("closedSince").isNull());
        assertTrue(row.path("instruments").isArray());
        assertEquals(3, node.get("/api/v1/markets?q=usdt").body().path("total").asInt(), "the three USDT pairs");
        assertEquals(0, node.get("/api/v1/markets?q=" + enc("btc eth")).body().path("total").asInt());
        assertEquals(4, node.get("/api/v1/markets?status=open").body().path("total").asInt());
        assertEquals(0, node.get("/api/v1/markets?status=closed").body().path("total").asInt());
        assertEquals(0, node.get("/api/v1/markets?venue=kraken").body().path("total").asInt());
        assertEquals(2, node.get("/api/v1/markets?q=usdt&limit=2").body().path("markets").size(), "paged as before");

        // Bad values are 400 (an unknown instrument or venue 404), as JSON errors.
        for (String bad : List.of("?q=%20", "?status=" + enc("no such!"), "?limit=0")) {
            TestNode.Reply reply = node.get("/api/v1/markets" + bad);
            assertEquals(400, reply.status(), bad + ": " + reply.body());
            assertEquals("bad_request", reply.body().path("error").asText());
        }
        assertEquals("unknown_instrument", node.get("/api/v1/markets?instrument=NOPE-USD").body().path("error").asText());
        assertEquals(404, node.get("/api/v1/markets?venue=nowhere").status());

        // The markets topic carries each market's metadata, keyed venue:symbol; a market no longer followed gets a
        // tombstone.
        Map<String, JsonNode> topic = awaitMarketsTopic(bootstrap, t -> t.size() == 4 && t.values().stream()
                .allMatch(v -> v != null));
        JsonNode record = topic.get("bitstamp:btcusdt");
        assertEquals("markets", record.path("channel").asText());
        assertEquals("bitstamp", record.path("venue").asText());
        assertEquals("BTC", record.path("payload").path("base").asText());
        assertEquals("bitstamp:btcusdt", record.path("payload").path("market").asText());

        assertEquals(200, node.delete("/api/v1/subscriptions/bitstamp/ethusdt").status());
        Map<String, JsonNode> after = awaitMarketsTopic(bootstrap, t -> t.containsKey("bitstamp:ethusdt")
                && t.get("bitstamp:ethusdt") == null);
        assertNotNull(after.get("bitstamp:btcusdt"));
        assertEquals(3, node.get("/api/v1/markets").body().path("total").asInt());
    }

    /** Needs the Polymarket and Kalshi adapters' {@code discover}/{@code describe} (titles, closed markets). */
    @Test
    void refreshFollowsNewListingsShowsClosedMarketsUnfollowsThemAfterTheGraceAndNeverReaddsRemovedOnes() {
        venues = SimulatedVenues.startUnsigned(2, 2, 20, 7);
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.put("marketmesh.catalog.refresh-interval", "1s");
        settings.put("marketmesh.catalog.closed-grace", "4s");
        settings.put("marketmesh.catalog.describe-debounce", "100ms");
        node = TestNode.start(settings);
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 6, WAIT);

        // Found by words of its title, whatever their case.
        node.awaitJson("/api/v1/markets?q=" + enc("simulated QUESTION 2") + "&venue=polymarket",
                r -> r.body().path("total").asInt() == 2, WAIT);
        node.awaitJson("/api/v1/markets?q=" + enc("index above") + "&venue=kalshi",
                r -> r.body().path("total").asInt() == 2, WAIT);

        // Listed after the node started: followed at the next refresh, found by its title.
        List<String> listed = venues.simulator().listMarket(Venue.KALSHI, "Will the catalogue find this later market?");
        String ticker = listed.get(0);
        JsonNode found = node.awaitJson("/api/v1/markets?q=" + enc("catalogue LATER market"),
                r -> r.body().path("total").asInt() == 1, WAIT).body().path("markets").get(0);
        assertEquals("kalshi:" + ticker, found.path("market").asText());
        assertTrue(found.path("active").asBoolean(), found.toString());
        node.awaitJson("/api/v1/markets/kalshi/" + ticker, r -> r.status() == 200, WAIT);
        List<String> poly = venues.simulator().listMarket(Venue.POLYMARKET, "Will a listed question be followed?");
        node.awaitJson("/api/v1/markets?q=" + enc("listed question followed"),
                r -> r.body().path("total").asInt() == 2, WAIT);

        // Removed by a user: later refreshes do not bring it back (it is still listed open).
        assertEquals(200, node.delete("/api/v1/subscriptions/polymarket/" + poly.get(1)).status());
        for (String word : List.of("alpha", "bravo", "charlie")) {
            // Each listing of another market is followed by a refresh: once it shows, a refresh ran after the removal.
            String marker = "Removal marker " + word;
            venues.simulator().listMarket(Venue.KALSHI, marker);
            node.awaitJson("/api/v1/markets?q=" + enc(marker), r -> r.body().path("total").asInt() == 1, WAIT);
            assertEquals(1, node.get("/api/v1/markets?q=" + enc("listed question followed")).body()
                    .path("total").asInt(), "the removed token stays removed");
        }
        // A user following it again clears the removal.
        assertEquals(200, node.post("/api/v1/subscriptions",
                "{\"venue\":\"polymarket\",\"symbol\":\"" + poly.get(1) + "\"}").status());
        node.awaitJson("/api/v1/markets?q=" + enc("listed question followed"),
                r -> r.body().path("total").asInt() == 2, WAIT);

        // Closed by the venue: shown closed (status from the venue, closedSince), then unfollowed after the grace.
        venues.simulator().closeMarket(Venue.KALSHI, ticker);
        JsonNode closed = node.awaitJson("/api/v1/markets?status=closed",
                r -> r.body().path("total").asInt() == 1, WAIT).body().path("markets").get(0);
        assertEquals("kalshi:" + ticker, closed.path("market").asText());
        assertFalse(closed.path("active").asBoolean());
        assertTrue(closed.path("closedSince").asLong() > 0, closed.toString());
        assertFalse(closed.path("status").isNull(), closed.toString());
        node.awaitJson("/api/v1/subscriptions", r -> !symbolsOf(r.body(), "kalshi").contains(ticker), WAIT);
        assertEquals(0, node.get("/api/v1/markets?q=" + enc("catalogue later market")).body().path("total").asInt());
        assertEquals(404, node.get("/api/v1/markets/kalshi/" + ticker).status());
    }

    private static List<String> symbolsOf(JsonNode subscriptions, String venue) {
        List<String> symbols = new ArrayList<>();
        subscriptions.path("subscriptions").forEach(row -> {
            if (row.path("venue").asText().equals(venue)) {
                row.path("symbols").forEach(s -> symbols.add(s.asText()));
            }
        });
        return symbols;
    }

    private static boolean allRows(JsonNode page, java.util.function.Predicate<JsonNode> condition) {
        for (JsonNode row : page.path("markets")) {
            if (!condition.test(row)) {
                return false;
            }
        }
        return true;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Reads the markets topic until the condition holds on its latest record per key (null: a tombstone). */
    private static Map<String, JsonNode> awaitMarketsTopic(String bootstrap,
                                                           java.util.function.Predicate<Map<String, JsonNode>> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, JsonNode> latest = new HashMap<>();
        while (true) {
            latest = readMarketsTopic(bootstrap);
            if (condition.test(latest)) {
                return latest;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the markets topic never got there; it holds " + latest);
            }
        }
    }

    /** Every record of marketmesh.markets up to its end offsets when the read starts: the latest value per key. */
    private static Map<String, JsonNode> readMarketsTopic(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, JsonNode> latest = new HashMap<>();
        String topic = "marketmesh.markets";
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    latest.put(record.key(), record.value() == null ? null
                            : io.marketmesh.protocol.ProtocolJson.mapper().readTree(record.value()));
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("a record of " + topic + " is not JSON", e);
        }
        return latest;
    }
}
