package io.marketmesh.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.marketmesh.node.testkit.TestNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pekko-management serves the probes Kubernetes uses, and its readiness waits for what the node waits for. */
class ManagementTest {

    @Test
    void readinessProbeSaysReadyWhileKafkaIsUnreachableLikeTheApiDoes() {
        int management = TestNode.freePort();
        // A Kafka cluster nobody listens on: the node serves, so it is ready on both; the API's detail says why Kafka
        // is not connected (the probe does not wait for Kafka: a pod stays in service through a Kafka outage).
        try (TestNode node = TestNode.startWithoutWaiting(Map.of(
                "marketmesh.cluster.management.enabled", true,
                "pekko.management.http.port", management,
                "marketmesh.kafka.enabled", true,
                "marketmesh.kafka.bootstrap-servers", "127.0.0.1:" + TestNode.freePort(),
                "marketmesh.kafka.startup-timeout", "2s",
                "marketmesh.venues.polymarket.enabled", false,
                "marketmesh.venues.kalshi.enabled", false))) {
            TestNode.Reply alive = awaitStatus(management, "/alive", 200);
            assertEquals(200, alive.status());
            TestNode.Reply members = awaitStatus(management, "/cluster/members", 200);
            assertEquals(1, members.body().path("members").size(), members.body().toString());
            TestNode.Reply api = node.awaitJson("/health/ready", r -> r.status() == 200
                    && r.body().path("kafka").path("reason").asText().contains("Kafka"), Duration.ofSeconds(20));
            assertEquals("unreachable", api.body().path("kafka").path("status").asText(), api.body().toString());
            awaitStatus(management, "/ready", 200);
        }
        // The same node without Kafka is ready, on both.
        int management2 = TestNode.freePort();
        try (TestNode node = TestNode.start(Map.of(
                "marketmesh.cluster.management.enabled", true,
                "pekko.management.http.port", management2,
                "marketmesh.venues.polymarket.enabled", false,
                "marketmesh.venues.kalshi.enabled", false))) {
            assertEquals(200, node.get("/health/ready").status());
            awaitStatus(management2, "/ready", 200);
        }
    }

    /** pekko-management's answer once it is {@code status}; it may not listen yet when the node has just started. */
    private static TestNode.Reply awaitStatus(int port, String path, int status) {
        return TestNode.awaitJson(port, path, r -> r.status() == status, Duration.ofSeconds(20));
    }
}
