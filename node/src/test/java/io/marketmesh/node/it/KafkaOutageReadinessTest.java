package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.publish.EmbeddedKafka;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ready means "can serve": a node whose Kafka is away (from the start, or stopped later) stays ready and serves fresh
 * books, while {@code /health/ready}'s detail, {@code /api/v1/cluster} and {@code marketmesh_kafka_up} show Kafka's
 * state, and all three show it connected again once the broker is back.
 */
class KafkaOutageReadinessTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern KAFKA_UP = Pattern.compile("(?m)^marketmesh_kafka_up (\\S+)$");

    @TempDir
    Path tmp;

    private SimulatedVenues venues;
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
    void aNodeStaysReadyAndServesFreshBooksWhileKafkaIsAwayAndShowsKafkasState() {
        int port = TestNode.freePort();
        Path dataDir = tmp.resolve("broker");
        venues = SimulatedVenues.startUnsigned(2, 2, 50, 29);
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.put("marketmesh.kafka.enabled", true);
        settings.put("marketmesh.kafka.bootstrap-servers", "127.0.0.1:" + port);
        settings.put("marketmesh.kafka.startup-timeout", "2s");
        settings.put("marketmesh.kafka.publish-raw", false);
        settings.put("marketmesh.kafka.health.probe-interval", "1s");
        settings.put("marketmesh.kafka.health.probe-timeout", "1s");
        settings.put("marketmesh.kafka.client-properties.delivery.timeout.ms", "3000");
        settings.put("marketmesh.kafka.client-properties.request.timeout.ms", "1000");
        settings.put("marketmesh.kafka.client-properties.max.block.ms", "1000");

        // No broker at start: the node is ready all the same (it can serve), and says Kafka is unreachable.
        node = TestNode.startWithoutWaiting(settings);
        TestNode.Reply ready = node.awaitJson("/health/ready", r -> r.status() == 200, WAIT);
        assertEquals("unreachable", ready.body().path("kafka").path("status").asText(), ready.body().toString());
        awaitKafkaShown("unreachable", 0);
        awaitBooksChangeAndStayFresh();

        // The broker comes: connected on all three.
        broker = EmbeddedKafka.start(port, dataDir, 0);
        awaitKafkaShown("connected", 1);
        NodeMetrics metrics = NodeMetrics.get(node.system());
        long acknowledged = metrics.kafkaAcknowledged();
        TestNode.await(() -> metrics.kafkaAcknowledged() > acknowledged + 100, WAIT, "records reach Kafka");

        // The broker goes: still ready (every answer 200), Kafka shown unreachable, books still fresh and moving.
        broker.close();
        broker = null;
        TestNode.Reply whileAway = node.awaitJson("/health/ready", r -> {
            assertEquals(200, r.status(), "/health/ready while Kafka is away: " + r.body());
            return r.body().path("kafka").path("status").asText().equals("unreachable");
        }, WAIT);
        JsonNode kafka = whileAway.body().path("kafka");
        assertTrue(kafka.path("since").asText().length() > 0 && kafka.has("queued")
                && kafka.path("reason").asText().length() > 0, kafka.toString());
        awaitKafkaShown("unreachable", 0);
        awaitBooksChangeAndStayFresh();
        assertEquals(200, node.get("/health/ready").status());

        // The broker is back: connected again everywhere, and records flow.
        broker = EmbeddedKafka.start(port, dataDir, 0);
        awaitKafkaShown("connected", 1);
        long back = metrics.kafkaAcknowledged();
        TestNode.await(() -> metrics.kafkaAcknowledged() > back + 100, WAIT, "records reach Kafka again");
    }

    /** {@code /health/ready}'s detail, this node's row of {@code /api/v1/cluster} and the gauge all say so. */
    private void awaitKafkaShown(String status, int up) {
        node.awaitJson("/health/ready", r -> r.status() == 200
                && r.body().path("kafka").path("status").asText().equals(status), WAIT);
        node.awaitJson("/api/v1/cluster", r -> {
            JsonNode self = selfRow(r.body());
            return self != null && self.path("kafka").path("status").asText().equals(status);
        }, WAIT);
        node.awaitJson("/metrics", r -> {
            Matcher m = KAFKA_UP.matcher(r.body().asText());
            return m.find() && Double.parseDouble(m.group(1)) == up;
        }, WAIT);
    }

    private static JsonNode selfRow(JsonNode cluster) {
        for (JsonNode member : cluster.path("members")) {
            if (member.path("address").asText().equals(cluster.path("self").asText())) {
                return member;
            }
        }
        return null;
    }

    /** Every market is served fresh, and its book keeps changing (the node applies the venue's updates). */
    private void awaitBooksChangeAndStayFresh() {
        for (String market : venues.marketPaths()) {
            String path = "/api/v1/markets/" + market;
            long before = node.awaitJson(path, r -> r.status() == 200 && !r.body().path("stale").asBoolean(true), WAIT)
                    .body().path("sequence").asLong();
            node.awaitJson(path, r -> r.status() == 200 && !r.body().path("stale").asBoolean(true)
                    && r.body().path("sequence").asLong() > before, WAIT);
        }
    }
}
