package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.HeldBooks;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Venue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A market's Server-Sent Events stream, read as curl or a browser's EventSource would: the same messages. */
class ServerSentEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
    void aMarketsEventStreamCarriesItsTopOfBookAndTradesExactly() throws Exception {
        venues = SimulatedVenues.startUnsigned(0, 2, 300, 3);
        VenueSimulator simulator = venues.simulator();
        node = TestNode.start(venues.unsignedNodeSettings());
        String symbol = simulator.markets(Venue.KALSHI).get(0);
        node.awaitJson("/api/v1/markets/kalshi/" + symbol, r -> r.status() == 200, WAIT);

        assertEquals(404, open("/api/v1/markets/kalshi/NOPE/stream").statusCode());
        assertEquals(400, open("/api/v1/markets/kalshi/" + symbol + "/stream?channels=quotes").statusCode());
        assertEquals(400, open("/api/v1/markets/kalshi/" + symbol + "/stream?depth=0").statusCode());

        HttpResponse<java.io.InputStream> response = open("/api/v1/markets/kalshi/" + symbol
                + "/stream?channels=book,trades&depth=5");
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElse("").split(";")[0]);
        HeldBooks held = new HeldBooks();
        List<String[]> events = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> read(response, held, events), "sse-reader");
        reader.setDaemon(true);
        reader.start();

        TestNode.await(() -> events.size() > 50, WAIT, "events flow");
        assertEquals("book_snapshot", events.get(0)[0], "a stream starts with the book");
        for (String[] event : events) {
            JsonNode message = JSON.readTree(event[1]);
            assertEquals(message.path("payload").path("type").asText(message.path("payload").path("kind").asText()),
                    event[0], "event: is the payload's type");
        }
        TestNode.await(() -> events.stream().anyMatch(e -> e[0].equals("trade")), WAIT, "a trade");

        simulator.pause();
        BookSnapshot truth = simulator.trueBook(Venue.KALSHI, symbol);
        String subscription = "book:kalshi:" + symbol;
        TestNode.await(() -> {
            HeldBooks.HeldBook book = held.book(subscription, "kalshi:" + symbol);
            return book != null && !book.stale
                    && book.bidLevels().equals(truth.bids().subList(0, Math.min(5, truth.bids().size())))
                    && book.askLevels().equals(truth.asks().subList(0, Math.min(5, truth.asks().size())));
        }, WAIT, "the stream's top 5 equals the venue's");
        assertEquals(List.of(), held.violations());
        // A client that goes away is noticed at the next write: the feed resumes, and the node lets it go.
        simulator.resume();
        response.body().close();
        node.awaitJson("/api/v1/stream/clients", r -> r.body().path("connected").asInt() == 0, WAIT);
    }

    private HttpResponse<java.io.InputStream> open(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private static void read(HttpResponse<java.io.InputStream> response, HeldBooks held, List<String[]> events) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && data.length() > 0) {
                    held.onMessage(JSON.readTree(data.toString()));
                    events.add(new String[]{event, data.toString()});
                    event = null;
                    data.setLength(0);
                }
            }
        } catch (Exception closed) {
            // the test closed the stream
        }
    }
}
