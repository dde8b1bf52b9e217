package io.marketmesh.node.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.node.venue.kalshi.KalshiKeys;
import io.marketmesh.protocol.Venue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The book checker against a real simulator and a real node: equal books pass; a node that follows another
 * simulator (same Kalshi tickers, books from another seed; other Polymarket tokens) fails with the differences named.
 */
class BookCheckTest {

    private static final String KEY_ID = "book-check-key";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private ActorSystem<Void> venues;
    private KeyPair keys;
    private VenueSimulator checked;
    private VenueSimulator other;
    private TestNode node;

    @BeforeEach
    void startSimulator() {
        keys = KalshiKeys.newKeyPair();
        venues = TestNode.localSystem("book-check-venues");
        checked = VenueSimulator.start(venues, new SimulatorSettings(0, 2, 3, 200, 7, keys.getPublic(), KEY_ID));
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        for (VenueSimulator simulator : new VenueSimulator[] {checked, other}) {
            if (simulator != null) {
                simulator.close();
            }
        }
        venues.terminate();
    }

    @Test
    void everyBookOfAHealthyNodeIsEqual() throws Exception {
        node = TestNode.start(followSettings(checked));
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        BookCheck.Result result = BookCheck.run(options(checked, true, WAIT), new PrintStream(output, true, StandardCharsets.UTF_8));

        String printed = output.toString(StandardCharsets.UTF_8);
        assertTrue(result.allEqual(), printed);
        assertEquals(7, result.markets(), "2 Polymarket markets (4 tokens) and 3 Kalshi markets");
        assertEquals(7, result.equal());
        assertTrue(printed.contains("book check PASSED: 7 market(s) checked on 1 node(s): 7 equal, 0 mismatched"), printed);
    }

    @Test
    void aNodeServingOtherBooksIsAMismatchWithItsDifferences() throws Exception {
        // Same market counts, another seed: the same Kalshi tickers with other books, other Polymarket token ids.
        other = VenueSimulator.start(venues, new SimulatorSettings(0, 2, 3, 200, 8, keys.getPublic(), KEY_ID));
        assertEquals(checked.markets(Venue.KALSHI), other.markets(Venue.KALSHI));
        node = TestNode.start(followSettings(other));
        for (String symbol : other.markets(Venue.KALSHI)) {
            node.awaitJson("/api/v1/markets/kalshi/" + symbol,
                    r -> r.status() == 200 && r.body().path("hasBook").asBoolean() && !r.body().path("stale").asBoolean(), WAIT);
        }
        other.pause();
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        BookCheck.Result result = BookCheck.run(options(checked, true, Duration.ofSeconds(5)),
                new PrintStream(output, true, StandardCharsets.UTF_8));

        String printed = output.toString(StandardCharsets.UTF_8);
        assertFalse(result.allEqual(), printed);
        assertEquals(7, result.mismatches().size(), printed);
        for (String symbol : checked.markets(Venue.POLYMARKET)) {
            assertEquals(List.of("127.0.0.1:" + node.httpPort() + ": market not followed (404)"),
                    result.mismatches().get("polymarket:" + symbol), printed);
        }
        for (String symbol : checked.markets(Venue.KALSHI)) {
            List<String> problems = result.mismatches().get("kalshi:" + symbol);
            assertTrue(problems.stream().anyMatch(p -> p.contains("bids") || p.contains("asks")),
                    "the book's levels differ: " + problems);
            assertTrue(problems.stream().noneMatch(p -> p.contains("stale")), "a fresh book, only other levels: " + problems);
        }
        assertTrue(printed.contains("book check FAILED: 7 market(s) checked on 1 node(s): 0 equal, 7 mismatched"), printed);
    }

    @Test
    void theCommandLineNeedsASimulatorAndNodes() {
        BookCheck.Options options = BookCheck.Options.parse("--simulator", "http://127.0.0.1:9900/", "--nodes",
                "http://127.0.0.1:8081, http://127.0.0.1:8082", "--pause", "--timeout", "90");
        assertEquals(URI.create("http://127.0.0.1:9900"), options.simulator());
        assertEquals(List.of(URI.create("http://127.0.0.1:8081"), URI.create("http://127.0.0.1:8082")), options.nodes());
        assertTrue(options.pause());
        assertEquals(Duration.ofSeconds(90), options.timeout());
        assertThrows(IllegalArgumentException.class, () -> BookCheck.Options.parse("--nodes", "http://127.0.0.1:8081"));
        assertThrows(IllegalArgumentException.class, () -> BookCheck.Options.parse("--simulator", "http://127.0.0.1:9900"));
        assertThrows(IllegalArgumentException.class, () -> BookCheck.Options.parse("--simulator", "http://127.0.0.1:9900",
                "--nodes", "http://127.0.0.1:8081", "--timeout", "soon"));
    }

    private BookCheck.Options options(VenueSimulator simulator, boolean pause, Duration timeout) {
        return new BookCheck.Options(URI.create(simulator.controlUrl()), List.of(URI.create("http://127.0.0.1:" + node.httpPort())),
                pause, false, timeout, Duration.ofSeconds(2));
    }

    private Map<String, Object> followSettings(VenueSimulator simulator) throws Exception {
        Path keyFile = Files.createTempFile(tmp, "kalshi-", ".pem");
        Files.writeString(keyFile, KalshiKeys.privateKeyPem(keys.getPrivate()), StandardCharsets.US_ASCII);
        Map<String, Object> settings = new HashMap<>();
        settings.put("marketmesh.venues.polymarket.ws-url", simulator.polymarketWsUrl());
        settings.put("marketmesh.venues.polymarket.rest-url", simulator.polymarketRestUrl());
        settings.put("marketmesh.venues.kalshi.ws-url", simulator.kalshiWsUrl());
        settings.put("marketmesh.venues.kalshi.rest-url", simulator.kalshiRestUrl());
        settings.put("marketmesh.venues.kalshi.key-id", KEY_ID);
        settings.put("marketmesh.venues.kalshi.private-key-file", keyFile.toString());
        return settings;
    }
}
