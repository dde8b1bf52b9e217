package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
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
 * One node following BTC-USDT on the simulated Binance (update-id chained diffs), Kraken (a 10-level window with
 * CRC32 checksums) and OKX (seqId chain and checksums) while the simulator shifts the venues' books until one venue's
 * bid is above another's ask, and back: every shift reaches the node as the venue's own book changes, so each book
 * the node serves equals the venue's true book, fresh, and no integrity check fails on the way.
 */
class CrossingBooksEndToEndTest {

    private static final Duration HEAL = Duration.ofSeconds(40);
    private static final Map<Venue, String> BTC_USDT = Map.of(Venue.BINANCE, "BTCUSDT", Venue.KRAKEN, "BTC/USDT",
            Venue.OKX, "BTC-USDT");

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;

    @BeforeEach
    void start() {
        venues = SimulatedVenues.startUnsigned(0, 0, 2, 100, 21);
        simulator = venues.simulator();
        Map<String, Object> settings = new HashMap<>();
        for (Map.Entry<Venue, String> market : BTC_USDT.entrySet()) {
            settings.putAll(venues.cryptoNodeSettings(market.getKey(), List.of(market.getValue())));
        }
        node = TestNode.start(settings);
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
    void shiftedBooksCrossAcrossVenuesAndUncrossAndTheNodeFollowsEveryShift() {
        for (Map.Entry<Venue, String> market : BTC_USDT.entrySet()) {
            node.awaitJson("/api/v1/markets/" + market.getKey().id() + "/" + encode(market.getValue()),
                    r -> r.status() == 200 && r.body().path("hasBook").asBoolean(), HEAL);
        }
        simulator.pause();
        awaitEveryBookEqualsTruth();
        Map<Venue, Long> failures = integrityFailures();
        long krakenChecksums = integrity(Venue.KRAKEN, "checksumChecks");
        long okxChecksums = integrity(Venue.OKX, "checksumChecks");
        long binanceChecks = integrity(Venue.BINANCE, "sequenceChecks");
        Map<Venue, BookSnapshot> calm = new HashMap<>();
        BTC_USDT.forEach((venue, symbol) -> calm.put(venue, simulator.trueBook(venue, symbol)));

        // OKX up 20.00 USDT, Binance down 20.00: OKX's bid is now above Binance's ask (buy on Binance, sell on OKX).
        assertEquals(2000, simulator.shiftBook(Venue.OKX, "BTC-USDT", 2000));
        assertEquals(-2000, simulator.shiftBook(Venue.BINANCE, "BTCUSDT", -2000));
        assertTrue(bestBid(Venue.OKX) > bestAsk(Venue.BINANCE), "crossed: OKX bid over Binance ask");
        // Kraken's windowed book jumps above both: every level of its window is new.
        assertEquals(5000, simulator.shiftBook(Venue.KRAKEN, "BTC/USDT", 5000));
        assertTrue(bestBid(Venue.KRAKEN) > bestAsk(Venue.OKX), "crossed: Kraken bid over OKX ask");
        awaitEveryBookEqualsTruth();

        // And back: the books are exactly what they were, the node with them.
        simulator.shiftBook(Venue.OKX, "BTC-USDT", -2000);
        simulator.shiftBook(Venue.BINANCE, "BTCUSDT", 2000);
        simulator.shiftBook(Venue.KRAKEN, "BTC/USDT", -5000);
        BTC_USDT.forEach((venue, symbol) -> assertEquals(calm.get(venue), simulator.trueBook(venue, symbol),
                venue + " back where it was"));
        awaitEveryBookEqualsTruth();

        // A shift while the books are moving too: the node still follows once the feed is paused again.
        simulator.resume();
        simulator.shiftBook(Venue.OKX, "BTC-USDT", -3000);
        simulator.shiftBook(Venue.KRAKEN, "BTC/USDT", 3000);
        simulator.shiftBook(Venue.BINANCE, "BTCUSDT", 1500);
        simulator.pause();
        awaitEveryBookEqualsTruth();
        // Each shift of ~24 levels a side sends a frame per level change inside what the socket follows; the
        // sockets report their counts every status-interval.
        TestNode.await(() -> integrity(Venue.KRAKEN, "checksumChecks") >= krakenChecksums + 40
                && integrity(Venue.OKX, "checksumChecks") >= okxChecksums + 100
                && integrity(Venue.BINANCE, "sequenceChecks") >= binanceChecks + 100, HEAL, "checks counted while shifting");
        assertEquals(failures, integrityFailures(), "no sequence or checksum failure: the shifts were ordinary updates");
    }

    private long integrity(Venue venue, String counter) {
        for (JsonNode v : node.get("/api/v1/venues").body().path("venues")) {
            if (v.path("venue").asText().equals(venue.id())) {
                return v.path("integrity").path(counter).asLong();
            }
        }
        throw new AssertionError("no " + venue.id() + " in /api/v1/venues");
    }

    private void awaitEveryBookEqualsTruth() {
        BTC_USDT.forEach((venue, symbol) -> BookTruth.awaitBookEqualsTruth(node, simulator, venue, symbol, HEAL));
    }

    private long bestBid(Venue venue) {
        return simulator.trueBook(venue, BTC_USDT.get(venue)).bids().get(0).price();
    }

    private long bestAsk(Venue venue) {
        return simulator.trueBook(venue, BTC_USDT.get(venue)).asks().get(0).price();
    }

    /** Sequence plus checksum failures each venue's integrity checks counted. */
    private Map<Venue, Long> integrityFailures() {
        Map<Venue, Long> failures = new HashMap<>();
        for (JsonNode v : node.get("/api/v1/venues").body().path("venues")) {
            Venue venue = Venue.fromId(v.path("venue").asText());
            if (BTC_USDT.containsKey(venue)) {
                JsonNode integrity = v.path("integrity");
                failures.put(venue, integrity.path("sequenceFailures").asLong() + integrity.path("checksumFailures").asLong());
            }
        }
        assertEquals(BTC_USDT.keySet(), failures.keySet());
        return failures;
    }

    private static String encode(String symbol) {
        return java.net.URLEncoder.encode(symbol, java.nio.charset.StandardCharsets.UTF_8);
    }
}
