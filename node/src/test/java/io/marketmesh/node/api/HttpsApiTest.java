package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestCertificates;
import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code marketmesh.http.tls}: with a PKCS#12 key store made by the test (keytool, a throwaway CA), the API's port
 * speaks HTTPS only. A client that trusts the CA reads markets and health and streams over wss; plain HTTP on the port
 * gets no answer; a client that does not trust the CA refuses the node.
 */
class HttpsApiTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimulatedVenues venues;
    private TestNode node;

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
    void theApiAndItsStreamsAreServedOverHttpsOnly() throws Exception {
        TestCertificates ca = TestCertificates.shared("marketmesh-test-ca");
        Path keystore = ca.nodeKeystore();
        venues = SimulatedVenues.startUnsigned(2, 2, 50, 11);
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.put("marketmesh.http.tls.enabled", true);
        settings.put("marketmesh.http.tls.keystore-file", keystore.toString());
        settings.put("marketmesh.http.tls.keystore-password-file", ca.passwordFile().toString());
        node = TestNode.startWithoutWaiting(settings);
        HttpClient https = HttpClient.newBuilder().sslContext(ca.clientContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "https://localhost:" + node.httpPort();

        // Health over HTTPS (a Kubernetes probe with scheme: HTTPS), then every market fresh.
        awaitGet(https, base + "/health/ready", r -> r.statusCode() == 200);
        String market = venues.marketPaths().get(0);
        HttpResponse<String> book = awaitGet(https, base + "/api/v1/markets/" + market,
                r -> r.statusCode() == 200 && !json(r).path("stale").asBoolean(true));
        assertTrue(book.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        HttpResponse<String> markets = awaitGet(https, base + "/api/v1/markets",
                r -> r.statusCode() == 200 && json(r).path("total").asInt() == venues.marketPaths().size());
        assertEquals(venues.marketPaths().size(), json(markets).path("total").asInt());

        // The WebSocket over TLS: subscribe, get the book's snapshot.
        String channel = "book:" + market.replace('/', ':');
        try (StreamClient client = StreamClient.connect(URI.create("wss://localhost:" + node.httpPort()
                + "/api/v1/stream"), https)) {
            client.subscribe("wss", 5, channel);
            JsonNode snapshot = client.await(0, m -> m.path("payload").path("type").asText().equals("book_snapshot"),
                    WAIT, "a book snapshot over wss");
            assertEquals(market.replace('/', ':'), snapshot.path("market").asText(), snapshot.toString());
            assertTrue(client.violations().isEmpty(), client.violations().toString());
        }

        // Plain HTTP on the same port: the node does not answer it (no mixed mode, nothing in the clear).
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/markets"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));

        // A client that does not trust the CA (the JDK's default trust store) refuses the node's certificate.
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        IOException refused = assertThrows(IOException.class, () -> untrusting.send(HttpRequest.newBuilder(
                URI.create(base + "/health/alive")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertTrue(refused instanceof SSLHandshakeException, refused.toString());

        // Old protocols are refused: a TLS 1.1 client cannot connect.
        assertFalse(connectsWith(ca, "TLSv1.1"), "TLS 1.1 accepted");
        assertTrue(connectsWith(ca, "TLSv1.2"), "TLS 1.2 refused");
    }

    private boolean connectsWith(TestCertificates ca, String protocol) throws Exception {
        javax.net.ssl.SSLParameters parameters = new javax.net.ssl.SSLParameters();
        parameters.setProtocols(new String[] {protocol});
        HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).sslParameters(parameters)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + node.httpPort() + "/health/alive"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }

    private static HttpResponse<String> awaitGet(HttpClient client, String url,
                                                 java.util.function.Predicate<HttpResponse<String>> condition) {
        HttpResponse<String>[] last = new HttpResponse[1];
        Exception[] error = new Exception[1];
        try {
            TestNode.await(() -> {
                try {
                    last[0] = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return condition.test(last[0]);
                } catch (IOException e) {
                    error[0] = e;
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }, WAIT, url);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last: " + (last[0] == null ? error[0]
                    : last[0].statusCode() + " " + last[0].body()), e);
        }
        return last[0];
    }
}
