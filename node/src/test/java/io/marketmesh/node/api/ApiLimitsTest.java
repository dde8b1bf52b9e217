package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.api.ApiClient.Answer;
import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Request limits, input validation, log lines and CORS on a real node (docs/security.md). Its Polymarket socket
 * goes to a stand-in venue that records every frame the node sends it: text the API refused never gets there.
 */
class ApiLimitsTest {

    private static final String WRITER = ApiTokensNodeTest.WRITER;
    /** A client of its own, so the rate limit test empties only its own bucket. */
    private static final String BUSY = "busy-client-0123456789abcdef01234567";
    private static final int BURST = 40;
    private static final String ORIGIN = "https://dash.example.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static ActorSystem<Void> venueSystem;
    private static ServerBinding venue;
    private static final Queue<String> venueFrames = new ConcurrentLinkedQueue<>();
    private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private static TestNode node;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        venueSystem = TestNode.localSystem("venue");
        Materializer materializer = Materializer.matFromSystem(venueSystem);
        Flow<Message, Message, ?> recorder = Flow.fromSinkAndSourceCoupled(
                Flow.<Message>create().mapAsync(1, m -> m.isText()
                        ? m.asTextMessage().toStrict(5000, materializer).thenApply(TextMessage::getStrictText)
                        : CompletableFuture.completedFuture("")).to(Sink.foreach(venueFrames::add)),
                Source.<Message>maybe());
        venue = Http.get(venueSystem).newServerAt("127.0.0.1", 0).bindSync(request ->
                request.getAttribute(AttributeKeys.webSocketUpgrade)
                        .map(upgrade -> upgrade.handleMessagesWith(recorder))
                        .orElseGet(() -> HttpResponse.create().withStatus(404)))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        Path tokens = tmp.resolve("tokens");
        Files.writeString(tokens, WRITER + " read-write\n" + BUSY + " read-write\n");
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        node = TestNode.startWithoutWaiting(Map.of(
                "marketmesh.venues.polymarket.ws-url", "ws://127.0.0.1:" + venue.localAddress().getPort() + "/ws",
                "marketmesh.venues.polymarket.markets", List.of("111"),
                "marketmesh.http.auth.tokens-file", tokens.toString(),
                "marketmesh.http.limits.max-body-bytes", "2k",
                "marketmesh.http.limits.max-symbols-per-request", 3,
                "marketmesh.http.limits.mutations-per-second", 0.001,
                "marketmesh.http.limits.mutations-burst", BURST,
                // One comma-separated string, as the environment variable gives it.
                "marketmesh.http.cors.allowed-origins", ORIGIN + ", http://localhost:3000"));
        node.awaitJson("/health/ready", r -> r.status() == 200, Duration.ofSeconds(60));
        api = new ApiClient(node.httpPort());
        TestNode.await(() -> venueFrames.stream().anyMatch(f -> f.contains("111")), Duration.ofSeconds(30),
                "the node subscribes 111 at the stand-in venue");
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        node.close();
        venue.unbind();
        venueSystem.terminate();
    }

    private static void assertJsonError(Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.toString());
        assertEquals(code, answer.error(), answer.toString());
        String message = answer.json().path("message").asText();
        assertFalse(message.isBlank(), answer.toString());
        assertTrue(message.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028), message);
        assertTrue(message.length() <= 520, message);
    }

    @Test
    void hostileSymbolsAreRefusedBeforeTheVenueSeesThem() {
        for (String symbol : List.of("EVIL\r\n{\"op\":\"x\"}", "EVIL two", "EVIL" + "x".repeat(200), "EVIL<script>",
                "EVIL\"quote", "EVIL\u001b[2J", "EVIL\u2028")) {
            String body;
            try {
                body = JSON.writeValueAsString(Map.of("venue", "polymarket", "symbols", List.of(symbol)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            assertJsonError(api.send("POST", "/api/v1/subscriptions", WRITER, body), 400, "bad_request");
        }
        Answer quoted = api.send("POST", "/api/v1/subscriptions", WRITER,
                "{\"venue\":\"polymarket\",\"symbol\":\"EVIL\\r\\nX\"}");
        assertTrue(quoted.json().path("message").asText().contains("'EVIL\\u000d\\u000aX'"), quoted.toString());
        assertJsonError(api.get("/api/v1/markets/polymarket/EVIL%0D%0AX", WRITER), 400, "bad_request");
        assertJsonError(api.get("/api/v1/markets/polymarket/EVIL%1B%5B2J/book", WRITER), 400, "bad_request");
        assertJsonError(api.send("DELETE", "/api/v1/subscriptions/polymarket/EVIL%0AX", WRITER, null), 400,
                "bad_request");
        assertJsonError(api.get("/api/v1/markets/EVIL%0D%0Avenue/X", WRITER), 400, "bad_request");
        assertJsonError(api.get("/api/v1/instruments/EVIL%0D%0AX", WRITER), 400, "bad_request");
        assertJsonError(api.send("POST", "/api/v1/instruments", WRITER,
                "{\"id\":\"EVIL\\r\\nX\",\"legs\":[{\"market\":\"polymarket:111\"}]}"), 400, "bad_request");
        assertJsonError(api.send("POST", "/api/v1/instruments", WRITER,
                "{\"id\":\"ok-id\",\"legs\":[{\"market\":\"polymarket:EVIL\\r\\nX\"}]}"), 400, "bad_request");
        assertJsonError(api.get("/api/v1/markets?limit=EVIL%0D%0A", WRITER), 400, "bad_request");

        // A good symbol after them reaches the venue: had any bad one got through, it would have been sent before.
        Answer good = api.send("POST", "/api/v1/subscriptions", WRITER, "{\"venue\":\"polymarket\",\"symbols\":[\"222\"]}");
        assertEquals(200, good.status(), good.toString());
        TestNode.await(() -> venueFrames.stream().anyMatch(f -> f.contains("222")), Duration.ofSeconds(30),
                "the node subscribes 222 at the stand-in venue");
        assertTrue(venueFrames.stream().noneMatch(f -> f.contains("EVIL")), venueFrames.toString());
    }

    @Test
    void hostileStreamChannelsAreAnsweredWithASafeError() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        StringBuilder part = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + WRITER)
                .buildAsync(URI.create("ws://127.0.0.1:" + node.httpPort() + "/api/v1/stream"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        part.append(data);
                        if (last) {
                            answer.complete(part.toString());
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("{\"op\":\"subscribe\",\"id\":7,\"channels\":[\"book:polymarket:EVIL\\r\\nX"
                + "y".repeat(300) + "\"]}", true).get(10, TimeUnit.SECONDS);
        JsonNode error = JSON.readTree(answer.get(10, TimeUnit.SECONDS));
        assertEquals("error", error.path("type").asText(), error.toString());
        String message = error.path("message").asText();
        assertTrue(message.chars().noneMatch(c -> c < 0x20), message);
        assertTrue(message.length() < 400, message);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        assertTrue(venueFrames.stream().noneMatch(f -> f.contains("EVIL")), venueFrames.toString());
    }

    @Test
    void aRequestPekkoCannotParseIsAnsweredInJsonAndLoggedEscaped() throws Exception {
        String answer = raw("GET /api/v1/markets?q=\u001b[2J\u0007 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("\"error\":\"bad_request\""), answer);
        TestNode.await(() -> logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("refused before routing")),
                Duration.ofSeconds(10), "the refusal is logged");
        for (ILoggingEvent event : new ArrayList<>(logs.list)) {
            String line = event.getFormattedMessage();
            assertTrue(line.chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0x1b || c == 0x07), line);
        }
    }

    /** One request written as raw bytes (java.net.http would refuse to send it); the whole answer. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void oversizedRequestsAreRefusedWithJson() throws Exception {
        String big = "{\"venue\":\"polymarket\",\"symbols\":[\"" + "1".repeat(3000) + "\"]}";
        assertJsonError(api.send("POST", "/api/v1/subscriptions", WRITER, big), 413, "payload_too_large");
        assertJsonError(api.send("POST", "/api/v1/subscriptions", WRITER,
                "{\"venue\":\"polymarket\",\"symbols\":[\"1\",\"2\",\"3\",\"4\"]}"), 400, "bad_request");
        assertJsonError(api.get("/api/v1/markets?q=" + "a".repeat(5000), WRITER), 414, "uri_too_long");
        String[] many = new String[2 * 70];
        for (int i = 0; i < 70; i++) {
            many[2 * i] = "X-Filler-" + i;
            many[2 * i + 1] = "v";
        }
        // pekko-http's parser says 400 for too many headers; the node answers RFC 6585's 431, as for a too large one.
        Answer manyHeaders = api.send("GET", "/api/v1/markets", WRITER, null, many);
        assertJsonError(manyHeaders, 431, "headers_too_large");
        assertTrue(manyHeaders.json().path("message").asText().contains("64 headers"), manyHeaders.toString());
        Answer longHeader = api.send("GET", "/api/v1/markets", WRITER, null, "X-Long", "v".repeat(9000));
        assertJsonError(longHeader, 431, "headers_too_large");
    }

    @Test
    void mutationsAreRateLimitedPerClient() {
        Answer last = null;
        for (int i = 0; i <= BURST && (last == null || last.status() != 429); i++) {
            last = api.send("DELETE", "/api/v1/subscriptions/polymarket/never-followed", BUSY, null);
        }
        assertJsonError(last, 429, "rate_limited");
        assertNotNull(last.header("Retry-After"), last.toString());
        assertTrue(Long.parseLong(last.header("Retry-After")) >= 1, last.toString());
        // Another client (token) still gets through, and reads are never limited.
        assertEquals(404, api.send("DELETE", "/api/v1/subscriptions/polymarket/never-followed", WRITER, null).status());
        assertEquals(200, api.get("/api/v1/markets", BUSY).status());
        assertTrue(api.get("/metrics", null).response().body().lines()
                .anyMatch(l -> l.startsWith("marketmesh_http_rate_limited_total ") && !l.endsWith(" 0.0")));
    }

    @Test
    void corsAnswersOnlyTheConfiguredOrigins() {
        Answer preflight = api.send("OPTIONS", "/api/v1/subscriptions", null, null,
                "Origin", ORIGIN, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type");
        assertEquals(204, preflight.status(), preflight.toString());
        assertEquals(ORIGIN, preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"), preflight.toString());
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Authorization"), preflight.toString());

        // The answers a permitted page reads carry the header, refusals included.
        Answer refused = api.send("POST", "/api/v1/subscriptions", null, "{}", "Origin", ORIGIN);
        assertEquals(401, refused.status());
        assertEquals(ORIGIN, refused.header("Access-Control-Allow-Origin"), refused.toString());
        assertEquals(ORIGIN, api.send("GET", "/api/v1/markets", null, null, "Origin", ORIGIN)
                .header("Access-Control-Allow-Origin"));
        assertEquals("http://localhost:3000", api.send("GET", "/api/v1/nothing", null, null,
                "Origin", "http://localhost:3000").header("Access-Control-Allow-Origin"));

        Answer stranger = api.send("OPTIONS", "/api/v1/subscriptions", null, null,
                "Origin", "https://evil.example", "Access-Control-Request-Method", "POST");
        assertEquals(405, stranger.status(), stranger.toString());
        assertNull(stranger.header("Access-Control-Allow-Origin"));
        assertNull(api.send("GET", "/api/v1/markets", null, null, "Origin", "https://evil.example")
                .header("Access-Control-Allow-Origin"));
    }
}
