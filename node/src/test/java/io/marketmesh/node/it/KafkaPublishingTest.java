package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.publish.EmbeddedKafka;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.KafkaRecords;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
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
import java.util.TreeMap;
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
    /** Changes the books make "for a while": about a second of the simulated venues' 400 a second. */
    private static final long A_WHILE = 400;
    /** Changes the feeds apply with the broker down: some 15 s of them, over 2 records each. */
    private static final long OUTAGE_CHANGES = 6000;
    /** Records for the broker while it is down, at least: more than the producer stage takes in flight. */
    private static final long OUTAGE_RECORDS = 12_000;
    private static final TypeReference<MarketRecord<RawFrame>> RAW_RECORD = new TypeReference<>() {
    };

    @TempDir
    Path tmp;

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;
    /** A broker of the test's own, outside the node (the outage test stops and restarts it). */
    private EmbeddedKafka broker;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void aConsumerOfTheBookTopicRebuildsEveryBookTheNodeServes() throws Exception {
        Map<String, Object> settings = startVenuesAndSettings(TestNode.embeddedKafka(tmp.resolve("kafka")));
        node = TestNode.start(settings);
        NodeMetrics metrics = NodeMetrics.get(node.system());
        String bootstrap = "127.0.0.1:" + settings.get("marketmesh.kafka.embedded.port");
        List<String> markets = awaitAllBooks();
        // Books move for a while, with a reconnect (fresh snapshots) in the middle.
        awaitMoreChanges(markets, A_WHILE, "the books move");
        List<String> kalshi = markets.stream().filter(m -> m.startsWith("kalshi/")).toList();
        Map<String, Long> kalshiSnapshots = counters(kalshi, "snapshots");
        simulator.dropConnections(Venue.KALSHI);
        TestNode.await(() -> kalshi.stream().allMatch(m -> counter(m, "snapshots") > kalshiSnapshots.get(m)), WAIT,
                "every Kalshi book has a fresh snapshot after the reconnect");
        awaitMoreChanges(markets, A_WHILE, "the books move on after the reconnect");
        simulator.pause();

        assertBookTopicRebuildsEveryBook(bootstrap, markets);

        // Everything else queued so far (continuity and raw records) has reached Kafka too.
        long queued = metrics.kafkaQueued();
        TestNode.await(() -> metrics.kafkaAcknowledged() >= queued, WAIT, "Kafka has every record queued so far");
        // The Kalshi reconnect left its trace on the continuity topic: stale, then resynced.
        List<MarketRecord<Continuity>> continuity = KafkaRecords.readAll(bootstrap, "marketmesh.continuity",
                KafkaRecords.CONTINUITY);
        assertTrue(continuity.stream().anyMatch(r -> r.market().startsWith("kalshi:")
                && r.payload().kind() == Continuity.Kind.BOOK_STALE), continuity.toString());
        assertTrue(continuity.stream().anyMatch(r -> r.market().startsWith("kalshi:")
                && r.payload().kind() == Continuity.Kind.BOOK_RESYNCED), continuity.toString());

        assertTrue(continuity.stream().anyMatch(r -> r.market().equals("kalshi:socket-0")
                && r.payload().kind() == Continuity.Kind.CONNECTION_DOWN), "the dropped socket is on record");

        // Raw frames: every socket's frames in order (numbered from 1 again after each reconnect), verbatim.
        List<MarketRecord<RawFrame>> raw = KafkaRecords.readAll(bootstrap, "marketmesh.raw", RAW_RECORD);
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
        List<String> polymarket = markets.stream().filter(m -> m.startsWith("polymarket/")).toList();
        Map<String, Long> snapshots = counters(polymarket, "snapshots");
        Map<String, Long> unchanged = counters(polymarket, "unchangedNotPublished");
        simulator.dropConnections(Venue.POLYMARKET);
        for (String market : polymarket) {
            node.awaitJson("/api/v1/markets/" + market, r -> !r.body().path("stale").asBoolean(true)
                    && r.body().path("counters").path("snapshots").asLong() > snapshots.get(market), WAIT);
            assertTrue(counter(market, "unchangedNotPublished") > unchanged.get(market),
                    market + ": its identical snapshot is counted as not published");
        }
        assertTrue(simulator.stats(Venue.POLYMARKET).connectionsAccepted() > accepted);
        assertEquals(publishedBefore, totalPublished(markets), "identical snapshots are not published again");
    }

    @Test
    void aBrokerDownWhileTheFeedsRunOnLosesNoRecord() throws Exception {
        int port = TestNode.freePort();
        Path dataDir = tmp.resolve("broker");
        broker = EmbeddedKafka.start(port, dataDir, 0);
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("marketmesh.kafka.enabled", true);
        kafka.put("marketmesh.kafka.bootstrap-servers", broker.bootstrapServers());
        node = TestNode.start(startVenuesAndSettings(kafka));
        NodeMetrics metrics = NodeMetrics.get(node.system());
        List<String> markets = awaitAllBooks();
        long acknowledged = metrics.kafkaAcknowledged();
        TestNode.await(() -> metrics.kafkaAcknowledged() > acknowledged + 500, WAIT, "records flow to Kafka");

        // The broker goes away while the venues keep moving; the books keep being served, fresh. It stays away
        // while the feeds apply thousands of changes, and until the node holds more records for it than the
        // producer stage takes in flight (pekko.kafka.producer.parallelism, 10000): the publish queue holds the rest.
        broker.close();
        broker = null;
        long changesBefore = totalChanges(markets);
        long offeredBefore = metrics.kafkaQueued() + metrics.kafkaRefused();
        TestNode.await(() -> totalChanges(markets) >= changesBefore + OUTAGE_CHANGES, WAIT,
                "the feeds and books never waited for Kafka: " + OUTAGE_CHANGES + " changes applied with the broker down");
        TestNode.await(() -> metrics.kafkaQueued() + metrics.kafkaRefused() >= offeredBefore + OUTAGE_RECORDS, WAIT,
                OUTAGE_RECORDS + " records for the broker while it is down");
        for (String market : markets) {
            assertFalse(node.get("/api/v1/markets/" + market).body().path("stale").asBoolean(), market);
        }
        broker = EmbeddedKafka.start(port, dataDir, 0);

        // Everything held through the outage reaches the broker, while the venues keep moving.
        long held = metrics.kafkaQueued();
        TestNode.await(() -> metrics.kafkaAcknowledged() >= held, WAIT,
                "Kafka acknowledges every record held through the outage");
        simulator.pause();
        long published = assertBookTopicRebuildsEveryBook(broker.bootstrapServers(), markets);
        assertTrue(published > 0);
        for (String market : markets) {
            assertEquals(0, node.get("/api/v1/markets/" + market).body().path("counters").path("publishRefused").asLong(),
                    market + ": the buffer held everything through the outage");
        }
    }

    @Test
    void aNodeRestartedWithTheVenuesDownServesTheBooksFromKafka() throws Exception {
        Map<String, Object> settings = startVenuesAndSettings(TestNode.embeddedKafka(tmp.resolve("kafka")));
        // Named markets: with the venues down, discovery could not name them on the restart.
        settings.put("marketmesh.venues.polymarket.markets", simulator.markets(Venue.POLYMARKET));
        settings.put("marketmesh.venues.kalshi.markets", simulator.markets(Venue.KALSHI));
        node = TestNode.start(settings);
        String bootstrap = "127.0.0.1:" + settings.get("marketmesh.kafka.embedded.port");
        List<String> markets = awaitAllBooks();
        awaitMoreChanges(markets, A_WHILE, "the books move");
        simulator.pause();
        awaitQuietBookTopic(bootstrap, markets);
        Map<String, JsonNode> before = new HashMap<>();
        for (String market : markets) {
            before.put(market, node.get("/api/v1/markets/" + market + "/book?depth=1000").body());
        }
        node.close();
        node = null;
        venues.close();
        venues = null;

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

    /** Waits until the feeds have applied {@code more} changes (book changes and snapshots) to these markets. */
    private void awaitMoreChanges(List<String> markets, long more, String what) {
        long target = totalChanges(markets) + more;
        TestNode.await(() -> totalChanges(markets) >= target, WAIT, what + ": " + more + " more changes applied");
    }

    private long totalChanges(List<String> markets) {
        long total = 0;
        for (String market : markets) {
            total += node.get("/api/v1/markets/" + market).body().path("sequence").asLong();
        }
        return total;
    }

    /** The book topic as read once the node publishes no more, and each market's book records counted by the node. */
    private record QuietBookTopic(Map<String, List<MarketRecord<MarketEvent>>> records, Map<String, Long> published) {
    }

    /**
     * With the venues paused: waits until the node serves every venue's book, and each market's book topic ends with
     * that book in full (the periodic full book, every 2 s while anything changed; nothing follows it) after exactly
     * the records the node counts, counted after the topic was read.
     */
    private QuietBookTopic awaitQuietBookTopic(String bootstrap, List<String> markets) {
        Map<String, BookSnapshot> truth = new HashMap<>();
        for (String market : markets) {
            Venue venue = Venue.fromId(market.substring(0, market.indexOf('/')));
            String symbol = market.substring(market.indexOf('/') + 1);
            BookTruth.awaitBookEqualsTruth(node, simulator, venue, symbol, WAIT);
            truth.put(venue.id() + ":" + symbol, simulator.trueBook(venue, symbol));
        }
        Map<String, Long> published = new HashMap<>();
        Map<String, List<MarketRecord<MarketEvent>>> records = KafkaRecords.awaitByMarket(bootstrap, "marketmesh.book",
                KafkaRecords.EVENT, book -> {
                    published.clear();
                    counters(markets, "bookRecordsPublished").forEach((m, n) -> published.put(m.replace('/', ':'), n));
                    return truth.entrySet().stream().allMatch(t -> {
                        List<MarketRecord<MarketEvent>> market = book.get(t.getKey());
                        return KafkaRecords.endsWithFullBook(market, t.getValue().bids(), t.getValue().asks())
                                && market.get(market.size() - 1).sequence() == published.get(t.getKey());
                    });
                }, WAIT, "every market's book topic ends with the full book it serves, after every record counted");
        return new QuietBookTopic(records, published);
    }

    /**
     * Once the node publishes no more, checks the book topic holds exactly what the node counted, gap-free and in
     * order per market, and that applying it rebuilds every book the node serves and the venue holds.
     * @return the book records published, in total
     */
    private long assertBookTopicRebuildsEveryBook(String bootstrap, List<String> markets) {
        QuietBookTopic quiet = awaitQuietBookTopic(bootstrap, markets);
        long expected = 0;
        for (String market : markets) {
            long published = quiet.published().get(market.replace('/', ':'));
            assertTrue(published > 0, market + " published nothing");
            expected += published;
        }
        // Each market's records in order (a market's records share one partition); across markets, order is irrelevant.
        List<MarketRecord<MarketEvent>> book = quiet.records().values().stream().flatMap(List::stream).toList();
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
            assertEquals(quiet.published().get(id), lastSequence.get(id), id + ": last sequence = records published");
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
        venues = SimulatedVenues.startUnsigned(3, 3, 200, 11);
        simulator = venues.simulator();
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.putAll(kafka);
        settings.put("marketmesh.kafka.snapshot-interval", "2s");
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
        return counters(markets, "bookRecordsPublished").values().stream().mapToLong(Long::longValue).sum();
    }

    /** One of a market's {@code counters} in {@code /api/v1/markets/{venue}/{symbol}}, by market path. */
    private Map<String, Long> counters(List<String> markets, String counter) {
        Map<String, Long> values = new HashMap<>();
        for (String market : markets) {
            values.put(market, counter(market, counter));
        }
        return values;
    }

    private long counter(String market, String counter) {
        return node.get("/api/v1/markets/" + market).body().path("counters").path(counter).asLong();
    }

    private static List<PriceLevel> levels(JsonNode side) {
        List<PriceLevel> levels = new ArrayList<>();
        side.forEach(l -> levels.add(PriceLevel.parse(Decimals.parse(l.get(0).asText()), l.get(1).asText())));
        return levels;
    }

    private static List<PriceLevel> toLevels(TreeMap<Long, Long> side) {
        List<PriceLevel> levels = new ArrayList<>();
        side.forEach((price, size) -> levels.add(new PriceLevel(price, size)));
        return levels;
    }
}
