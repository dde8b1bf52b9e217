package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.KafkaRecords;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.Venue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Markets unfollowed while their feeds run stay gone: their MarketActors stop and are never re-created by what was in
 * flight, their Kafka consumers are told to drop the book and get nothing after it, and following them again brings
 * fresh, exact books (Polymarket and Kalshi).
 */
class UnfollowTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path tmp;

    private SimulatedVenues venues;
    private VenueSimulator simulator;
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
    void unfollowedMarketsStayGoneAndComeBackFresh() {
        // Busy books, so that changes are always on their way to an actor when its market is unfollowed.
        venues = SimulatedVenues.startUnsigned(2, 3, 2000, 17);
        simulator = venues.simulator();
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.putAll(TestNode.embeddedKafka(tmp.resolve("kafka")));
        settings.put("marketmesh.kafka.snapshot-interval", "2s");
        settings.put("marketmesh.kafka.publish-raw", false);
        // One worker a venue: the unfollowed markets share their socket with followed ones, which stays open.
        settings.put("marketmesh.connection.workers-per-venue", 1);
        node = TestNode.start(settings);
        String bootstrap = "127.0.0.1:" + settings.get("marketmesh.kafka.embedded.port");

        List<String> all = venues.marketPaths();
        awaitFresh(all);
        List<String> gone = List.of(all.get(0), all.get(2), all.get(all.size() - 1), all.get(all.size() - 2));
        List<String> kept = all.stream().filter(m -> !gone.contains(m)).toList();
        NodeMetrics metrics = NodeMetrics.get(node.system());

        for (int round = 1; round <= 3; round++) {
            for (String market : gone) {
                assertEquals(200, node.delete("/api/v1/subscriptions/" + market).status(), market);
            }
            for (String market : gone) {
                assertEquals(404, node.awaitJson("/api/v1/markets/" + market, r -> r.status() == 404, WAIT).status());
            }
            TestNode.await(() -> entityIds().stream().noneMatch(id -> gone.contains(id.replace(':', '/'))), WAIT,
                    "the unfollowed markets' actors stop");
            long started = metrics.marketActorsStarted();
            // Their last records (the resets) were queued before they stopped: Kafka has them once it acknowledged
            // everything queued until now.
            long queued = metrics.kafkaQueued();

            // The feeds run on: a few thousand more changes on the kept markets, looking for a comeback meanwhile.
            long target = changes(kept) + 3000;
            while (changes(kept) < target) {
                Set<String> ids = entityIds();
                for (String market : gone) {
                    assertFalse(ids.contains(market.replace('/', ':')), "round " + round + ": " + market + " re-created");
                }
            }
            assertEquals(started, metrics.marketActorsStarted(),
                    "round " + round + ": no MarketActor started since the unfollowed ones stopped");

            TestNode.await(() -> metrics.kafkaAcknowledged() >= queued, WAIT, "Kafka has every record queued so far");
            // Kafka: each unfollowed market's last book record tells consumers to drop the book; nothing comes after.
            Map<String, List<MarketRecord<MarketEvent>>> book = KafkaRecords.byMarket(
                    KafkaRecords.readAll(bootstrap, "marketmesh.book", KafkaRecords.EVENT));
            Map<String, Long> resetAt = new HashMap<>();
            Map<String, Integer> resetIndex = new HashMap<>();
            for (String market : gone) {
                List<MarketRecord<MarketEvent>> records = book.get(market.replace('/', ':'));
                MarketRecord<MarketEvent> last = records.get(records.size() - 1);
                assertTrue(last.payload() instanceof BookReset reset && reset.reason().equals("no longer followed"),
                        "round " + round + ": " + market + " ends with " + records.subList(Math.max(0, records.size() - 4),
                                records.size()));
                resetAt.put(market.replace('/', ':'), last.payload().receivedAt());
                resetIndex.put(market.replace('/', ':'), records.size() - 1);
            }
            for (String topic : List.of("marketmesh.trades", "marketmesh.tickers")) {
                for (MarketRecord<MarketEvent> record : KafkaRecords.readAll(bootstrap, topic, KafkaRecords.EVENT)) {
                    Long reset = resetAt.get(record.market());
                    assertTrue(reset == null || record.payload().receivedAt() <= reset, "published after the unfollow: " + record);
                }
            }

            // Followed again: fresh books, each starting its book topic over with a full book numbered 1.
            follow(gone);
            awaitFresh(gone);
            // Their new full books were queued before they served fresh: wait until Kafka has them.
            long queuedNow = metrics.kafkaQueued();
            TestNode.await(() -> metrics.kafkaAcknowledged() >= queuedNow, WAIT, "Kafka has the new full books");
            Map<String, List<MarketRecord<MarketEvent>>> after = KafkaRecords.byMarket(
                    KafkaRecords.readAll(bootstrap, "marketmesh.book", KafkaRecords.EVENT));
            for (String market : gone) {
                String id = market.replace('/', ':');
                MarketRecord<MarketEvent> first = after.get(id).get(resetIndex.get(id) + 1);
                assertInstanceOf(BookSnapshot.class, first.payload(), market + ": a full book starts it over");
                assertEquals(1, first.sequence(), market + ": a new actor numbers from 1");
            }
        }

        // And every book, re-followed or not, is the venue's.
        simulator.pause();
        for (String market : all) {
            String[] parts = market.split("/");
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.fromId(parts[0]), parts[1], WAIT);
        }
    }

    private void follow(List<String> markets) {
        Map<Venue, List<String>> byVenue = new HashMap<>();
        for (String market : markets) {
            String[] parts = market.split("/");
            byVenue.computeIfAbsent(Venue.fromId(parts[0]), v -> new ArrayList<>()).add(parts[1]);
        }
        byVenue.forEach((venue, symbols) -> assertEquals(200, node.post("/api/v1/subscriptions",
                "{\"venue\":\"" + venue.id() + "\",\"symbols\":[\"" + String.join("\",\"", symbols) + "\"]}").status()));
    }

    private void awaitFresh(List<String> markets) {
        for (String market : markets) {
            node.awaitJson("/api/v1/markets/" + market, r -> r.status() == 200 && !r.body().path("stale").asBoolean(true), WAIT);
        }
    }

    private long changes(List<String> markets) {
        long total = 0;
        for (String market : markets) {
            total += node.get("/api/v1/markets/" + market).body().path("sequence").asLong();
        }
        return total;
    }

    private Set<String> entityIds() {
        ActorSystem<Void> system = node.system();
        ShardRegion.CurrentShardRegionState state = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                        ClusterSharding.get(system).shardState(),
                        replyTo -> new GetShardRegionState(MarketActor.TYPE_KEY, replyTo), Duration.ofSeconds(5),
                        system.scheduler())
                .toCompletableFuture().join();
        Set<String> ids = new HashSet<>();
        state.getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
        return ids;
    }
}
