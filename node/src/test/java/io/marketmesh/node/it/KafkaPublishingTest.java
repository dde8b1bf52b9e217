package io.marketmesh.node.it;

import io.marketmesh.protocol.Channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.SimulatorSettings;
import io.marketmesh.node.publish.EmbeddedKafka;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.RawFrame;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node following the simulated venues publishes into its embedded Kafka broker: every applied change reaches
 * the book topic in order per market with gap-free sequences, and a consumer that applies the book topic rebuilds
 * every book equal to the node's (and the venue's).
 */
class KafkaPublishingTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final TypeReference<MarketRecord<MarketEvent>> EVENT_RECORD = new TypeReference<>() {
    };
    private static final TypeReference<MarketRecord<Continuity>> CONTINUITY_RECORD = new TypeReference<>() {
    };
    private static final TypeReference<MarketRecord<RawFrame>> RAW_RECORD = new TypeReference<>() {
    };

    @TempDir
    Path tmp;

    private ActorSystem<Void> venues;
    private VenueSimulator simulator;
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (venues != null) {
            venues.terminate();
        }
    }

    @Test
    void aConsumerOfTheBookTopicRebuildsEveryBookTheNodeServes() throws Exception {
        Map<String, Object> settings = startVenuesAndSettings(TestNode.embeddedKafka(tmp.resolve("kafka")));
        node = TestNode.start(settings);
        String bootstrap = "127.0.0.1:" + settings.get("marketmesh.kafka.embedded.port");
        List<String> markets = awaitAllBooks();
        // Books move for a while, with a reconnect (fresh snapshots) in the middle.
        TestNode.sleep(1500);
        simulator.dropConnections(Venue.KALSHI);
        TestNode.sleep(1500);
        simulator.pause();
        for (String market : markets) {
            node.awaitJson("/api/v1/markets/" + market, r -> !r.body().path("stale").asBoolean(true), WAIT);
        }

        assertBookTopicRebuildsEveryBook(bootstrap, markets);

        // The Kalshi reconnect left its trace on the continuity topic: stale, then resynced.
        List<MarketRecord<Continuity>> continuity = readAll(bootstrap, "marketmesh.continuity", 1, CONTINUITY_RECORD);
        assertTrue(continuity.stream().anyMatch(r -> r.market().startsWith("kalshi:")
                && r.payload().kind() == Continuity.Kind.BOOK_STALE), continuity.toString());
        assertTrue(continuity.stream().anyMatch(r -> r.market().startsWith("kalshi:")
                && r.payload().kind() == Continuity.Kind.BOOK_RESYNCED), continuity.toString());

        assertTrue(continuity.stream().anyMatch(r -> r.market().equals("kalshi:socket-0")
                && r.payload().kind() == Continuity.Kind.CONNECTION_DOWN), "the dropped socket is on record");

        // Raw frames: every socket's frames in order (numbered from 1 again after each reconnect), verbatim.
        List<MarketRecord<RawFrame>> raw = readAll(bootstrap, "marketmesh.raw", 1, RAW_RECORD);
        Map<String, Long> rawSequence = new HashMap<>();
        for (MarketRecord<RawFrame> record : raw) {
            long previous = rawSequence.getOrDefault(record.market(), 0L);
            assertTrue(record.sequence() == previous + 1 || record.sequence() == 1,
                    record.market() + " raw sequence " + previous + " -> " + record.sequence());
            rawSequence.put(record.market(), record.sequence());
            assertEquals(record.market(), record.venue() + ":socket-" + record.payload().socket());
            assertFalse(record.payload().frame().isEmpty());
        }
        assertTrue(raw.stream().anyMatch(r -> r.payload().frame().contains("\"price_changes\"")), "Polymarket frames");
        assertTrue(raw.stream().anyMatch(r -> r.payload().frame().contains("\"orderbook_delta\"")), "Kalshi frames");

        // Quiet books re-snapshotted after a reconnect equal what consumers hold: not published again, counted.
        long publishedBefore = totalPublished(markets);
        long accepted = simulator.stats(Venue.POLYMARKET).connectionsAccepted();
        simulator.dropConnections(Venue.POLYMARKET);
        for (String market : markets.stream().filter(m -> m.startsWith("polymarket")).toList()) {
            node.awaitJson("/api/v1/markets/" + market, r -> !r.body().path("stale").asBoolean(true)
                    && r.body().path("counters").path("unchangedNotPublished").asLong() >= 1, WAIT);
        }
        assertTrue(simulator.stats(Venue.POLYMARKET).connectionsAccepted() > accepted);
        assertEquals(publishedBefore, totalPublished(markets), "identical snapshots are not published again");
    }

    @Test
    void aBrokerDownForTwentySecondsLosesNoRecord() throws Exception {
        int port = TestNode.freePort();
        Path dataDir = tmp.resolve("broker");
        EmbeddedKafka broker = EmbeddedKafka.start(port, dataDir, 0);
        try {
            Map<String, Object> kafka = new HashMap<>();
            kafka.put("marketmesh.kafka.enabled", true);
            kafka.put("marketmesh.kafka.bootstrap-servers", broker.bootstrapServers());
            node = TestNode.start(startVenuesAndSettings(kafka));
            List<String> markets = awaitAllBooks();
            TestNode.sleep(1000);

            // The broker goes away while the venues keep moving; the books keep being served, fresh.
            broker.close();
            long changesBefore = totalChanges(markets);
            TestNode.sleep(20_000);
            assertTrue(totalChanges(markets) > changesBefore, "the feeds and books never waited for Kafka");
            for (String market : markets) {
                assertFalse(node.get("/api/v1/markets/" + market).body().path("stale").asBoolean(), market);
            }
            broker = EmbeddedKafka.start(port, dataDir, 0);

            TestNode.sleep(1000);
            simulator.pause();
            long published = assertBookTopicRebuildsEveryBook(broker.bootstrapServers(), markets);
            assertTrue(published > 0);
            for (String market : markets) {
                assertEquals(0, node.get("/api/v1/markets/" + market).body().path("counters").path("publishRefused").asLong(),
                        market + ": the buffer held everything through the outage");
            }
        } finally {
            if (node != null) {
                node.close();
                node = null;
            }
            broker.close();
        }
    }

    @Test
    void aNodeRestartedWithTheVenuesDownServesTheBooksFromKafka() throws Exception {
        Map<String, Object> settings = startVenuesAndSettings(TestNode.embeddedKafka(tmp.resolve("kafka")));
        // Named markets: with the venues down, discovery could not name them on the restart.
        settings.put("marketmesh.venues.polymarket.markets", simulator.markets(Venue.POLYMARKET));
        settings.put("marketmesh.venues.kalshi.markets", simulator.markets(Venue.KALSHI));
        node = TestNode.start(settings);
        List<String> markets = awaitAllBooks();
        TestNode.sleep(1500);
        simulator.pause();
        for (String market : markets) {
            node.awaitJson("/api/v1/markets/" + market, r -> !r.body().path("stale").asBoolean(true), WAIT);
        }
        long settled = -1;
        for (long now = totalPublished(markets); now != settled; now = totalPublished(markets)) {
            settled = now;
            TestNode.sleep(2_500);
        }
        Map<String, JsonNode> before = new HashMap<>();
        for (String market : markets) {
            before.put(market, node.get("/api/v1/markets/" + market + "/book?depth=1000").body());
        }
        node.close();
        node = null;
        simulator.close();
        simulator = null;

        node = TestNode.start(settings);
        for (String market : markets) {
            JsonNode book = node.awaitJson("/api/v1/markets/" + market + "/book?depth=1000",
                    r -> r.status() == 200 && r.body().path("bootstrappedFrom").asLong() > 0, WAIT).body();
            assertEquals(levels(before.get(market).path("bids")), levels(book.path("bids")), market + " bids from Kafka");
            assertEquals(levels(before.get(market).path("asks")), levels(book.path("asks")), market + " asks from Kafka");
            assertTrue(book.path("stale").asBoolean(), "a bootstrapped book is not live: " + book);
            assertTrue(book.path("staleReason").asText().startsWith("bootstrapped from Kafka"), book.toString());
        }
    }

    private long totalChanges(List<String> markets) {
        long total = 0;
        for (String market : markets) {
            total += node.get("/api/v1/markets/" + market).body().path("sequence").asLong();
        }
        return total;
    }

    /**
     * Waits until the node stops publishing, then checks the book topic holds exactly what the node counted, gap-free
     * and in order per market, and that applying it rebuilds every book the node serves and the venue holds.
     * @return the book records published, in total
     */
    private long assertBookTopicRebuildsEveryBook(String bootstrap, List<String> markets) throws Exception {
        // Once quiet, the last periodic full books (every 2 s while anything changed) go out; then nothing more.
        long settled = -1;
        for (long now = totalPublished(markets); now != settled; now = totalPublished(markets)) {
            settled = now;
            TestNode.sleep(2_500);
        }
        // Everything the node says it published must arrive; then rebuild.
        long expected = 0;
        Map<String, Long> publishedBy = new HashMap<>();
        for (String market : markets) {
            long published = node.get("/api/v1/markets/" + market).body().path("counters").path("bookRecordsPublished").asLong();
            assertTrue(published > 0, market + " published nothing");
            publishedBy.put(market.replace('/', ':'), published);
            expected += published;
        }
        List<MarketRecord<MarketEvent>> book = readAll(bootstrap, "marketmesh.book", expected, EVENT_RECORD);
        assertEquals(expected, book.size(), "every book record the node counted is on the topic, once");

        Map<String, Long> lastSequence = new HashMap<>();
        Map<String, TreeMap<Long, Long>> bids = new HashMap<>();
        Map<String, TreeMap<Long, Long>> asks = new HashMap<>();
        for (MarketRecord<MarketEvent> record : book) {
            assertEquals(MarketRecord.VERSION, record.version());
            assertEquals(Channel.BOOK, record.channel());
            assertTrue(record.receivedTimestamp() > 0 && record.publishedTimestamp() >= record.receivedTimestamp(), record.toString());
            assertFalse(record.source().isBlank());
            assertEquals(record.market(), record.payload().market().id());
            long previous = lastSequence.getOrDefault(record.market(), 0L);
            assertEquals(previous + 1, record.sequence(), "gap-free, in order, for " + record.market());
            lastSequence.put(record.market(), record.sequence());
            TreeMap<Long, Long> b = bids.computeIfAbsent(record.market(), m -> new TreeMap<>(Collections.reverseOrder()));
            TreeMap<Long, Long> a = asks.computeIfAbsent(record.market(), m -> new TreeMap<>());
            MarketEvent payload = record.payload();
            if (payload instanceof BookSnapshot s) {
                b.clear();
                a.clear();
                s.bids().forEach(l -> b.put(l.price(), l.size()));
                s.asks().forEach(l -> a.put(l.price(), l.size()));
            } else if (payload instanceof BookDelta d) {
                assertEquals(BookDelta.Mode.ABSOLUTE, d.mode(), "the book topic carries absolute sizes only");
                for (LevelUpdate u : d.updates()) {
                    TreeMap<Long, Long> side = u.side() == Side.BID ? b : a;
                    if (u.size() == 0) {
                        side.remove(u.price());
                    } else {
                        side.put(u.price(), u.size());
                    }
                }
            } else if (payload instanceof BookReset) {
                b.clear();
                a.clear();
            } else {
                throw new AssertionError("not a book record: " + record);
            }
        }
        for (String market : markets) {
            String id = market.replace('/', ':');
            assertEquals(publishedBy.get(id), lastSequence.get(id), id + ": last sequence = records published");
            JsonNode served = node.get("/api/v1/markets/" + market + "/book?depth=1000").body();
            assertEquals(levels(served.path("bids")), toLevels(bids.get(id)), id + " bids rebuilt from Kafka");
            assertEquals(levels(served.path("asks")), toLevels(asks.get(id)), id + " asks rebuilt from Kafka");
            BookSnapshot truth = simulator.trueBook(id.startsWith("kalshi") ? Venue.KALSHI : Venue.POLYMARKET,
                    id.substring(id.indexOf(':') + 1));
            assertEquals(truth.bids(), toLevels(bids.get(id)), id + " equals the venue's book");
        }

        return expected;
    }

    private Map<String, Object> startVenuesAndSettings(Map<String, Object> kafka) {
        venues = TestNode.localSystem("venues");
        simulator = VenueSimulator.start(venues, new SimulatorSettings(0, 3, 3, 200, 11, null, ""));
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put("marketmesh.kafka.snapshot-interval", "2s");
        settings.put("marketmesh.venues.polymarket.ws-url", simulator.polymarketWsUrl());
        settings.put("marketmesh.venues.polymarket.rest-url", simulator.polymarketRestUrl());
        settings.put("marketmesh.venues.kalshi.ws-url", simulator.kalshiWsUrl());
        settings.put("marketmesh.venues.kalshi.rest-url", simulator.kalshiRestUrl());
        settings.put("marketmesh.connection.min-backoff", "200ms");
        settings.put("marketmesh.connection.max-backoff", "1s");
        return settings;
    }

    private List<String> awaitAllBooks() {
        List<String> markets = new ArrayList<>();
        simulator.markets(Venue.POLYMARKET).forEach(s -> markets.add("polymarket/" + s));
        simulator.markets(Venue.KALSHI).forEach(s -> markets.add("kalshi/" + s));
        for (String market : markets) {
            node.awaitJson("/api/v1/markets/" + market, r -> r.status() == 200 && r.body().path("hasBook").asBoolean(), WAIT);
        }
        return markets;
    }

    private long totalPublished(List<String> markets) {
        long total = 0;
        for (String market : markets) {
            total += node.get("/api/v1/markets/" + market).body().path("counters").path("bookRecordsPublished").asLong();
        }
        return total;
    }

    private static <T> List<MarketRecord<T>> readAll(String bootstrap, String topic, long atLeast,
                                                     TypeReference<MarketRecord<T>> type) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<MarketRecord<T>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            int idlePolls = 0;
            while (System.nanoTime() < deadline && (records.size() < atLeast || idlePolls < 3)) {
                var batch = consumer.poll(Duration.ofMillis(500));
                idlePolls = batch.isEmpty() ? idlePolls + 1 : 0;
                for (ConsumerRecord<String, String> record : batch) {
                    MarketRecord<T> decoded = ProtocolJson.mapper().readValue(record.value(), type);
                    assertEquals(decoded.market(), record.key(), "keyed by market");
                    records.add(decoded);
                }
            }
        }
        // One market's records are in one partition, in order; across partitions the order is irrelevant here.
        return records;
    }

    private static List<PriceLevel> levels(JsonNode side) {
        List<PriceLevel> levels = new ArrayList<>();
        side.forEach(l -> levels.add(new PriceLevel(Decimals.parse(l.get(0).asText()), Decimals.parse(l.get(1).asText()))));
        return levels;
    }

    private static List<PriceLevel> toLevels(TreeMap<Long, Long> side) {
        List<PriceLevel> levels = new ArrayList<>();
        side.forEach((price, size) -> levels.add(new PriceLevel(price, size)));
        return levels;
    }
}
