package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.api.ApiClient.Answer;
import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with a tokens file and reads left open (docs/security.md): every mutating endpoint of the API wants a
 * read-write token (none or unknown: 401 with WWW-Authenticate, read-only: 403, JSON errors), reads need none,
 * refusals are counted in the metrics, and CORS is off (no origin configured).
 */
class ApiTokensNodeTest {

    static final String WRITER = "writer-0123456789abcdef0123456789abcdef";
    static final String READER = "reader-0123456789abcdef0123456789abcdef";
    static final String STRANGER = "stranger-0123456789abcdef0123456789abcd";

    @TempDir
    static Path tmp;

    private static TestNode node;
    private static ApiClient api;

    static Path tokensFile(Path dir) throws IOException {
        Path file = dir.resolve("api-tokens");
        Files.writeString(file, "# test tokens\n" + WRITER + " read-write\n\n" + READER + " read-only\n");
        return file;
    }

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(Map.of(
                "marketmesh.venues.polymarket.ws-url", "ws://127.0.0.1:" + TestNode.freePort() + "/ws/market",
                "marketmesh.venues.polymarket.markets", List.of("111", "222"),
                "marketmesh.http.auth.tokens-file", tokensFile(tmp).toString()));
        api = new ApiClient(node.httpPort());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Every mutating endpoint of ApiRoutes and InstrumentQueries, with a body where it takes one. */
    private record Mutation(String method, String path, String body) {
    }

    private static final List<Mutation> MUTATIONS = List.of(
            new Mutation("POST", "/api/v1/subscriptions", "{\"venue\":\"polymarket\",\"symbols\":[\"333\"]}"),
            new Mutation("DELETE", "/api/v1/subscriptions/polymarket/333", null),
            new Mutation("POST", "/api/v1/instruments",
                    "{\"id\":\"auth-test\",\"legs\":[{\"market\":\"polymarket:111\"},{\"market\":\"polymarket:222\"}]}"),
            new Mutation("DELETE", "/api/v1/instruments/auth-test", null));

    @Test
    void everyMutatingEndpointWantsAReadWriteToken() {
        for (Mutation m : MUTATIONS) {
            Answer none = api.send(m.method(), m.path(), null, m.body());
            assertEquals(401, none.status(), m + ": " + none);
            assertEquals("unauthorized", none.error(), none.toString());
            assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"), none.toString());

            Answer unknown = api.send(m.method(), m.path(), STRANGER, m.body());
            assertEquals(401, unknown.status(), m + ": " + unknown);
            assertTrue(unknown.header("WWW-Authenticate").contains("invalid_token"), unknown.toString());

            Answer readOnly = api.send(m.method(), m.path(), READER, m.body());
            assertEquals(403, readOnly.status(), m + ": " + readOnly);
            assertEquals("forbidden", readOnly.error(), readOnly.toString());

            Answer allowed = api.send(m.method(), m.path(), WRITER, m.body());
            assertEquals(2, allowed.status() / 100, m + ": " + allowed);
            if (m.method().equals("POST") && m.path().endsWith("subscriptions")) {
                node.awaitJson("/api/v1/markets/polymarket/333", r -> r.status() == 200, Duration.ofSeconds(10));
            }
            if (m.method().equals("POST") && m.path().endsWith("instruments")) {
                node.awaitJson("/api/v1/instruments/auth-test", r -> r.status() == 200, Duration.ofSeconds(10));
            }
        }
        // Not a bearer token: refused as missing, whatever the scheme carries.
        Answer basic = api.send("POST", "/api/v1/subscriptions", null, MUTATIONS.get(0).body(),
                "Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((WRITER + ":x").getBytes()));
        assertEquals(401, basic.status(), basic.toString());
        // An unknown method is refused at the door too: a mutation nobody wrote an endpoint for yet.
        assertEquals(401, api.send("PUT", "/api/v1/subscriptions", null, "{}").status());
    }

    @Test
    void readsStayOpenWithoutProtectReads() {
        assertEquals(200, api.get("/api/v1/markets", null).status());
        assertEquals(200, api.get("/api/v1/subscriptions", null).status());
        assertEquals(200, api.get("/metrics", null).status());
        assertEquals(200, api.get("/health/ready", null).status());
        // A wrong token on a read that needs none changes nothing.
        assertEquals(200, api.get("/api/v1/markets", STRANGER).status());
    }

    @Test
    void refusalsAreCountedByReason() {
        api.send("DELETE", "/api/v1/subscriptions/polymarket/111", null, null);
        api.send("DELETE", "/api/v1/subscriptions/polymarket/111", STRANGER, null);
        api.send("DELETE", "/api/v1/subscriptions/polymarket/111", READER, null);
        String metrics = api.get("/metrics", null).response().body();
        for (String reason : List.of("missing_token", "unknown_token", "read_only_token")) {
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("marketmesh_http_auth_refusals_total{reason=\""
                    + reason + "\"}") && !l.endsWith(" 0.0") && !l.endsWith(" 0")), reason + " in\n" + metrics);
        }
        assertTrue(metrics.contains("marketmesh_http_rate_limited_total"), metrics);
        assertTrue(!metrics.contains(WRITER) && !metrics.contains(READER));
    }

    @Test
    void corsIsOffWithoutOrigins() {
        Answer preflight = api.send("OPTIONS", "/api/v1/subscriptions", null, null,
                "Origin", "https://elsewhere.example", "Access-Control-Request-Method", "POST");
        assertEquals(405, preflight.status(), preflight.toString());
        assertNull(preflight.header("Access-Control-Allow-Origin"));
        Answer read = api.send("GET", "/api/v1/markets", null, null, "Origin", "https://elsewhere.example");
        assertEquals(200, read.status());
        assertTrue(read.response().headers().map().keySet().stream().noneMatch(h -> h.toLowerCase().startsWith("access-control")),
                read.toString());
    }
}
