package io.marketmesh.node.metrics;

import io.marketmesh.protocol.Venue;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * {@link NodeMetrics} as Prometheus metrics, read at scrape time: the counters and histograms the node keeps anyway are
 * the one source of truth, nothing is counted twice. Venue metrics carry the label {@code venue} for the venues enabled
 * on this node (a bounded set), never a label per market. Names and meanings: docs/observability.md.
 */
public final class NodeCollector implements MultiCollector {

    /** Histogram bucket upper bounds, µs: 50 µs .. 10 s, the range from a local book change to a stalled broker. */
    private static final long[] BOUNDS_MICROS = {50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000,
            100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000};
    private static final double[] BOUNDS_SECONDS = new double[BOUNDS_MICROS.length + 1];

    static {
        for (int i = 0; i < BOUNDS_MICROS.length; i++) {
            BOUNDS_SECONDS[i] = BOUNDS_MICROS[i] / 1e6;
        }
        BOUNDS_SECONDS[BOUNDS_MICROS.length] = Double.POSITIVE_INFINITY;
    }

    private final NodeMetrics metrics;
    private final List<Venue> venues;

    /** @param venues the venues enabled on this node: each gets its series, even while all of them are 0 */
    public NodeCollector(NodeMetrics metrics, Set<Venue> venues) {
        this.metrics = metrics;
        this.venues = venues.stream().sorted().toList();
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> all = new ArrayList<>();
        all.add(venueGauge("marketmesh_venue_connections_open", "Venue WebSockets open on this node",
                VenueCounters::connectionsOpen));
        all.add(venueCounter("marketmesh_venue_reconnects",
                "Venue socket restarts after their first start (reconnection attempts)", VenueCounters::reconnects));
        all.add(venueCounter("marketmesh_venue_frames_received", "Venue frames (messages) received",
                VenueCounters::framesReceived));
        all.add(venueCounter("marketmesh_venue_bytes_received",
                "Venue frame payload received, bytes (a text frame's characters: the venues send ASCII JSON)",
                VenueCounters::bytesReceived));
        all.add(badFrames());
        all.add(errors());
        all.add(venueGauge("marketmesh_venue_subscriptions", "Markets the venue's connection workers on this node carry",
                VenueCounters::subscriptions));
        all.add(venueGauge("marketmesh_venue_workers", "The venue's connection workers running on this node",
                VenueCounters::workers));
        all.add(venueGauge("marketmesh_books", "Market actors (books) of the venue on this node", VenueCounters::books));
        all.add(staleBooks());
        all.add(venueCounter("marketmesh_resyncs_requested", "Resyncs (fresh snapshots) requested by this node's books",
                VenueCounters::resyncsRequested));
        all.add(venueCounter("marketmesh_resyncs_healed",
                "Books served stale that a fresh snapshot made trusted again", VenueCounters::resyncsHealed));
        all.add(changesDropped());
        all.add(passedFailed("marketmesh_sequence_checks",
                "Venue sequence-number checks by this node's sockets, by result", true));
        all.add(passedFailed("marketmesh_checksum_checks",
                "Venue checksums verified by this node's books, by result", false));
        all.add(counter("marketmesh_kafka_records_queued", "Records queued for Kafka", metrics.kafkaQueued()));
        all.add(counter("marketmesh_kafka_records_acknowledged", "Records the Kafka broker acknowledged",
                metrics.kafkaAcknowledged()));
        all.add(counter("marketmesh_kafka_records_refused", "Records the full Kafka publish queue refused",
                metrics.kafkaRefused()));
        all.add(gauge("marketmesh_kafka_publish_queue_depth", "Records waiting in the Kafka publish queue",
                metrics.kafkaQueueDepth()));
        all.add(histogram("marketmesh_frame_to_book_seconds",
                "Venue frame receipt to the change applied to its book (book changes), seconds",
                metrics.receiptToApplied()));
        all.add(histogram("marketmesh_frame_to_kafka_ack_seconds",
                "Venue frame receipt to the broker's acknowledgement of its book record, seconds",
                metrics.receiptToKafkaAck()));
        all.add(histogram("marketmesh_frame_to_stream_client_seconds",
                "Venue frame receipt to the book change taken by a stream client's socket, seconds (ms resolution)",
                metrics.receiptToStreamClient()));
        all.add(histogram("marketmesh_top_to_summary_seconds",
                "Top-of-book change (from its venue frame) to the instrument's new summary, seconds",
                metrics.topToSummary()));
        return new MetricSnapshots(all);
    }

    private static Labels venue(Venue venue) {
        return Labels.of("venue", venue.id());
    }

    private MetricSnapshot venueCounter(String name, String help, ToLongFunction<VenueCounters> value) {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
        for (Venue venue : venues) {
            builder.dataPoint(CounterDataPointSnapshot.builder().labels(venue(venue))
                    .value(value.applyAsLong(metrics.venue(venue))).build());
        }
        return builder.build();
    }

    private MetricSnapshot venueGauge(String name, String help, ToLongFunction<VenueCounters> value) {
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
        for (Venue venue : venues) {
            builder.dataPoint(GaugeDataPointSnapshot.builder().labels(venue(venue))
                    .value(value.applyAsLong(metrics.venue(venue))).build());
        }
        return builder.build();
    }

    private MetricSnapshot staleBooks() {
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name("marketmesh_books_stale")
                .help("Books of the venue on this node served stale now");
        for (Venue venue : venues) {
            builder.dataPoint(GaugeDataPointSnapshot.builder().labels(venue(venue))
                    .value(metrics.booksStale(venue)).build());
        }
        return builder.build();
    }

    private MetricSnapshot badFrames() {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name("marketmesh_venue_bad_frames")
                .help("Venue frames skipped as unreadable, by reason (malformed, unknown, binary, other)");
        for (Venue venue : venues) {
            for (VenueCounters.BadFrameReason reason : VenueCounters.BadFrameReason.values()) {
                builder.dataPoint(CounterDataPointSnapshot.builder()
                        .labels(Labels.of("venue", venue.id(), "reason", reason.label()))
                        .value(metrics.venue(venue).badFrames(reason)).build());
            }
        }
        return builder.build();
    }

    private MetricSnapshot changesDropped() {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name("marketmesh_book_changes_dropped")
                .help("Changes this node's books dropped, by reason (other_writer: not from the book's writer socket; "
                        + "late: overtaken by later messages of its socket)");
        for (Venue venue : venues) {
            for (VenueCounters.DropReason reason : VenueCounters.DropReason.values()) {
                builder.dataPoint(CounterDataPointSnapshot.builder()
                        .labels(Labels.of("reason", reason.label(), "venue", venue.id()))
                        .value(metrics.venue(venue).changesDropped(reason)).build());
            }
        }
        return builder.build();
    }

    private MetricSnapshot errors() {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name("marketmesh_venue_errors")
                .help("Venue errors by kind (socket, upgrade_refused, venue_error, discovery, bad_frame)");
        for (Venue venue : venues) {
            for (int kind = 0; kind < VenueCounters.ERROR_KINDS.length; kind++) {
                builder.dataPoint(CounterDataPointSnapshot.builder()
                        .labels(Labels.of("kind", VenueCounters.ERROR_KINDS[kind], "venue", venue.id()))
                        .value(metrics.venue(venue).errors(kind)).build());
            }
        }
        return builder.build();
    }

    private MetricSnapshot passedFailed(String name, String help, boolean sequence) {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
        for (Venue venue : venues) {
            VenueCounters counters = metrics.venue(venue);
            for (boolean passed : new boolean[] {true, false}) {
                long value = sequence ? counters.sequenceChecks(passed) : counters.checksumChecks(passed);
                builder.dataPoint(CounterDataPointSnapshot.builder()
                        .labels(Labels.of("result", passed ? "passed" : "failed", "venue", venue.id()))
                        .value(value).build());
            }
        }
        return builder.build();
    }

    static MetricSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    static MetricSnapshot gauge(String name, String help, long value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static MetricSnapshot histogram(String name, String help, LatencyHistogram histogram) {
        long[] counts = histogram.countsBelow(BOUNDS_MICROS);
        return HistogramSnapshot.builder().name(name).help(help)
                .dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS_SECONDS, counts))
                        .sum(histogram.sumMicros() / 1e6).build())
                .build();
    }
}
