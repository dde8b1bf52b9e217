package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.publish.BookTopicRebuild;
import io.marketmesh.node.publish.EmbeddedKafka;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.KafkaRecords;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka producer fails mid-stream (the broker is gone longer than the delivery timeout) and restarts: records it
 * held are lost, and every hole this leaves in a market's book topic is announced by a {@code gap_detected} record
 * and healed by a full book, so a consumer that follows the documented rules ends with every book exact.
 */
class KafkaProducerRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;
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
    void everyHoleAProducerRestartLeavesIsAnnouncedAndHealedByAFullBook() {
        int port = TestNode.freePort();
        Path dataDir = tmp.resolve("broker");
        broker = EmbeddedKafka.start(port, dataDir, 0);
        venues = SimulatedVenues.startUnsigned(3, 3, 300, 23);
        simulator = venues.simulator();
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.put("marketmesh.kafka.enabled", true);
        settings.put("marketmesh.kafka.bootstrap-servers", broker.bootstrapServers());
        settings.put("marketmesh.kafka.snapshot-interval", "2s");
        settings.put("marketmesh.kafka.publish-raw", false);
        // Records unacknowledged this long fail the producer; a send without metadata gives up as fast.
        settings.put("marketmesh.kafka.client-properties.delivery.timeout.ms", "3000");
        settings.put("marketmesh.kafka.client-properties.request.timeout.ms", "1000");
        settings.put("marketmesh.kafka.client-properties.max.block.ms", "1000");
        node = TestNode.start(settings);
        NodeMetrics metrics = NodeMetrics.get(node.system());

        List<String> markets = venues.marketPaths().stream().map(m -> m.replace('/', ':')).toList();
        for (String market : markets) {
            node.awaitJson("/api/v1/markets/" + market.replace(':', '/'),
                    r -> r.status() == 200 && !r.body().path("stale").asBoolean(true), WAIT);
        }
        long acknowledged = metrics.kafkaAcknowledged();
        TestNode.await(() -> metrics.kafkaAcknowledged() > acknowledged + 500, WAIT, "records flow to Kafka");

        // The broker goes away with records in flight; the producer fails on them and restarts.
        broker.close();
        broker = null;
        TestNode.await(() -> metrics.kafkaProducerRestarts() >= 1, WAIT, "the producer restarts");
        broker = EmbeddedKafka.start(port, dataDir, 0);
        long back = metrics.kafkaAcknowledged();
        TestNode.await(() -> metrics.kafkaAcknowledged() > back + 500, WAIT, "records flow again");

        // Quiet venues: each market ends with a full book equal to the one it serves.
        simulator.pause();
        Map<String, List<PriceLevel>[]> served = new HashMap<>();
        for (String market : markets) {
            String[] parts = market.split(":", 2);
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.fromId(parts[0]), parts[1], WAIT);
            @SuppressWarnings("unchecked")
            List<PriceLevel>[] sides = new List[] {
                    simulator.trueBook(Venue.fromId(parts[0]), parts[1]).bids(),
                    simulator.trueBook(Venue.fromId(parts[0]), parts[1]).asks()};
            served.put(market, sides);
        }
        Map<String, List<MarketRecord<MarketEvent>>> book = awaitEveryMarketEndsWithItsFullBook(markets, served);
        List<MarketRecord<Continuity>> gaps = KafkaRecords.readAll(broker.bootstrapServers(), "marketmesh.continuity",
                KafkaRecords.CONTINUITY).stream().filter(r -> r.payload().kind() == Continuity.Kind.GAP_DETECTED).toList();
        assertTrue(gaps.stream().anyMatch(r -> r.payload().reason().contains("lost on the way to Kafka")),
                "the restart was announced: " + gaps);

        int holes = 0;
        for (String market : markets) {
            List<MarketRecord<MarketEvent>> records = book.get(market);
            for (int i = 1; i < records.size(); i++) {
                if (records.get(i).sequence() == records.get(i - 1).sequence() + 1) {
                    continue;
                }
                holes++;
                long before = records.get(i - 1).sequence();
                // Announced: a gap_detected for the market after the hole, right before the full book that heals it.
                MarketRecord<Continuity> announced = gaps.stream()
                        .filter(g -> g.market().equals(market) && g.sequence() >= before)
                        .min(java.util.Comparator.comparingLong(MarketRecord::sequence)).orElse(null);
                String context = market + ": hole after " + before + "; gaps at " + gaps.stream()
                        .filter(g -> g.market().equals(market)).map(MarketRecord::sequence).toList()
                        + "; sequences " + records.stream().map(r -> r.sequence()
                        + (r.payload() instanceof BookSnapshot ? "F" : "")).toList();
                assertTrue(announced != null, "not announced: " + context);
                assertTrue(records.stream().anyMatch(r -> r.sequence() == announced.sequence() + 1
                        && r.payload() instanceof BookSnapshot), "no full book right after the announcement: " + context);
            }
            // A consumer that takes a full book after every hole ends with the venue's book.
            List<PriceLevel>[] rebuilt = rebuild(records);
            assertEquals(served.get(market)[0], rebuilt[0], market + " bids");
            assertEquals(served.get(market)[1], rebuilt[1], market + " asks");
        }
        assertTrue(holes + gaps.size() > 0, "the restart lost records somewhere");
    }

    private Map<String, List<MarketRecord<MarketEvent>>> awaitEveryMarketEndsWithItsFullBook(
            List<String> markets, Map<String, List<PriceLevel>[]> served) {
        return KafkaRecords.awaitByMarket(broker.bootstrapServers(), "marketmesh.book", KafkaRecords.EVENT,
                book -> markets.stream().allMatch(m -> KafkaRecords.endsWithFullBook(book.get(m), served.get(m)[0],
                        served.get(m)[1])), WAIT, "every market's book topic ends with its full book");
    }

    /** The rules of docs/kafka.md (BookTopicRebuild): a sequence that does not follow drops the book until the next full book. */
    @SuppressWarnings("unchecked")
    private static List<PriceLevel>[] rebuild(List<MarketRecord<MarketEvent>> records) {
        BookTopicRebuild rebuild = new BookTopicRebuild();
        records.forEach(rebuild::apply);
        BookTopicRebuild.MarketBook book = rebuild.books().values().iterator().next();
        assertTrue(book.known(), "the last record leaves the book known");
        return new List[] {book.bids(), book.asks()};
    }
}
