package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestNode;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stream limits a node enforces: how many clients, and how long a silent one may stay. */
class StreamLimitsTest {

    private TestNode node;
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        pinger.shutdownNow();
        if (node != null) {
            node.close();
        }
    }

    @Test
    void oneClientTooManyIsRefusedWith503AndASilentClientIsClosedWith4000WhileAPingingOneStays() throws Exception {
        node = TestNode.start(Map.of("marketmesh.stream.max-clients", 2, "marketmesh.stream.idle-timeout", "3s"));
        try (StreamClient silent = StreamClient.connect(node.httpPort());
             StreamClient pinging = StreamClient.connect(node.httpPort())) {
            pinger.scheduleAtFixedRate(() -> pinging.ping("keep"), 0, 500, TimeUnit.MILLISECONDS);
            node.awaitJson("/api/v1/stream/clients", r -> r.body().path("connected").asInt() == 2, Duration.ofSeconds(20));
            CompletionException refused = assertThrows(CompletionException.class,
                    () -> StreamClient.connect(node.httpPort()));
            assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused.toString());
            assertEquals(503, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());

            int code = silent.closed().get(30, TimeUnit.SECONDS)[0];
            assertEquals(StreamHub.IDLE, code);
            assertTrue(silent.closeReason().get().startsWith("idle"), silent.closeReason().get());
            node.awaitJson("/api/v1/stream/clients", r -> r.body().path("disconnects").path("idle").asLong() == 1
                    && r.body().path("connected").asInt() == 1, Duration.ofSeconds(20));
            // The pinging client has been connected past the idle timeout too, and is still served.
            int before = pinging.count();
            pinging.ping("still");
            pinging.await(before, m -> m.path("id").asText().equals("still"), Duration.ofSeconds(20), "pong");
            assertFalse(pinging.closed().isDone());
            // A place is free again.
            try (StreamClient third = StreamClient.connect(node.httpPort())) {
                third.ping(1);
                third.await(0, m -> m.path("type").asText().equals("pong"), Duration.ofSeconds(20), "pong");
            }
        }
    }
}
