package io.marketmesh.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on a node fed by the simulated venues while they misbehave: every scrape is read by the
 * Prometheus client's own parser (Python's {@code prometheus_client}; the test is skipped, saying so, where it is not
 * installed), and the counters move the way each fault implies: a malformed frame is a bad frame, a dropped socket a
 * reconnect and a socket error, a skipped sequence number a failed sequence check, a resync requested and one healed,
 * a hidden book change a failed checksum; the latency histograms fill. OpenMetrics is served when asked for.
 */
class PrometheusMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;

    @BeforeEach
    void start() {
        String missing = PythonExposition.unavailable();
        if (missing != null) {
            // Said where `mvn verify` shows it, not only in the surefire report.
            System.err.println("PrometheusMetricsTest SKIPPED: the Prometheus parser is not installed here: " + missing);
        }
        Assumptions.assumeTrue(missing == null, "the Prometheus parser is not installed here: " + missing);
        venues = SimulatedVenues.startUnsigned(4, 5, 4, 200, 13);
        simulator = venues.simulator();
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.putAll(venues.cryptoNodeSettings(Venue.OKX, simulator.markets(Venue.OKX)));
        // Venues that sync a REST snapshot with buffered diffs: their first sync is no resync.
        settings.putAll(venues.cryptoNodeSettings(Venue.BINANCE, simulator.markets(Venue.BINANCE)));
        settings.putAll(venues.cryptoNodeSettings(Venue.BITSTAMP, simulator.markets(Venue.BITSTAMP)));
        settings.put("marketmesh.venues.okx.markets-per-socket", 2);
        node = TestNode.start(settings);
    }

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
    void countersAndHistogramsMoveAsTheFaultsImplyAndEveryScrapeParses() throws IOException {
        List<Venue> followed = List.of(Venue.POLYMARKET, Venue.KALSHI, Venue.OKX, Venue.BINANCE, Venue.BITSTAMP);
        // Settled: every market's book on this node and fresh, every venue's frames counted, changes timed.
        PythonExposition settled = await("every book fresh and the feeds timed", m -> {
            for (Venue venue : followed) {
                if (m.value("marketmesh_books", "venue", venue.id()) != simulator.markets(venue).size()
                        || m.value("marketmesh_books_stale", "venue", venue.id()) != 0
                        || m.value("marketmesh_venue_frames_received_total", "venue", venue.id()) == 0) {
                    return false;
                }
            }
            return m.value("marketmesh_frame_to_book_seconds_count") > 0
                    && m.value("marketmesh_sequence_checks_total", "venue", "okx", "result", "passed") > 0
                    && m.value("marketmesh_checksum_checks_total", "venue", "okx", "result", "passed") > 0;
        });
        String text = scrape(null).body();
        Files.createDirectories(Path.of("target", "metrics"));
        Files.writeString(Path.of("target", "metrics", "node.prom"), text);
        for (Venue venue : followed) {
            String v = venue.id();
            assertEquals(simulator.markets(venue).size(), settled.value("marketmesh_venue_subscriptions", "venue", v));
            assertTrue(settled.value("marketmesh_venue_connections_open", "venue", v) >= 1, v);
            assertTrue(settled.value("marketmesh_venue_workers", "venue", v) >= 1, v);
            assertTrue(settled.value("marketmesh_venue_bytes_received_total", "venue", v)
                    >= settled.value("marketmesh_venue_frames_received_total", "venue", v), v);
            assertEquals(settled.value("marketmesh_resyncs_requested_total", "venue", v),
                    settled.value("marketmesh_resyncs_healed_total", "venue", v), "no book stale: every resync healed");
        }
        // The same sockets the API lists open, and the same workers it says run (one node: all of them here).
        for (Venue venue : followed) {
            var view = venueView(venue);
            long openSockets = 0;
            for (var socket : view.path("connections")) {
                openSockets += socket.path("state").asText().equals("open") ? 1 : 0;
            }
            assertEquals(openSockets, settled.value("marketmesh_venue_connections_open", "venue", venue.id()),
                    view.toString());
            assertEquals(view.path("workersRunning").asInt(), settled.value("marketmesh_venue_workers", "venue",
                    venue.id()), view.toString());
        }
        assertEquals("counter", settled.type("marketmesh_venue_reconnects"));
        assertEquals("gauge", settled.type("marketmesh_venue_connections_open"));
        assertEquals("histogram", settled.type("marketmesh_frame_to_book_seconds"));
        assertEquals(settled.value("marketmesh_frame_to_book_seconds_count"),
                settled.value("marketmesh_frame_to_book_seconds_bucket", "le", "+Inf"), "+Inf bucket holds them all");
        assertTrue(settled.value("marketmesh_frame_to_book_seconds_sum") > 0);
        assertEquals(1, settled.value("marketmesh_cluster_members", "status", "Up"));
        assertEquals(0, settled.value("marketmesh_cluster_unreachable_members"));
        assertTrue(settled.value("marketmesh_shards", "type", "Market") >= 3, "a shard per venue worker at least");
        assertEquals(0, settled.value("marketmesh_stream_clients"));
        assertTrue(settled.has("jvm_memory_used_bytes") && settled.has("process_cpu_seconds_total"),
                "the client's JVM and process metrics");
        // Every name the Grafana dashboard and the alert rules query is served (the names agreed for issue 13).
        for (String metric : ObservabilityDeployFilesTest.NODE_METRICS) {
            assertTrue(settled.has(metric), metric + " is not served");
        }
        for (String histogram : ObservabilityDeployFilesTest.NODE_HISTOGRAMS) {
            assertEquals("histogram", settled.type(histogram), histogram);
            assertTrue(settled.has(histogram + "_bucket") && settled.has(histogram + "_count")
                    && settled.has(histogram + "_sum"), histogram);
        }
        for (String metric : ObservabilityDeployFilesTest.JVM_METRICS) {
            assertTrue(settled.has(metric), metric + " is not served");
        }

        // A truncated frame on every Kalshi socket: counted as a malformed bad frame, and as a bad_frame error.
        double malformed = settled.value("marketmesh_venue_bad_frames_total", "venue", "kalshi", "reason", "malformed");
        double badFrameErrors = settled.value("marketmesh_venue_errors_total", "venue", "kalshi", "kind", "bad_frame");
        int sent = simulator.sendMalformedFrame(Venue.KALSHI);
        assertTrue(sent > 0);
        PythonExposition afterMalformed = await("the malformed frames counted", m ->
                m.value("marketmesh_venue_bad_frames_total", "venue", "kalshi", "reason", "malformed") >= malformed + sent);
        assertEquals(badFrameErrors + sent,
                afterMalformed.value("marketmesh_venue_errors_total", "venue", "kalshi", "kind", "bad_frame"));
        assertEquals(0, afterMalformed.value("marketmesh_venue_bad_frames_total", "venue", "polymarket"),
                "no other venue sent one");

        // A skipped sequence number on each OKX socket: failed checks, a resync requested for each book, each healed
        // (with no book stale, every resync requested is healed).
        double gaps = afterMalformed.value("marketmesh_sequence_checks_total", "venue", "okx", "result", "failed");
        double requested = afterMalformed.value("marketmesh_resyncs_requested_total", "venue", "okx");
        double healed = afterMalformed.value("marketmesh_resyncs_healed_total", "venue", "okx");
        int dropped = simulator.injectSequenceGap(Venue.OKX);
        assertTrue(dropped > 0);
        await("each gap seen, resynced and healed", m ->
                m.value("marketmesh_sequence_checks_total", "venue", "okx", "result", "failed") >= gaps + dropped
                        && m.value("marketmesh_resyncs_requested_total", "venue", "okx") >= requested + dropped
                        && m.value("marketmesh_resyncs_healed_total", "venue", "okx") >= healed + dropped
                        && m.value("marketmesh_books_stale", "venue", "okx") == 0
                        && m.value("marketmesh_resyncs_requested_total", "venue", "okx")
                        == m.value("marketmesh_resyncs_healed_total", "venue", "okx"));

        // A best level removed without a word: only the checksum shows it.
        double checksumFailed = afterMalformed.value("marketmesh_checksum_checks_total", "venue", "okx", "result", "failed");
        assertEquals(1, simulator.hideTopOfBookChange(Venue.OKX));
        await("the hidden change caught by a checksum", m ->
                m.value("marketmesh_checksum_checks_total", "venue", "okx", "result", "failed") > checksumFailed);

        // A stream client following a Kalshi book: counted, its messages too, and its book changes timed.
        String kalshiMarket = "kalshi:" + simulator.markets(Venue.KALSHI).get(0);
        try (io.marketmesh.node.testkit.StreamClient client = io.marketmesh.node.testkit.StreamClient.connect(node.httpPort())) {
            client.subscribe(1, null, "book:" + kalshiMarket);
            await("the stream client's book changes timed", m -> m.value("marketmesh_stream_clients") == 1
                    && m.value("marketmesh_stream_messages_sent_total") > 0
                    && m.value("marketmesh_stream_bytes_sent_total") > m.value("marketmesh_stream_messages_sent_total")
                    && m.value("marketmesh_frame_to_stream_client_seconds_count") > 0);
        }
        await("the stream client gone, as it closed", m -> m.value("marketmesh_stream_clients") == 0
                && m.value("marketmesh_stream_disconnects_total", "reason", "client_closed") == 1);

        // The venue drops every Polymarket socket: each reconnects (a socket error each), and all are open again.
        PythonExposition beforeDrop = parse(scrape(null).body(), false);
        double reconnects = beforeDrop.value("marketmesh_venue_reconnects_total", "venue", "polymarket");
        double socketErrors = beforeDrop.value("marketmesh_venue_errors_total", "venue", "polymarket", "kind", "socket");
        double open = beforeDrop.value("marketmesh_venue_connections_open", "venue", "polymarket");
        int closed = simulator.dropConnections(Venue.POLYMARKET);
        assertTrue(closed > 0);
        await("every dropped socket reconnected", m ->
                m.value("marketmesh_venue_reconnects_total", "venue", "polymarket") >= reconnects + closed
                        && m.value("marketmesh_venue_errors_total", "venue", "polymarket", "kind", "socket")
                        >= socketErrors + closed
                        && m.value("marketmesh_venue_connections_open", "venue", "polymarket") == open
                        && m.value("marketmesh_books_stale", "venue", "polymarket") == 0);
    }

    @Test
    void openMetricsWhenAskedAndTheTextFormatOtherwise() {
        HttpResponse<String> text = scrape(null);
        assertEquals(200, text.statusCode());
        assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                text.headers().toString());
        PythonExposition fromText = parse(text.body(), false);

        HttpResponse<String> open = scrape(OPENMETRICS);
        assertEquals(200, open.statusCode());
        assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                open.headers().toString());
        assertTrue(open.body().endsWith("# EOF\n"), "an OpenMetrics exposition ends with # EOF");
        PythonExposition fromOpenMetrics = parse(open.body(), true);
        for (String family : List.of("marketmesh_venue_frames_received", "marketmesh_frame_to_book_seconds",
                "marketmesh_books", "marketmesh_kafka_records_queued", "marketmesh_cluster_members")) {
            assertEquals(fromText.type(family), fromOpenMetrics.type(family), family);
        }
        assertTrue(fromOpenMetrics.has("marketmesh_venue_reconnects_total"));
    }

    private com.fasterxml.jackson.databind.JsonNode venueView(Venue venue) {
        for (var view : node.get("/api/v1/venues").body().path("venues")) {
            if (view.path("venue").asText().equals(venue.id())) {
                return view;
            }
        }
        throw new AssertionError("no venue " + venue.id() + " in GET /api/v1/venues");
    }

    private PythonExposition await(String what, Predicate<PythonExposition> condition) {
        PythonExposition[] last = new PythonExposition[1];
        try {
            TestNode.await(() -> {
                last[0] = parse(scrape(null).body(), false);
                return condition.test(last[0]);
            }, WAIT, what);
        } catch (AssertionError e) {
            StringBuilder seen = new StringBuilder(e.getMessage()).append("; the last scrape's venue samples:");
            for (PythonExposition.Sample sample : last[0] == null ? List.<PythonExposition.Sample>of() : last[0].samples()) {
                if (sample.name().startsWith("marketmesh_") && sample.labels().containsKey("venue")) {
                    seen.append("\n  ").append(sample.name()).append(sample.labels()).append(' ').append(sample.value());
                }
            }
            throw new AssertionError(seen.toString(), e);
        }
        return last[0];
    }

    private static PythonExposition parse(String exposition, boolean openMetrics) {
        return PythonExposition.parse(exposition, openMetrics);
    }

    private HttpResponse<String> scrape(String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10));
        if (accept != null) {
            request.header("Accept", accept);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
