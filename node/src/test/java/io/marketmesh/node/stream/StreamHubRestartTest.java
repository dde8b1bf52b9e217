package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failure inside the node's stream hub (a bug: known bad input never gets that far) must not leave the node unable to
 * stream until it restarts: the hub restarts, its clients are closed with 1011 and told to reconnect, and a client that
 * does gets its books again. The failure is provoked by a message no code path sends (a connect without a client).
 */
class StreamHubRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private SimulatedVenues venues;
    private TestNode node;
    private StreamClient before;
    private StreamClient after;

    @AfterEach
    void stop() {
        for (StreamClient client : new StreamClient[] {before, after}) {
            if (client != null) {
                client.close();
            }
        }
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void aFailedHubRestartsClosesItsClientsWith1011AndServesThemAgainWhenTheyReconnect() throws Exception {
        venues = SimulatedVenues.startUnsigned(0, 2, 20, 3);
        node = TestNode.start(venues.unsignedNodeSettings());
        String symbol = venues.simulator().markets(Venue.KALSHI).get(0);
        String channel = "book:kalshi:" + symbol;
        node.awaitJson("/api/v1/markets/kalshi/" + symbol, r -> r.status() == 200
                && r.body().path("hasBook").asBoolean() && !r.body().path("stale").asBoolean(true), WAIT);
        before = StreamClient.connect(node.httpPort());
        before.subscribe(1, null, channel);
        TestNode.await(() -> before.book(channel, "kalshi:" + symbol) != null, WAIT, "the first client's book");

        node.system().classicSystem().actorSelection("/user/stream-hub")
                .tell(new StreamHub.Connect(null, List.of(), 0), ActorRef.noSender());

        int[] closed = before.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1011, closed[0], "closed as an internal error");
        assertTrue(before.closeReason().get(1, TimeUnit.SECONDS).contains("reconnect"), before.closeReason().get());

        after = StreamClient.connect(node.httpPort());
        after.subscribe(2, null, channel);
        TestNode.await(() -> after.book(channel, "kalshi:" + symbol) != null, WAIT, "the book again, after the restart");
        assertEquals(List.of(), after.violations());
        // Counted where an operator looks; the counters outlive the restart.
        node.awaitJson("/api/v1/stream/clients", r -> r.body().path("connected").asInt() == 1, WAIT);
        assertEquals(1, node.get("/api/v1/stream/clients").body().path("disconnects").path("hub restarted").asInt(),
                node.get("/api/v1/stream/clients").body().toString());
    }
}
