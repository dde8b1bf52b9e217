package io.marketmesh.node.api;

import io.marketmesh.node.instrument.InstrumentActor;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.metrics.NodeCollector;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.stream.ClientsReport;
import io.marketmesh.node.stream.StreamConnections;
import io.marketmesh.protocol.Venue;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * {@code GET /metrics}: this node's Prometheus metrics, in the text format, or OpenMetrics when the {@code Accept}
 * header asks for it (client_java's {@link ExpositionFormats} chooses). The node owns its {@link PrometheusRegistry}
 * (not the client's static default), so several nodes in one JVM do not collide. It holds the JVM metrics and the
 * {@link NodeCollector} ({@link NodeMetrics} read at scrape time); what only an actor knows (stream clients, this
 * node's shards) is asked for here, at the HTTP edge, and a part that does not answer in time is left out of that
 * scrape rather than failing it.
 */
final class MetricsEndpoint {

    /** Cluster member statuses, each always present (0 when no member has it), so a series never disappears. */
    private static final List<String> MEMBER_STATUSES = List.of("Joining", "WeaklyUp", "Up", "Leaving", "Exiting",
            "Down", "Removed", "PreparingForShutdown", "ReadyForShutdown");

    private final ActorSystem<?> system;
    private final StreamConnections streams;
    private final Duration timeout;
    /** The node has joined its cluster: before, shards and stream clients are not asked (nobody would answer). */
    private final java.util.function.BooleanSupplier ready;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    MetricsEndpoint(ActorSystem<?> system, Set<Venue> venues, StreamConnections streams, Duration timeout,
                    java.util.function.BooleanSupplier ready) {
        this.system = system;
        this.ready = ready;
        this.streams = streams;
        this.timeout = timeout;
        JvmMetrics.builder().register(registry);
        registry.register(new NodeCollector(NodeMetrics.get(system), venues));
        registry.register(io.marketmesh.node.metrics.HttpRefusals.get(system));
    }

    /** @param accept the request's {@code Accept} header, or null */
    CompletionStage<HttpResponse> scrape(String accept) {
        if (!ready.getAsBoolean()) {
            CompletableFuture<Object> none = CompletableFuture.failedFuture(new IllegalStateException("not ready"));
            return CompletableFuture.completedFuture(render(accept, none.thenApply(x -> null), none.thenApply(x -> null),
                    none.thenApply(x -> null)));
        }
        CompletableFuture<ClientsReport> clients = streams.clients(timeout).toCompletableFuture();
        CompletableFuture<ShardRegion.CurrentShardRegionState> markets = regionState(MarketActor.TYPE_KEY);
        CompletableFuture<ShardRegion.CurrentShardRegionState> instruments = regionState(InstrumentActor.TYPE_KEY);
        return CompletableFuture.allOf(quiet(clients), quiet(markets), quiet(instruments))
                .thenApply(done -> render(accept, clients, markets, instruments));
    }

    private CompletableFuture<ShardRegion.CurrentShardRegionState> regionState(EntityTypeKey<?> key) {
        return AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(system).shardState(), replyTo -> new GetShardRegionState(key, replyTo), timeout,
                system.scheduler()).toCompletableFuture();
    }

    /** Completes when {@code future} does, failed or not. */
    private static CompletableFuture<?> quiet(CompletableFuture<?> future) {
        return future.handle((value, failure) -> null);
    }

    private HttpResponse render(String accept, CompletableFuture<ClientsReport> clients,
                                CompletableFuture<ShardRegion.CurrentShardRegionState> markets,
                                CompletableFuture<ShardRegion.CurrentShardRegionState> instruments) {
        List<MetricSnapshot> all = new ArrayList<>();
        registry.scrape().forEach(all::add);
        all.addAll(cluster());
        Map<String, ShardRegion.CurrentShardRegionState> regions = new LinkedHashMap<>();
        ifAnswered(markets, state -> regions.put("Market", state));
        ifAnswered(instruments, state -> regions.put("Instrument", state));
        if (!regions.isEmpty()) {
            GaugeSnapshot.Builder shards = GaugeSnapshot.builder().name("marketmesh_shards")
                    .help("Shards of each entity type hosted on this node");
            regions.forEach((type, state) -> shards.dataPoint(GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("type", type)).value(state.getShards().size()).build()));
            all.add(shards.build());
        }
        if (regions.containsKey("Instrument")) {
            long actors = regions.get("Instrument").getShards().stream()
                    .mapToLong(shard -> shard.getEntityIds().size()).sum();
            all.add(gauge("marketmesh_instruments", "Instrument actors on this node", Labels.EMPTY, actors));
        }
        ifAnswered(clients, report -> all.addAll(streams(report)));
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) {
            writer = formats.getPrometheusTextFormatWriter(); // protobuf asked for: this node does not ship it
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            writer.write(out, new MetricSnapshots(all));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the metrics", e);
        }
        return HttpResponse.create().withEntity(ContentTypes.parse(writer.getContentType()), out.toByteArray());
    }

    private static <T> void ifAnswered(CompletableFuture<T> future, java.util.function.Consumer<T> use) {
        if (future.isDone() && !future.isCompletedExceptionally()) {
            use.accept(future.join());
        }
    }

    private List<MetricSnapshot> cluster() {
        var state = Cluster.get(system).state();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        MEMBER_STATUSES.forEach(status -> byStatus.put(status, 0L));
        for (Member member : state.getMembers()) {
            byStatus.merge(member.status().toString(), 1L, Long::sum);
        }
        GaugeSnapshot.Builder members = GaugeSnapshot.builder().name("marketmesh_cluster_members")
                .help("Cluster members as this node sees them, by status");
        byStatus.forEach((status, count) -> members.dataPoint(GaugeDataPointSnapshot.builder()
                .labels(Labels.of("status", status)).value(count).build()));
        long unreachable = 0;
        for (Member ignored : state.getUnreachable()) {
            unreachable++;
        }
        return List.of(members.build(), gauge("marketmesh_cluster_unreachable_members",
                "Members this node's failure detector finds unreachable", Labels.EMPTY, unreachable));
    }

    private static List<MetricSnapshot> streams(ClientsReport report) {
        Map<String, Long> disconnects = new TreeMap<>();
        // The reasons the node closes for, or sees a client go for, always present: a series never appears late.
        List.of("client_closed", "connection_failed", "hub_restarted", "idle", "too_slow").forEach(reason -> disconnects.put(reason, 0L));
        for (Map.Entry<String, Long> reason : report.disconnects().entrySet()) {
            disconnects.merge(disconnectReason(reason.getKey()), reason.getValue(), Long::sum);
        }
        CounterSnapshot.Builder gone = CounterSnapshot.builder().name("marketmesh_stream_disconnects")
                .help("Stream clients gone, by reason (client_closed, connection_failed, too_slow, idle, hub_restarted)");
        disconnects.forEach((reason, count) -> gone.dataPoint(CounterDataPointSnapshot.builder()
                .labels(Labels.of("reason", reason)).value(count).build()));
        return List.of(
                gauge("marketmesh_stream_clients", "Stream clients (WebSocket and Server-Sent Events) connected now",
                        Labels.EMPTY, report.connected()),
                counter("marketmesh_stream_messages_sent", "Messages stream clients' connections have taken",
                        report.messagesSent()),
                counter("marketmesh_stream_bytes_sent",
                        "Stream messages' size sent, bytes (characters: the messages are ASCII JSON)",
                        report.bytesSent()),
                counter("marketmesh_stream_conflations",
                        "Books sent as one fresh snapshot instead of changes a slow client could not take",
                        report.conflations()),
                gone.build());
    }

    /** {@code "too slow"} → {@code too_slow}, {@code "connection failed: X"} → {@code connection_failed}: bounded. */
    static String disconnectReason(String reason) {
        int colon = reason.indexOf(':');
        String head = (colon < 0 ? reason : reason.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        String label = head.replaceAll("[^a-z0-9]+", "_");
        return label.isEmpty() ? "other" : label;
    }

    private static MetricSnapshot gauge(String name, String help, Labels labels, long value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build()).build();
    }

    private static MetricSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }
}
