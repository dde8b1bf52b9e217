package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.api.ApiClient.Answer;
import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code marketmesh.http.auth.protect-reads = true} (docs/security.md): every read, Server-Sent Events stream, the
 * WebSocket upgrade and {@code /metrics} need a valid token (read-only is enough); the probes and the dashboard's
 * files stay open. And a node whose tokens file is malformed does not start.
 */
class ProtectedReadsTest {

    private static final String WRITER = ApiTokensNodeTest.WRITER;
    private static final String READER = ApiTokensNodeTest.READER;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path tmp;

    private static TestNode node;
    private static ApiClient api;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.startWithoutWaiting(Map.of(
                "marketmesh.venues.polymarket.ws-url", "ws://127.0.0.1:" + TestNode.freePort() + "/ws/market",
                "marketmesh.venues.polymarket.markets", List.of("111"),
                "marketmesh.http.auth.tokens-file", ApiTokensNodeTest.tokensFile(tmp).toString(),
                "marketmesh.http.auth.protect-reads", true));
        // The readiness probe needs no token: the way a load balancer waits for the node.
        node.awaitJson("/health/ready", r -> r.status() == 200, Duration.ofSeconds(60));
        api = new ApiClient(node.httpPort());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void everyReadWantsAToken() {
        for (String path : List.of("/api/v1/markets", "/api/v1/markets/polymarket/111",
                "/api/v1/markets/polymarket/111/book", "/api/v1/subscriptions", "/api/v1/venues", "/api/v1/cluster",
                "/api/v1/instruments", "/api/v1/arbitrage", "/api/v1/stream/clients", "/metrics",
                "/api/v1/no-such-thing")) {
            Answer none = api.get(path, null);
            assertEquals(401, none.status(), path + ": " + none);
            assertEquals("unauthorized", none.error(), none.toString());
            assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"), none.toString());
            assertEquals(401, api.get(path, ApiTokensNodeTest.STRANGER).status(), path);
            int read = api.get(path, READER).status();
            assertEquals(path.contains("no-such-thing") ? 404 : 200, read, path);
        }
        // Mutations still want read-write.
        assertEquals(403, api.send("DELETE", "/api/v1/subscriptions/polymarket/111", READER, null).status());
    }

    @Test
    void probesAndTheDashboardFilesStayOpen() {
        assertEquals(200, api.get("/health/alive", null).status());
        assertEquals(200, api.get("/health/ready", null).status());
        assertEquals(200, api.get("/", null).status());
        assertEquals(200, api.get("/web/app.js", null).status());
    }

    @Test
    void serverSentEventsWantAToken() throws Exception {
        assertEquals(401, openEvents(null).statusCode());
        HttpResponse<InputStream> events = openEvents(READER);
        try (InputStream body = events.body()) {
            assertEquals(200, events.statusCode());
            assertTrue(events.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        }
    }

    private static HttpResponse<InputStream> openEvents(String token) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort()
                + "/api/v1/markets/polymarket/111/stream")).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void theWebSocketUpgradeWantsATokenInTheHeaderOrTheSubprotocol() throws Exception {
        URI stream = URI.create("ws://127.0.0.1:" + node.httpPort() + "/api/v1/stream");
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> HTTP.newWebSocketBuilder().buildAsync(stream, new WebSocket.Listener() { })
                        .get(10, TimeUnit.SECONDS));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
        assertEquals(401, handshake.getResponse().statusCode());

        FirstText headerAnswers = new FirstText();
        WebSocket withHeader = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + READER)
                .buildAsync(stream, headerAnswers).get(10, TimeUnit.SECONDS);
        assertPongs(withHeader, headerAnswers);

        // What a browser does: the token as a subprotocol entry, beside the protocol the node answers with.
        FirstText browserAnswers = new FirstText();
        WebSocket browserLike = HTTP.newWebSocketBuilder().subprotocols("marketmesh", "bearer." + READER)
                .buildAsync(stream, browserAnswers).get(10, TimeUnit.SECONDS);
        assertEquals("marketmesh", browserLike.getSubprotocol());
        assertPongs(browserLike, browserAnswers);

        ExecutionException wrong = assertThrows(ExecutionException.class, () -> HTTP.newWebSocketBuilder()
                .subprotocols("marketmesh", "bearer." + ApiTokensNodeTest.STRANGER)
                .buildAsync(stream, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        assertEquals(401, ((WebSocketHandshakeException) wrong.getCause()).getResponse().statusCode());
    }

    /** The first text message a socket gets. */
    private static final class FirstText implements WebSocket.Listener {
        final CompletableFuture<String> text = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                text.complete(part.toString());
            }
            socket.request(1);
            return null;
        }
    }

    /** The socket is the node's stream: a ping op is answered with a pong. */
    private static void assertPongs(WebSocket socket, FirstText answers) throws Exception {
        socket.sendText("{\"op\":\"ping\",\"id\":1}", true).get(10, TimeUnit.SECONDS);
        String answer = answers.text.get(10, TimeUnit.SECONDS);
        assertTrue(answer.contains("pong"), answer);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMalformedTokensFileStopsTheNode() throws Exception {
        Path bad = tmp.resolve("bad-tokens");
        Files.writeString(bad, WRITER + " read-write\n" + "not-a-valid-line\n");
        TestNode refused = TestNode.startWithoutWaiting(Map.of("marketmesh.http.auth.tokens-file", bad.toString()));
        try {
            refused.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (CompletionException e) {
            throw new AssertionError("the node did not stop", e);
        } finally {
            refused.close();
        }
    }
}
