package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.RawHttp;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile HTTP against a real node following the simulated Polymarket, Kalshi and Kraken: {@value #CLIENT_REQUESTS}
 * mutated requests over {@code java.net.http} (every route, every method on every path, bad parameters and bodies)
 * and {@value #RAW_REQUESTS} broken ones on raw sockets (bad request lines and versions, huge headers, NUL bytes,
 * bad percent-encoding, Content-Length lies, chunked garbage, HTTP/0.9), then slow clients holding requests half
 * sent. Every answer is below 500 (501 for a method the server does not know) and every error carries the API's JSON
 * body, a request whose head is complete is never dropped unanswered, the node stays ready throughout, nothing
 * followed or declared changes, no event stream is left behind, and afterwards every book equals the venue's truth.
 * Slow clients get no answer within the test's short wait (pekko-http closes them after its idle-timeout), and hold
 * nothing up meanwhile.
 *
 * <p>Deterministic by seed: {@code -Dmarketmesh.fuzz.seed=<n>} replays a run; a failure names the seed and request.
 */
class HttpApiFuzzTest {

    static final int CLIENT_REQUESTS = 760;
    static final int RAW_REQUESTS = 300;
    private static final int SLOW_CLIENTS = 40;
    private static final long SEED = Long.getLong("marketmesh.fuzz.seed", 14L);
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimulatedVenues venues;
    private TestNode node;
    private final List<String> failures = new ArrayList<>();
    /** What each kind of broken request got back, for the summary printed at the end. */
    private final Map<String, TreeMap<String, Integer>> outcomes = new TreeMap<>();

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    /** Without tokens, and without the rate limit on mutations, so every hostile body reaches validation. */
    @Test
    void hostileRequestsAreRefusedWithoutHarm() throws Exception {
        fuzz(Map.of("marketmesh.http.limits.mutations-per-second", 0), null, CLIENT_REQUESTS, RAW_REQUESTS, SLOW_CLIENTS);
    }

    /**
     * With API tokens (docs/security.md) and the default rate limit: mutations carry a read-write token (so they reach
     * validation), a read-only one, none, or a hostile one (empty, {@code Bearer} alone, 10,000 characters,
     * non-ASCII, two headers); none is taken, every answer is a 4xx.
     */
    @Test
    void hostileRequestsWithTokensConfiguredAreRefusedWithoutHarm(@TempDir Path tmp) throws Exception {
        Path tokens = ApiTokensNodeTest.tokensFile(tmp);
        fuzz(Map.of("marketmesh.http.auth.tokens-file", tokens.toString()),
                new HostileHttp.Tokens(ApiTokensNodeTest.WRITER, ApiTokensNodeTest.READER), 400, 100, 10);
    }

    private void fuzz(Map<String, Object> extra, HostileHttp.Tokens tokens, int clientRequests, int rawRequests,
                      int slowClients) throws Exception {
        System.out.println("HttpApiFuzzTest seed " + SEED + " (replay: -Dmarketmesh.fuzz.seed=" + SEED + ")");
        venues = SimulatedVenues.startUnsigned(3, 4, 2, 100, SEED);
        VenueSimulator simulator = venues.simulator();
        Map<String, Object> settings = new java.util.HashMap<>(venues.unsignedNodeSettings());
        settings.putAll(venues.cryptoNodeSettings(Venue.KRAKEN, List.of()));
        settings.putAll(extra);
        node = TestNode.start(settings);
        List<String[]> markets = new ArrayList<>();
        for (Venue venue : List.of(Venue.POLYMARKET, Venue.KALSHI, Venue.KRAKEN)) {
            simulator.markets(venue).forEach(symbol -> markets.add(new String[]{venue.id(), symbol}));
        }
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == markets.size(), WAIT);
        JsonNode followedBefore = node.get("/api/v1/subscriptions").body();
        JsonNode instrumentsBefore = node.get("/api/v1/instruments").body();

        Random random = new Random(SEED);
        HostileHttp hostile = new HostileHttp(random,
                new HostileHttp.Target(markets, List.of("polymarket", "kalshi", "kraken"), "binance"), tokens);
        HostileRawHttp broken = new HostileRawHttp(random, hostile, tokens);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < clientRequests; i++) {
            HostileHttp.ClientRequest request = hostile.next();
            check("client #" + i, request, send(http, request));
            if (i % 50 == 0) {
                assertReady("after client #" + i + " " + request);
            }
        }
        for (int i = 0; i < rawRequests; i++) {
            HostileRawHttp.RawRequest request = broken.nextRaw();
            RawHttp.Answer answer = RawHttp.exchange(node.httpPort(), request.bytes(), Duration.ofSeconds(10));
            checkRaw("raw #" + i, request, answer);
            if (i % 25 == 0) {
                assertReady("after raw #" + i + " " + request);
            }
        }
        slowClients(broken, slowClients);

        assertEquals(List.of(), failures.subList(0, Math.min(30, failures.size())),
                failures.size() + " failures, seed " + SEED + "; outcomes " + outcomes);
        System.out.println("HttpApiFuzzTest outcomes: " + outcomes);
        assertEquals(followedBefore, node.get("/api/v1/subscriptions").body(), "the followed markets are unchanged");
        assertEquals(instrumentsBefore, node.get("/api/v1/instruments").body(), "the instruments are unchanged");
        // Every event stream a request started (a valid read of a stream route) ended with its connection.
        node.awaitJson("/api/v1/stream/clients", r -> r.body().path("connected").asInt() == 0, WAIT);
        simulator.pause();
        for (String[] market : markets) {
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.fromId(market[0]), market[1], WAIT);
        }
    }

    /**
     * Slow clients: requests half sent and held open. While they hang the node answers others and stays ready; each
     * is then either still waiting or answered below 500, and closing them costs nothing.
     */
    private void slowClients(HostileRawHttp broken, int count) throws IOException {
        List<Socket> slow = new ArrayList<>();
        List<HostileRawHttp.SlowStart> starts = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                HostileRawHttp.SlowStart start = broken.slowStart();
                Socket socket = RawHttp.open(node.httpPort(), Duration.ofMillis(100));
                socket.getOutputStream().write(start.bytes());
                socket.getOutputStream().flush();
                slow.add(socket);
                starts.add(start);
            }
            assertReady("with " + count + " slow clients holding connections");
            for (int i = 0; i < slow.size(); i++) {
                RawHttp.Answer answer = RawHttp.read(slow.get(i).getInputStream());
                count(starts.get(i).withHead() ? "slow client, body missing" : "slow client, head missing", answer);
                if (answer.answered() && (answer.status() >= 500 || !jsonError(answer.body()))) {
                    fail("seed " + SEED + " slow client #" + i + " " + HostileHttp.abbreviate(new String(starts.get(i).bytes(),
                            java.nio.charset.StandardCharsets.ISO_8859_1)) + ": " + answer);
                }
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
        assertReady("after the slow clients left");
    }

    private record Sent(int status, String contentType, String body, Exception error) {
    }

    private Sent send(HttpClient http, HostileHttp.ClientRequest request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + request.path()))
                .timeout(Duration.ofSeconds(15))
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        request.headers().forEach(builder::header);
        try {
            HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            String type = response.headers().firstValue("Content-Type").orElse("");
            String body;
            try (InputStream in = response.body()) {
                // An event stream (a valid read of a stream route) never ends: its status is what counts.
                body = type.startsWith("text/event-stream") ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            return new Sent(response.statusCode(), type, body, null);
        } catch (IOException | IllegalArgumentException e) {
            return new Sent(-1, "", "", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void fail(String failure) {
        if (failures.size() < 200) {
            System.out.println("FUZZ FAILURE " + failure);
        }
        failures.add(failure);
    }

    private void check(String which, HostileHttp.ClientRequest request, Sent sent) {
        String where = "seed " + SEED + " " + which + " " + request + " -> ";
        if (sent.error() != null) {
            fail(where + "no answer: " + sent.error());
            return;
        }
        int status = sent.status();
        outcomes.computeIfAbsent("client " + request.method(), t -> new TreeMap<>())
                .merge(status + errorCode(sent.body()), 1, Integer::sum);
        if (status >= 500 && status != 501) {
            fail(where + status + " " + HostileHttp.abbreviate(sent.body()));
            return;
        }
        boolean mutating = !request.method().equals("GET") && !request.method().equals("HEAD");
        if (mutating && status < 400) {
            fail(where + status + ": a hostile " + request.method() + " was taken");
            return;
        }
        if (status >= 400 && !request.method().equals("HEAD") && !jsonError(sent.body())) {
            fail(where + status + " without a JSON error body: " + sent.contentType() + " "
                    + HostileHttp.abbreviate(sent.body()));
        }
    }

    private void checkRaw(String which, HostileRawHttp.RawRequest request, RawHttp.Answer answer) {
        count(request.template(), answer);
        String where = "seed " + SEED + " " + which + " " + request + " -> ";
        if (!answer.answered()) {
            if (request.mustAnswer()) {
                fail(where + answer);
            }
            return;
        }
        int status = answer.status();
        if (status >= 500 && status != 501) {
            fail(where + answer);
        } else if (status >= 400 && !jsonError(answer.body())) {
            fail(where + "without a JSON error body: " + answer);
        }
    }

    private void count(String template, RawHttp.Answer answer) {
        String outcome = answer.answered() ? answer.status() + errorCode(answer.body())
                : answer.timedOut() ? "no answer (waiting)" : "closed";
        outcomes.computeIfAbsent(template, t -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    private static String errorCode(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json != null && json.path("error").isTextual() ? " " + json.path("error").asText() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean jsonError(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json != null && json.path("error").isTextual() && json.path("message").isTextual();
        } catch (IOException e) {
            return false;
        }
    }

    private void assertReady(String when) {
        TestNode.Reply ready = node.get("/health/ready");
        assertTrue(ready.status() == 200, "seed " + SEED + ": not ready " + when + ": " + ready);
    }
}
