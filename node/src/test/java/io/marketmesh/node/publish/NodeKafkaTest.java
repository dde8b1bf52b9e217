package io.marketmesh.node.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole node with Kafka enabled and no cluster configured starts its own broker and creates its topics. */
class NodeKafkaTest {

    @Test
    void aNodeWithoutBootstrapServersEmbedsABrokerWithItsTopicsAndStopsIt(@TempDir Path dataDir) throws Exception {
        Map<String, Object> settings = new HashMap<>(TestNode.embeddedKafka(dataDir));
        settings.put("marketmesh.venues.polymarket.enabled", false);
        settings.put("marketmesh.venues.kalshi.enabled", false);
        int port = (Integer) settings.get("marketmesh.kafka.embedded.port");
        String bootstrap = "127.0.0.1:" + port;

        try (TestNode node = TestNode.start(settings)) {     // returns once /health/ready answers 200
            assertEquals("ready", node.get("/health/ready").body().get("status").asText());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                Set<String> topics = admin.listTopics().names().get();
                assertTrue(topics.containsAll(Set.of("marketmesh.raw", "marketmesh.book", "marketmesh.trades",
                        "marketmesh.tickers", "marketmesh.status", "marketmesh.continuity", "marketmesh.snapshots")),
                        topics.toString());
            }
            assertTrue(Files.isRegularFile(dataDir.resolve("meta.properties")));
        }
        // Coordinated shutdown stopped the broker with the node.
        assertThrows(IOException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        });
    }
}
