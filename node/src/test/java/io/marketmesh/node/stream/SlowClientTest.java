package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.HeldBooks;
import io.marketmesh.node.testkit.RawWebSocket;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading while the feed runs: it must not change what a healthy client gets, its own buffer stays
 * bounded, and it is conflated (one fresh snapshot per book once it reads again) or closed with 1008, as configured.
 */
class SlowClientTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    /** marketmesh.stream.buffer-messages, the default. */
    private static final int BUFFER = 4096;
    private static final String SUBSCRIBE =
            "{\"op\":\"subscribe\",\"id\":1,\"channels\":[\"book:polymarket:*\",\"book:kalshi:*\"]}";

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;
    private StreamClient healthy;
    private RawWebSocket stalled;

    @BeforeEach
    void start() {
        venues = SimulatedVenues.startUnsigned(4, 5, 1500, 5);
        simulator = venues.simulator();
    }

    @AfterEach
    void stop() {
        if (healthy != null) {
            healthy.close();
        }
        if (stalled != null) {
            stalled.close();
        }
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void aStalledClientIsConflatedAndCatchesUpWithFreshSnapshotsWhileAHealthyOneMissesNothing() {
        Map<String, Object> settings = new HashMap<>(venues.unsignedNodeSettings());
        settings.put("marketmesh.stream.slow-client-close-after", "0s");
        node = TestNode.start(settings);
        awaitMarkets();

        connectHealthyAndStalled();
        // Not read from here on: the node's socket to it fills (the kernel's buffers: megabytes), then its buffer.
        StreamClient.awaitStuck(node, 2, healthy);

        // The feed runs on: the healthy client keeps up, never conflated, nothing skipped.
        int seen = healthy.count();
        TestNode.await(() -> healthy.count() > seen + 1000, WAIT, "the healthy client keeps receiving");
        JsonNode report = node.get("/api/v1/stream/clients").body();
        JsonNode healthyReport = client(report, c -> !c.path("behind").asBoolean());
        assertEquals(0, healthyReport.path("conflations").asLong(), "the healthy client is never conflated: " + report);
        JsonNode stalledReport = client(report, c -> c.path("behind").asBoolean());
        assertTrue(stalledReport.path("queued").asInt() <= BUFFER, "its buffer is bounded: " + stalledReport);

        // It reads again: it gets one fresh snapshot per book it fell behind on, and ends with the true books.
        simulator.pause();
        HeldBooks held = new HeldBooks();
        stalled.readInto(held);
        for (Venue venue : List.of(Venue.POLYMARKET, Venue.KALSHI)) {
            for (String symbol : simulator.markets(venue)) {
                awaitTrueBook(healthy::book, venue, symbol);
                awaitTrueBook(held::book, venue, symbol);
            }
        }
        JsonNode after = node.get("/api/v1/stream/clients").body();
        assertTrue(after.path("conflations").asLong() > 0, "the stalled client's books came back as snapshots: " + after);
        assertEquals(List.of(), held.violations());
        assertEquals(List.of(), healthy.violations());
    }

    @Test
    void withTheClosePolicyAStalledClientIsClosedWith1008() {
        Map<String, Object> settings = new HashMap<>(venues.unsignedNodeSettings());
        settings.put("marketmesh.stream.slow-client-policy", "close");
        node = TestNode.start(settings);
        awaitMarkets();
        connectHealthyAndStalled();
        node.awaitJson("/api/v1/stream/clients", r -> r.body().path("disconnects").path("too slow").asLong() == 1, WAIT);

        // Reading again, it finds what had reached its socket, then the close frame with the reason.
        RawWebSocket.Frame frame;
        do {
            frame = stalled.read();
        } while (frame.opcode() == 1);
        assertEquals(8, frame.opcode());
        assertEquals(1008, frame.closeCode());
        assertTrue(frame.text().startsWith("too slow"), frame.text());
        int seen = healthy.count();
        TestNode.await(() -> healthy.count() > seen + 200, WAIT, "the healthy client goes on");
        assertEquals(List.of(), healthy.violations());
    }

    private void awaitMarkets() {
        int all = simulator.markets(Venue.POLYMARKET).size() + simulator.markets(Venue.KALSHI).size();
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == all, WAIT);
    }

    /** Client 1 reads everything; client 2 subscribes the same and reads nothing from then on. */
    private void connectHealthyAndStalled() {
        healthy = StreamClient.connect(node.httpPort());
        healthy.subscribe(1, null, "book:polymarket:*", "book:kalshi:*");
        stalled = RawWebSocket.connect(node.httpPort(), "/api/v1/stream", 4096);
        stalled.sendText(SUBSCRIBE);
    }

    private static JsonNode client(JsonNode report, java.util.function.Predicate<JsonNode> condition) {
        for (JsonNode c : report.path("clients")) {
            if (condition.test(c)) {
                return c;
            }
        }
        return null;
    }

    private void awaitTrueBook(java.util.function.BiFunction<String, String, HeldBooks.HeldBook> books, Venue venue,
                               String symbol) {
        BookSnapshot truth = simulator.trueBook(venue, symbol);
        String subscription = "book:" + venue.id() + ":*";
        TestNode.await(() -> {
            HeldBooks.HeldBook held = books.apply(subscription, venue.id() + ":" + symbol);
            return held != null && !held.stale && held.bidLevels().equals(truth.bids())
                    && held.askLevels().equals(truth.asks());
        }, WAIT, venue.id() + ":" + symbol + " equals the truth");
    }
}
