package io.marketmesh.node.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.node.venue.registry.VenueAdapters;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real sockets feed one Kalshi market (relative deltas: a change applied twice would show) through one
 * MarketActor, as when a connection worker is restarted on another node while the old one still runs behind a
 * partition: the node's own worker's socket, and a second socket of the same worker index spawned by the test. Only
 * the socket whose snapshot the book holds writes it: the other's changes are dropped and counted (in the market's
 * state and the Prometheus metrics), the book stays fresh and equals the simulator's truth. When the writer's socket
 * goes down, the book is stale until the other socket's snapshot takes over, and is exact again.
 */
class OneWriterPerBookTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

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
    void onlyTheWriterFeedsTheBookAndTheOtherSocketTakesOverWhenTheWritersSocketGoesDown() {
        venues = SimulatedVenues.startUnsigned(0, 2, 40, 14);
        VenueSimulator simulator = venues.simulator();
        String symbol = simulator.markets(Venue.KALSHI).get(0);
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.put("marketmesh.venues.polymarket.enabled", false);
        settings.put("marketmesh.venues.kalshi.markets", List.of(symbol));
        settings.put("marketmesh.connection.workers-per-venue", 1);
        node = TestNode.start(settings);
        String path = "/api/v1/markets/kalshi/" + symbol;

        // The node's worker 0 writes the book.
        JsonNode first = node.awaitJson(path, r -> r.status() == 200 && !r.body().path("stale").asBoolean(true)
                && r.body().path("writer").isObject(), WAIT).body().path("writer");
        assertEquals(0, first.path("worker").asInt());
        long nodeGeneration = first.path("generation").asLong();

        // A second socket of worker 0 (a worker restarted elsewhere, say) follows the same market: its snapshot takes
        // over, and from then on the node's own socket's changes are dropped, counted, and never touch the book.
        TestProbe<ConnectionManager.Command> manager = TestProbe.create(node.system());
        node.system().systemActorOf(ConnectionActor.create(new ConnectionActor.Dependencies(
                        VenueAdapters.forVenue(Venue.KALSHI).orElseThrow(),
                        NodeConfig.venue(node.system().settings().config(), Venue.KALSHI),
                        ConnectionSettings.fromConfig(node.system().settings().config().getConfig("marketmesh.connection")),
                        MarketPublisher.NONE), 0, "", 0, manager.getRef()),
                "second-writer-socket", Props.empty());
        ActorRef<ConnectionActor.Command> second =
                manager.expectMessageClass(ConnectionManager.SocketStarting.class, WAIT).self();
        second.tell(new ConnectionActor.Subscribe(List.of(symbol)));
        JsonNode takenOver = node.awaitJson(path, r -> r.body().path("writer").path("generation").asLong() != nodeGeneration
                        && r.body().path("counters").path("droppedFromOtherWriter").asLong() >= 20, WAIT).body();
        assertEquals(0, takenOver.path("writer").path("worker").asInt());
        assertEquals(0, takenOver.path("writer").path("socket").asInt(), "the same worker index and socket id...");
        long secondGeneration = takenOver.path("writer").path("generation").asLong();
        assertTrue(secondGeneration != nodeGeneration, "...told apart by the socket's generation");
        assertEquals(1, takenOver.path("writer").path("takeOvers").asLong());
        assertTrue(droppedMetric() >= 20, "the drops are in the node's metrics too");

        simulator.pause();
        BookTruth.awaitBookEqualsTruth(node, simulator, Venue.KALSHI, symbol, WAIT);
        JsonNode state = node.get(path).body();
        assertEquals(0, state.path("counters").path("staleEvents").asLong(),
                "two sockets fed the book, yet it was never stale: " + state);
        simulator.resume();

        // The writer's socket goes down (asked twice for a snapshot, it gives up and reopens, carrying nothing now):
        // its book is stale, asks for a snapshot, and the node's own socket's snapshot takes over.
        second.tell(new ConnectionActor.Resync(symbol, "test: one resync", false));
        second.tell(new ConnectionActor.Resync(symbol, "test: the second one escalates", true));
        manager.fishForMessage(WAIT, m -> m instanceof ConnectionManager.SocketFailed
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
        JsonNode back = node.awaitJson(path, r -> r.body().path("writer").path("generation").asLong() == nodeGeneration
                && !r.body().path("stale").asBoolean(true), WAIT).body();
        assertEquals(2, back.path("writer").path("takeOvers").asLong());
        assertTrue(back.path("counters").path("staleEvents").asLong() >= 1, "stale while no writer fed it: " + back);

        simulator.pause();
        BookTruth.awaitBookEqualsTruth(node, simulator, Venue.KALSHI, symbol, WAIT);
    }

    /** {@code marketmesh_book_changes_dropped_total{reason="other_writer",venue="kalshi"}} on the node. */
    private long droppedMetric() {
        String text = node.get("/metrics").body().asText();
        for (String line : text.split("\n")) {
            if (line.startsWith("marketmesh_book_changes_dropped_total{") && line.contains("reason=\"other_writer\"")
                    && line.contains("venue=\"kalshi\"")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no other_writer drops for kalshi in /metrics:\n" + text);
    }
}
