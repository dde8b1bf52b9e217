package io.marketmesh.node.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two checks deploy/local's failover and chaos scripts rely on, against a real node, simulator and broker:
 * {@link FreshWatch} says when every market is served fresh (and says so not when a node never answers), and
 * {@link TopicCheck} rebuilds every book from the book topic equal to the venue's, with no unannounced hole (and names
 * the books it cannot rebuild equal when the topic holds another venue's books).
 */
class OperatorChecksTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The venues the node follows (the simulator also serves a Crypto.com perpetual, which it does not). */
    private static final Set<Venue> FOLLOWED = Set.of(Venue.POLYMARKET, Venue.KALSHI);

    @TempDir
    Path tmp;

    private SimulatedVenues venues;
    private SimulatedVenues others;
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        for (SimulatedVenues v : new SimulatedVenues[] {venues, others}) {
            if (v != null) {
                v.close();
            }
        }
    }

    @Test
    void theFreshWatchSeesEveryMarketFreshAndNotSoOnANodeThatNeverAnswers() {
        venues = SimulatedVenues.startUnsigned(1, 2, 0, 20, 5);
        node = TestNode.start(venues.unsignedNodeSettings());
        awaitEveryBookFresh();
        URI simulator = URI.create(venues.simulator().controlUrl());
        URI live = URI.create("http://127.0.0.1:" + node.httpPort());

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        boolean fresh = new FreshWatch(simulator, List.of(live), System.currentTimeMillis(), Duration.ofSeconds(30), 100,
                new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(fresh, out);
        assertTrue(out.contains("every market fresh on every node (4 market(s) x 1 node(s)); none was seen not fresh"),
                out);

        URI silent = URI.create("http://127.0.0.1:" + TestNode.freePort());
        printed.reset();
        boolean freshEverywhere = new FreshWatch(simulator, List.of(live, silent), System.currentTimeMillis(),
                Duration.ofSeconds(3), 100, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        out = printed.toString(StandardCharsets.UTF_8);
        assertFalse(freshEverywhere, out);
        assertTrue(out.contains("NOT every market fresh on every node by the timeout (3 s)"), out);
    }

    @Test
    void theTopicCheckRebuildsEveryBookFromTheTopicAndNamesTheOnesItCannot() {
        venues = SimulatedVenues.startUnsigned(1, 2, 0, 20, 5);
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.putAll(TestNode.embeddedKafka(tmp.resolve("kafka")));
        node = TestNode.start(settings);
        awaitEveryBookFresh();
        String bootstrap = "127.0.0.1:" + settings.get("marketmesh.kafka.embedded.port");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TopicCheck check = new TopicCheck(URI.create(venues.simulator().controlUrl()), FOLLOWED, bootstrap, "marketmesh.book",
                "marketmesh.continuity", WAIT, Duration.ofSeconds(5), new PrintStream(printed, true, StandardCharsets.UTF_8));
        check.control("pause");
        TopicCheck.Result result = check.run();
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(result.passed(), out);
        assertEquals(4, result.markets(), "1 Polymarket market (2 tokens) and 2 Kalshi markets: " + out);
        assertTrue(result.records() >= 4, out);
        assertTrue(result.mismatches().isEmpty(), out);

        // The same market names with other books (another seed): the topic's books are not this venue's.
        others = SimulatedVenues.startUnsigned(1, 2, 0, 20, 6);
        assertEquals(venues.simulator().markets(Venue.KALSHI),
                others.simulator().markets(Venue.KALSHI));
        printed.reset();
        TopicCheck wrong = new TopicCheck(URI.create(others.simulator().controlUrl()), FOLLOWED, bootstrap, "marketmesh.book",
                "marketmesh.continuity", Duration.ofSeconds(5), Duration.ofSeconds(5),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        wrong.control("pause");
        TopicCheck.Result mismatched = wrong.run();
        out = printed.toString(StandardCharsets.UTF_8);
        assertFalse(mismatched.passed(), out);
        for (String kalshi : others.simulator().markets(Venue.KALSHI)) {
            assertTrue(mismatched.mismatches().containsKey("kalshi:" + kalshi), mismatched.mismatches() + "\n" + out);
        }
    }

    private void awaitEveryBookFresh() {
        for (String path : venues.marketPaths()) {
            node.awaitJson("/api/v1/markets/" + path, r -> r.status() == 200 && r.body().path("hasBook").asBoolean()
                    && !r.body().path("stale").asBoolean(true), WAIT);
        }
    }
}
