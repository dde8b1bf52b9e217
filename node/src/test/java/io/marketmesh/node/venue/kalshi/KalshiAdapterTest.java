package io.marketmesh.node.venue.kalshi;

import com.typesafe.config.ConfigFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.marketmesh.node.venue.ConnectRequest;
import io.marketmesh.node.venue.registry.VenueAdapters;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KalshiAdapterTest {

    private static KeyPair keys;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_787_838_983_996L);
    private final KalshiAdapter adapter = new KalshiAdapter(clock::get);
    private HttpServer server;

    /** One recorded REST call: its query and its auth headers. */
    private record Call(String query, String key, String timestamp, String signature) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void generateKeys() throws Exception {
        keys = KalshiKeys.newKeyPair();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void isRegisteredForKalshi() {
        assertInstanceOf(KalshiAdapter.class, VenueAdapters.forVenue(Venue.KALSHI).orElseThrow());
        assertInstanceOf(KalshiSession.class, adapter.newSession(settings("ws://x/trade-api/ws/v2", "http://x", 10, "", "")));
    }

    @Test
    void signedConnectRequestCarriesAFreshSignatureOverTheUrlPath() throws Exception {
        Path key = Files.writeString(dir.resolve("kalshi.pem"), KalshiSignerTest.pkcs1Pem(keys.getPrivate()));
        VenueSettings settings = settings("wss://demo-api.kalshi.co/trade-api/ws/v2?x=1", "http://x", 10, "key-123",
                key.toString());

        ConnectRequest first = adapter.connectRequest(settings);
        assertEquals("wss://demo-api.kalshi.co/trade-api/ws/v2?x=1", first.url());
        assertEquals("key-123", first.headers().get("KALSHI-ACCESS-KEY"));
        assertEquals("1787838983996", first.headers().get("KALSHI-ACCESS-TIMESTAMP"));
        assertTrue(KalshiSignerTest.verifyPss(keys.getPublic(), "1787838983996GET/trade-api/ws/v2",
                first.headers().get("KALSHI-ACCESS-SIGNATURE")));
        assertFalse(first.toString().contains(first.headers().get("KALSHI-ACCESS-SIGNATURE")));

        // A reconnect signs again with the time of the reconnect, even though the key file is now gone (cached).
        Files.delete(key);
        clock.addAndGet(5_000);
        ConnectRequest second = adapter.connectRequest(settings);
        assertEquals("1787838988996", second.headers().get("KALSHI-ACCESS-TIMESTAMP"));
        assertTrue(KalshiSignerTest.verifyPss(keys.getPublic(), "1787838988996GET/trade-api/ws/v2",
                second.headers().get("KALSHI-ACCESS-SIGNATURE")));
    }

    @Test
    void withoutCredentialsTheSocketIsOpenedUnsigned() {
        ConnectRequest request = adapter.connectRequest(settings("ws://127.0.0.1:9/trade-api/ws/v2", "http://x", 10, "", ""));
        assertEquals("ws://127.0.0.1:9/trade-api/ws/v2", request.url());
        assertEquals(Map.of(), request.headers());
    }

    @Test
    void aMissingKeyFileFailsWithItsPath() {
        VenueSettings settings = settings("ws://x/trade-api/ws/v2", "http://x", 10, "k", dir.resolve("absent.pem").toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> adapter.connectRequest(settings));
        assertTrue(e.getMessage().contains("absent.pem"), e.getMessage());
    }

    @Test
    void discoveryFollowsTheCursorAndSignsEachPage() throws Exception {
        startServer(exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            if (!query.contains("cursor=")) {
                respond(exchange, 200, "{\"markets\":[{\"ticker\":\"KXA-1\",\"status\":\"active\"},{\"ticker\":\"KXA-2\"}],"
                        + "\"cursor\":\"page 2/+\"}");
            } else {
                respond(exchange, 200, "{\"markets\":[{\"ticker\":\"KXB-1\"}],\"cursor\":\"\"}");
            }
        });
        Path key = Files.writeString(dir.resolve("kalshi.pem"), KalshiKeys.privateKeyPem(keys.getPrivate()));
        List<String> markets = adapter.discoverMarkets(settings("ws://x", restUrl(), 0, "key-9", key.toString()));

        assertEquals(List.of("KXA-1", "KXA-2", "KXB-1"), markets);
        assertEquals(2, calls.size());
        assertEquals("status=open&limit=1000", calls.get(0).query());
        assertEquals("status=open&limit=1000&cursor=page+2%2F%2B", calls.get(1).query());
        for (Call call : calls) {
            assertEquals("key-9", call.key());
            assertTrue(KalshiSigner.verify(keys.getPublic(), Long.parseLong(call.timestamp()), "GET",
                    "/trade-api/v2/markets", call.signature()), "signed over the path without its query");
        }
    }

    @Test
    void discoveryStopsAtTheLimitAndAsksOnlyForWhatIsMissing() throws Exception {
        startServer(exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            if (!query.contains("cursor=")) {
                respond(exchange, 200, "{\"markets\":[{\"ticker\":\"KXA-1\"},{\"ticker\":\"KXA-2\"}],\"cursor\":\"c2\"}");
            } else {
                respond(exchange, 200, "{\"markets\":[{\"ticker\":\"KXB-1\"},{\"ticker\":\"KXB-2\"}],\"cursor\":\"c3\"}");
            }
        });
        List<String> markets = adapter.discoverMarkets(settings("ws://x", restUrl(), 3, "", ""));
        assertEquals(List.of("KXA-1", "KXA-2", "KXB-1"), markets);
        assertEquals(List.of("status=open&limit=3", "status=open&limit=1&cursor=c2"),
                calls.stream().map(Call::query).toList());
        assertEquals(null, calls.get(0).signature(), "no credentials: no signature");
    }

    @Test
    void discoveryFailsClearlyOnAnHttpError() throws Exception {
        startServer(exchange -> respond(exchange, 401, "{\"error\":{\"code\":\"unauthorized\"}}"));
        IOException e = assertThrows(IOException.class,
                () -> adapter.discoverMarkets(settings("ws://x", restUrl(), 10, "", "")));
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(e.getMessage().contains("unauthorized"), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private void startServer(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/trade-api/v2/markets", exchange -> {
            calls.add(new Call(exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-KEY"),
                    exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-TIMESTAMP"),
                    exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-SIGNATURE")));
            handler.handle(exchange);
        });
        server.start();
    }

    private String restUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/trade-api/v2";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static VenueSettings settings(String wsUrl, String restUrl, int discoveryLimit, String keyId, String keyFile) {
        return new VenueSettings(Venue.KALSHI, true, wsUrl, restUrl, List.of(), discoveryLimit, 100, 50,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5),
                ConfigFactory.parseMap(java.util.Map.of("key-id", keyId, "private-key-file", keyFile)));
    }
}
