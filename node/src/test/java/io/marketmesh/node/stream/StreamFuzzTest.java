package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.HeldBooks;
import io.marketmesh.node.testkit.RawWebSocket;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile WebSocket frames on {@code /api/v1/stream} of a real node following the simulated Polymarket, Kalshi and
 * Kraken, while a well-behaved client on the same node follows every book. {@value #FRAMES} steps: malformed JSON,
 * wrong types, unknown ops, bad and huge channel lists, binary and oversized messages, fragmented ones, control
 * frames, and breaches of the WebSocket protocol. Each message is answered on the same socket (an {@code error}, or
 * the {@code pong} of a ping that happened to be valid); a breach is answered with a protocol close code (never 1011,
 * never silence), after which the test connects again and goes on. The node stays ready, and afterwards the
 * well-behaved client holds every book exactly as the venue has it.
 *
 * <p>Deterministic by seed: {@code -Dmarketmesh.fuzz.seed=<n>} replays a run; a failure names the seed and frames.
 */
class StreamFuzzTest {

    static final int FRAMES = 1000;
    private static final long SEED = Long.getLong("marketmesh.fuzz.seed", 14L);
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final Set<String> ANSWERS = Set.of("error", "pong", "subscribed", "unsubscribed");
    /** Close codes a breach may get: protocol error, unacceptable data, invalid payload, policy, too big. */
    private static final Set<Integer> BREACH_CLOSES = Set.of(1002, 1003, 1007, 1008, 1009);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimulatedVenues venues;
    private TestNode node;
    private StreamClient healthy;
    private RawWebSocket hostile;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, TreeMap<String, Integer>> outcomes = new TreeMap<>();

    @AfterEach
    void stop() {
        if (hostile != null) {
            hostile.close();
        }
        if (healthy != null) {
            healthy.close();
        }
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void hostileFramesAreAnsweredAndAWellBehavedClientKeepsExactBooks() {
        System.out.println("StreamFuzzTest seed " + SEED + " (replay: -Dmarketmesh.fuzz.seed=" + SEED + ")");
        venues = SimulatedVenues.startUnsigned(3, 4, 2, 100, SEED);
        VenueSimulator simulator = venues.simulator();
        Map<String, Object> settings = new HashMap<>(venues.unsignedNodeSettings());
        settings.putAll(venues.cryptoNodeSettings(Venue.KRAKEN, List.of()));
        settings.put("marketmesh.stream.max-message-bytes", 4096);
        node = TestNode.start(settings);
        List<Venue> followedVenues = List.of(Venue.POLYMARKET, Venue.KALSHI, Venue.KRAKEN);
        List<String> markets = new ArrayList<>();
        followedVenues.forEach(venue -> simulator.markets(venue).forEach(symbol -> markets.add(venue.id() + ":" + symbol)));
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == markets.size(), WAIT);

        healthy = StreamClient.connect(node.httpPort());
        healthy.subscribe("books", null, "book:polymarket:*", "book:kalshi:*", "book:kraken:*");
        healthy.await(0, m -> m.path("type").asText().equals("subscribed"), WAIT, "the well-behaved client is subscribed");

        HostileFrames frames = new HostileFrames(new Random(SEED), markets, 4096);
        hostile = connect();
        for (int i = 0; i < FRAMES; i++) {
            HostileFrames.Frames step = frames.next();
            String where = "seed " + SEED + " step #" + i + " " + step.what();
            String outcome = send(step) ? answer(i, step, where) : "refused at send";
            outcomes.computeIfAbsent(step.kind(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
            if (i % 100 == 0) {
                TestNode.Reply ready = node.get("/health/ready");
                assertEquals(200, ready.status(), "seed " + SEED + ": not ready after step #" + i + ": " + ready);
                assertFalse(healthy.closed().isDone(), "seed " + SEED + ": the well-behaved client was closed by step #" + i);
            }
        }
        System.out.println("StreamFuzzTest outcomes: " + outcomes);
        assertEquals(List.of(), failures.subList(0, Math.min(30, failures.size())),
                failures.size() + " failures, seed " + SEED + "; outcomes " + outcomes);

        simulator.pause();
        for (String market : markets) {
            Venue venue = Venue.fromId(market.substring(0, market.indexOf(':')));
            String symbol = market.substring(market.indexOf(':') + 1);
            BookSnapshot truth = simulator.trueBook(venue, symbol);
            TestNode.await(() -> {
                HeldBooks.HeldBook held = healthy.book("book:" + venue.id() + ":*", market);
                return held != null && !held.stale && held.bidLevels().equals(truth.bids())
                        && held.askLevels().equals(truth.asks());
            }, WAIT, "the well-behaved client holds " + market + " as the venue has it");
        }
        assertEquals(List.of(), healthy.violations());
        assertFalse(healthy.closed().isDone(), "the well-behaved client is still connected");
        hostile.close();
        node.awaitJson("/api/v1/stream/clients", r -> r.body().path("connected").asInt() == 1, WAIT);
        assertTrue(healthy.count() > 0);
    }

    private boolean send(HostileFrames.Frames step) {
        try {
            for (HostileFrames.Frame frame : step.frames()) {
                hostile.sendFrame(frame.first(), frame.masked(), frame.payload());
            }
            return true;
        } catch (UncheckedIOException e) {
            // The node closed the socket under the frame (after a breach): what it answered is read below all the same.
            return true;
        }
    }

    /** Reads what the node answers to one step and returns the outcome's name; notes a failure. */
    private String answer(int i, HostileFrames.Frames step, String where) {
        String sync = "sync-" + i;
        if (!step.needsAnswer() && !step.breach()) {
            hostile.sendText("{\"op\":\"ping\",\"id\":\"" + sync + "\"}");
        }
        while (true) {
            RawWebSocket.Frame frame;
            try {
                frame = hostile.read();
            } catch (UncheckedIOException e) {
                return ended(step, where, e.getCause() instanceof java.net.SocketTimeoutException ? "no answer in time"
                        : "connection ended without a close frame");
            }
            if (frame.opcode() == 8) {
                return ended(step, where, "close " + frame.closeCode());
            }
            JsonNode message = parse(frame.text());
            if (message == null) {
                fail(where + ": an answer that is not JSON: " + HostileFrames.abbreviate(frame.text()));
                return "not JSON";
            }
            String type = message.path("type").asText();
            if (!ANSWERS.contains(type)) {
                continue;
            }
            if (step.breach()) {
                // pekko-http may pass a frame it tolerates (say a close code it takes) and answer our next ping.
                return "answered " + type;
            }
            if (!step.needsAnswer() && !sync.equals(message.path("id").asText())) {
                continue;
            }
            if (type.equals("error") && !(message.path("error").isTextual() && message.path("message").isTextual())) {
                fail(where + ": an error without error and message: " + message);
            }
            return type.equals("error") ? "error " + message.path("error").asText() : type;
        }
    }

    /** The socket closed or fell silent: acceptable after a breach with a protocol close code; reconnects. */
    private String ended(HostileFrames.Frames step, String where, String how) {
        boolean acceptable = step.breach() && how.startsWith("close ")
                && BREACH_CLOSES.contains(Integer.parseInt(how.substring("close ".length())));
        if (step.breach() && how.equals("connection ended without a close frame")) {
            acceptable = true;
        }
        if (!acceptable) {
            fail(where + ": " + how);
        }
        hostile.close();
        hostile = connect();
        return how;
    }

    private RawWebSocket connect() {
        RawWebSocket socket = RawWebSocket.connect(node.httpPort(), "/api/v1/stream", 1 << 20);
        socket.readTimeout(ANSWER);
        return socket;
    }

    private void fail(String failure) {
        if (failures.size() < 200) {
            System.out.println("FUZZ FAILURE " + failure);
        }
        failures.add(failure);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
