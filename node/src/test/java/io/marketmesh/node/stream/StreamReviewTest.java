package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.HeldBooks;
import io.marketmesh.node.testkit.RawWebSocket;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Repros from the issue-11 review: ways a client following the protocol ends up with a wrong view or hurts others. */
class StreamReviewTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SimulatedVenues venues;
    private TestNode node;
    private StreamClient healthy;
    private RawWebSocket stalled;

    @AfterEach
    void stop() {
        if (healthy != null) {
            healthy.close();
        }
        if (stalled != null) {
            stalled.close();
        }
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    /** {@code ?channels=book,book}: one subscription, one seq; once the client leaves the node stops following. */
    @Test
    void aRepeatedChannelOfAnEventStreamIsOneSubscription() throws Exception {
        venues = SimulatedVenues.startUnsigned(0, 2, 300, 3);
        VenueSimulator simulator = venues.simulator();
        node = TestNode.start(venues.unsignedNodeSettings());
        String symbol = simulator.markets(Venue.KALSHI).get(0);
        node.awaitJson("/api/v1/markets/kalshi/" + symbol, r -> r.status() == 200, WAIT);

        HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + node.httpPort() + "/api/v1/markets/kalshi/" + symbol + "/stream?channels=book,book")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 200) {
            HeldBooks held = new HeldBooks();
            List<String> data = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> readEvents(response, held, data), "sse-reader");
            reader.setDaemon(true);
            reader.start();
            TestNode.await(() -> data.size() > 30, WAIT, "events flow");
            assertEquals(List.of(), held.violations().subList(0, Math.min(5, held.violations().size())));
            response.body().close();
        } else {
            assertEquals(400, response.statusCode());
        }
        node.awaitJson("/api/v1/stream/clients", r -> r.body().path("connected").asInt() == 0, WAIT);
        node.awaitJson("/api/v1/stream/clients", r -> r.body().path("marketsStreamed").asInt() == 0, WAIT);
    }

    /**
     * Clients that drop their connection right after asking for a stream (a browser tab closed, a port scan, a load
     * balancer's probe) must not stay counted: enough of them would make the node refuse every client (503).
     */
    @Test
    void connectionsDroppedAtOnceAreNotCountedForever() throws Exception {
        venues = SimulatedVenues.startUnsigned(0, 2, 50, 3);
        VenueSimulator simulator = venues.simulator();
        Map<String, Object> settings = new HashMap<>(venues.unsignedNodeSettings());
        settings.put("marketmesh.stream.max-clients", 20);
        node = TestNode.start(settings);
        String symbol = simulator.markets(Venue.KALSHI).get(0);
        node.awaitJson("/api/v1/markets/kalshi/" + symbol, r -> r.status() == 200, WAIT);
        String sse = "GET /api/v1/markets/kalshi/" + symbol + "/stream HTTP/1.1\r\nHost: x\r\n\r\n";
        String ws = "GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        for (int i = 0; i < 100; i++) {
            try (Socket socket = new Socket()) {
                socket.setSoLinger(true, 0);
                socket.connect(new InetSocketAddress("127.0.0.1", node.httpPort()), 5000);
                OutputStream out = socket.getOutputStream();
                out.write((i % 2 == 0 ? sse : ws).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
        node.awaitJson("/api/v1/stream/clients", r -> r.body().path("connected").asInt() == 0, WAIT);
        healthy = StreamClient.connect(node.httpPort());
        healthy.ping(1);
        healthy.await(0, m -> m.path("type").asText().equals("pong"), WAIT, "a new client is served");
    }

    /**
     * A client behind (its book changes conflated) when one of its markets is unfollowed: the market's book_reset was
     * conflated away, and the catch-up skips a market no longer attached or synced. The client must not be left
     * holding that market's last book as fresh.
     */
    @Test
    void aClientBehindWhenItsMarketIsUnfollowedIsToldTheBookEnded() {
        venues = SimulatedVenues.startUnsigned(4, 5, 1500, 5);
        VenueSimulator simulator = venues.simulator();
        Map<String, Object> settings = new HashMap<>(venues.unsignedNodeSettings());
        settings.put("marketmesh.stream.slow-client-close-after", "0s");
        node = TestNode.start(settings);
        int all = simulator.markets(Venue.POLYMARKET).size() + simulator.markets(Venue.KALSHI).size();
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == all, WAIT);
        String gone = simulator.markets(Venue.KALSHI).get(0);
        String explicit = "book:kalshi:" + gone;
        String subscribe = "{\"op\":\"subscribe\",\"id\":1,\"channels\":[\"book:polymarket:*\",\"book:kalshi:*\",\""
                + explicit + "\"]}";

        healthy = StreamClient.connect(node.httpPort());
        healthy.subscribe(1, null, "book:polymarket:*", "book:kalshi:*", explicit);
        stalled = RawWebSocket.connect(node.httpPort(), "/api/v1/stream", 4096);
        stalled.sendText(subscribe);
        StreamClient.awaitStuck(node, 2, healthy);

        assertEquals(200, node.delete("/api/v1/subscriptions/kalshi/" + gone).status());
        healthy.await(0, m -> m.path("market").asText().equals("kalshi:" + gone)
                && m.path("payload").path("type").asText().equals("book_reset"), WAIT, "the healthy client's reset");
        // The cluster no longer follows it (the actor passivates meanwhile, and the hub hears of it).
        node.awaitJson("/api/v1/markets/kalshi/" + gone, r -> r.status() == 404, WAIT);

        HeldBooks held = new HeldBooks();
        stalled.readInto(held);
        node.awaitJson("/api/v1/stream/clients", r -> {
            for (JsonNode c : r.body().path("clients")) {
                if (c.path("id").asLong() == 2) {
                    return !c.path("behind").asBoolean() && c.path("queued").asInt() == 0;
                }
            }
            return false;
        }, WAIT);
        for (String subscription : List.of("book:kalshi:*", explicit)) {
            TestNode.await(() -> held.book(subscription, "kalshi:" + gone) != null
                    && held.book(subscription, "kalshi:" + gone).stale, WAIT, subscription + " told the book ended");
            HeldBooks.HeldBook book = held.book(subscription, "kalshi:" + gone);
            assertNotNull(book, subscription);
            assertTrue(book.stale, subscription + ": the unfollowed market's book is still held as fresh: "
                    + book.bidLevels() + " / " + book.askLevels());
        }
    }

    /** Clients that leave while messages flow to them are counted as leaving, not as too slow. */
    @Test
    void clientsThatLeaveAreNotCountedAsTooSlow() {
        venues = SimulatedVenues.startUnsigned(4, 5, 1500, 7);
        VenueSimulator simulator = venues.simulator();
        node = TestNode.start(venues.unsignedNodeSettings());
        int all = simulator.markets(Venue.POLYMARKET).size() + simulator.markets(Venue.KALSHI).size();
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == all, WAIT);
        for (int round = 0; round < 10; round++) {
            List<StreamClient> leaving = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                StreamClient client = StreamClient.connect(node.httpPort());
                client.subscribe(1, null, "all");
                leaving.add(client);
            }
            leaving.forEach(c -> c.await(0, m -> m.has("seq"), WAIT, "data flows"));
            leaving.forEach(StreamClient::close);
        }
        JsonNode report = node.awaitJson("/api/v1/stream/clients", r -> r.body().path("connected").asInt() == 0,
                WAIT).body();
        assertEquals(0, report.path("disconnects").path("too slow").asLong(), report.toString());
    }

    private static void readEvents(HttpResponse<java.io.InputStream> response, HeldBooks held, List<String> data) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                    String json = line.substring(5).trim();
                    held.onMessage(JSON.readTree(json));
                    data.add(json);
                }
            }
        } catch (Exception closed) {
            // the test closed the stream
        }
    }
}
