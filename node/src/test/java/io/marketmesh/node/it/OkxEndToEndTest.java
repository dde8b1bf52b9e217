package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real node following the simulated OKX over loopback (WebSocket and REST, the venue's documented formats), spot
 * pairs and linear swaps on the same sockets, through every fault the simulator throws at it: once the feed goes
 * quiet, every book the node serves over HTTP equals the venue's true book level by level, none stale.
 */
class OkxEndToEndTest {

    private static final Duration HEAL = Duration.ofSeconds(40);

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;

    @BeforeEach
    void startVenues() {
        venues = SimulatedVenues.startUnsigned(0, 0, 4, 150, 11);
        simulator = venues.simulator();
    }

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
    void discoveredSpotAndSwapBooksEqualTheVenuesTrueBooksAfterEveryFault() {
        List<String> markets = simulator.markets(Venue.OKX);
        assertEquals(List.of("BTC-USDT", "ETH-USDT", "PEPE-USDT", "SOL-USDC", "BTC-USDT-SWAP", "ETH-USDT-SWAP",
                "PEPE-USDT-SWAP", "SOL-USDC-SWAP"), markets);
        Map<String, Object> settings = nodeSettings(List.of());
        settings.put("marketmesh.venues.okx.discovery-limit", 8);
        node = TestNode.start(settings);

        // Discovery over the venue's REST API finds every live instrument; every book arrives and is checked.
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 8, HEAL);
        awaitAllBooks(markets);
        awaitCondition(() -> connections().size() == 3, "8 instruments at 3 per socket need 3 sockets");
        awaitCondition(() -> integrity("sequenceChecks") > 0 && integrity("checksumChecks") > 0,
                "seqId chains and checksums checked");

        // A truncated books frame and an undocumented event on every socket: counted, skipped, the sockets live on.
        long badBefore = sum(c -> c.path("badFrames").asLong());
        int sockets = simulator.sendMalformedFrame(Venue.OKX);
        assertEquals(3, sockets);
        assertEquals(3, simulator.sendUnknownEvent(Venue.OKX));
        awaitCondition(() -> sum(c -> c.path("badFrames").asLong()) >= badBefore + 2L * sockets, "bad frames counted");
        assertEquals(0, sum(c -> c.path("reconnects").asLong()), "bad frames must not cost a socket");

        // A dropped update on each socket: the next one's prevSeqId exposes it, the book is resubscribed.
        long gapsBefore = integrity("sequenceFailures");
        assertEquals(3, simulator.injectSequenceGap(Venue.OKX));
        awaitCondition(() -> integrity("sequenceFailures") >= gapsBefore + 3, "every dropped update seen as a gap");

        // A best level removed without a word: only the next update's checksum shows it, and the book is resubscribed.
        long checksumFailuresBefore = integrity("checksumFailures");
        assertEquals(1, simulator.hideTopOfBookChange(Venue.OKX));
        awaitCondition(() -> integrity("checksumFailures") > checksumFailuresBefore, "the hidden change caught by a checksum");

        // The service-upgrade notice: every socket reconnects.
        assertEquals(3, simulator.requestReconnect(Venue.OKX));
        awaitCondition(() -> sum(c -> c.path("reconnects").asLong()) >= 3, "every noticed socket reconnected");

        // Sockets closed by the venue: reconnected, resubscribed, rebuilt.
        long reconnects = sum(c -> c.path("reconnects").asLong());
        simulator.dropConnections(Venue.OKX);
        awaitCondition(() -> sum(c -> c.path("reconnects").asLong()) >= reconnects + 3, "every dropped socket reconnected");

        // Quiet (the sockets live on pings): every book equals the truth, none stale.
        simulator.pause();
        for (String symbol : markets) {
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.OKX, symbol, HEAL);
        }
        assertEquals(0, integrity("sequenceFailures") - gapsBefore - 3, "no gap but the dropped updates");
    }

    @Test
    void configuredInstrumentsFollowedByTheirNativeNamesIncludingAMicroPricedSwap() {
        List<String> followed = List.of("BTC-USDT", "PEPE-USDT-SWAP", "SOL-USDC");
        node = TestNode.start(nodeSettings(followed));
        awaitAllBooks(followed);
        simulator.pause();
        for (String symbol : followed) {
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.OKX, symbol, HEAL);
        }
        JsonNode pepe = node.get("/api/v1/markets/okx/PEPE-USDT-SWAP/book?depth=1").body();
        assertTrue(pepe.path("bids").path(0).path(0).asText().startsWith("0.0000"), pepe.toString());
        assertEquals(3, node.get("/api/v1/markets").body().path("total").asInt());
    }

    @Test
    void aBookTheVenueWillNotResnapshotOnItsSocketIsHealedByReopeningIt() {
        Map<String, Object> settings = nodeSettings(List.of("BTC-USDT", "ETH-USDT-SWAP"));
        // A long silence watchdog, so that only the resync escalation can reopen the socket.
        settings.put("marketmesh.venues.okx.stale-after", "20s");
        node = TestNode.start(settings);
        awaitAllBooks(List.of("BTC-USDT", "ETH-USDT-SWAP"));

        // The open socket now ignores (re)subscriptions, and an update goes missing: resubscribing cannot help.
        simulator.ignoreResubscriptions(Venue.OKX);
        assertEquals(1, simulator.injectSequenceGap(Venue.OKX));
        node.awaitJson("/api/v1/venues", r -> {
            for (JsonNode c : okx(r.body()).path("connections")) {
                if (c.path("lastError").asText("").startsWith("no snapshot for ") && c.path("reconnects").asLong() >= 1) {
                    return true;
                }
            }
            return false;
        }, HEAL);
        simulator.pause();
        for (String symbol : List.of("BTC-USDT", "ETH-USDT-SWAP")) {
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.OKX, symbol, HEAL);
        }
    }

    private Map<String, Object> nodeSettings(List<String> markets) {
        Map<String, Object> settings = venues.cryptoNodeSettings(Venue.OKX, markets);
        // One connection worker, so the socket count follows from markets-per-socket alone.
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put("marketmesh.venues.okx.markets-per-socket", 3);
        settings.put("marketmesh.venues.okx.stale-after", "5s");
        return settings;
    }

    private void awaitAllBooks(List<String> symbols) {
        for (String symbol : symbols) {
            node.awaitJson("/api/v1/markets/okx/" + symbol, r -> r.status() == 200 && r.body().path("hasBook").asBoolean(),
                    HEAL);
        }
    }

    private long integrity(String counter) {
        return okx(node.get("/api/v1/venues").body()).path("integrity").path(counter).asLong();
    }

    private List<JsonNode> connections() {
        List<JsonNode> list = new ArrayList<>();
        okx(node.get("/api/v1/venues").body()).path("connections").forEach(list::add);
        return list;
    }

    private long sum(ToLongFunction<JsonNode> field) {
        return connections().stream().mapToLong(field).sum();
    }

    private static JsonNode okx(JsonNode venuesBody) {
        for (JsonNode v : venuesBody.path("venues")) {
            if (v.path("venue").asText().equals(Venue.OKX.id())) {
                return v;
            }
        }
        throw new AssertionError("no okx in " + venuesBody);
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        TestNode.await(condition, HEAL, what);
    }
}
