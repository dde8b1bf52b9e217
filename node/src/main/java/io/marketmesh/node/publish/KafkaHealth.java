package io.marketmesh.node.publish;

import com.typesafe.config.Config;
import io.marketmesh.node.cluster.KafkaState;
import io.marketmesh.node.metrics.NodeMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node reaches its Kafka now: until {@link NodeKafka} has the broker and topics ready, the reason it has
 * not; then a probe every {@code marketmesh.kafka.health.probe-interval} (a describe-cluster round trip with one
 * long-lived admin client, so a quiet node notices an outage as fast as a busy one). Readiness does not depend on it
 * (see {@link io.marketmesh.node.cluster.NodeReadiness}); {@code /health/ready}, {@code /api/v1/cluster} and
 * {@code marketmesh_kafka_up} show it. One line is logged per change.
 */
public final class KafkaHealth {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaHealth.class);

    /** {@code marketmesh.kafka.health}. */
    public record Settings(Duration probeInterval, Duration probeTimeout) {
        public static Settings fromConfig(Config kafka) {
            Config c = kafka.getConfig("health");
            Settings settings = new Settings(c.getDuration("probe-interval"), c.getDuration("probe-timeout"));
            if (settings.probeInterval.isZero() || settings.probeInterval.isNegative()
                    || settings.probeTimeout.isZero() || settings.probeTimeout.isNegative()) {
                throw new IllegalArgumentException("marketmesh.kafka.health.probe-interval and probe-timeout must be > 0");
            }
            return settings;
        }
    }

    private final NodeKafka kafka;
    private final KafkaSettings kafkaSettings;
    private final Settings settings;
    private final NodeMetrics metrics;
    private final ScheduledExecutorService probes;
    /** Null until the first probe. */
    private volatile String status;
    private volatile Instant since = Instant.now();
    private volatile String reason;
    private boolean everConnected;
    private Admin admin;

    private KafkaHealth(NodeKafka kafka, KafkaSettings kafkaSettings, Settings settings, NodeMetrics metrics) {
        this.kafka = kafka;
        this.kafkaSettings = kafkaSettings;
        this.settings = settings;
        this.metrics = metrics;
        this.probes = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "marketmesh-kafka-health");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts probing; stops in coordinated shutdown's service-stop phase (before the embedded broker stops). */
    public static KafkaHealth start(ActorSystem<?> system, NodeKafka kafka, KafkaSettings kafkaSettings,
                                    Settings settings) {
        KafkaHealth health = new KafkaHealth(kafka, kafkaSettings, settings, NodeMetrics.get(system));
        health.metrics.kafkaUp(() -> KafkaState.CONNECTED.equals(health.status) ? 1 : 0);
        health.probes.scheduleWithFixedDelay(health::probe, 0, settings.probeInterval.toMillis(), TimeUnit.MILLISECONDS);
        // The first probe right when the topics are ready, not up to an interval later.
        kafka.bootstrapServers().thenRun(() -> health.probes.execute(health::probe));
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "kafka-health-stop",
                () -> CompletableFuture.supplyAsync(() -> {
                    health.stop();
                    return Done.getInstance();
                }, health.probes));
        return health;
    }

    /** This node's Kafka state now. */
    public KafkaState state() {
        String now = status;
        return new KafkaState(now == null ? KafkaState.UNREACHABLE : now, since.toString(),
                now == null ? "not probed yet" : reason, metrics.kafkaQueueDepth());
    }

    private void probe() {
        CompletableFuture<String> topicsReady = kafka.bootstrapServers().toCompletableFuture();
        if (!topicsReady.isDone() || topicsReady.isCompletedExceptionally()) {
            update(KafkaState.UNREACHABLE, kafka.notReadyReason().orElse("Kafka is not ready yet"));
            return;
        }
        String bootstrap = topicsReady.join();
        try {
            if (admin == null) {
                admin = Admin.create(adminProperties(bootstrap));
            }
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions()
                    .timeoutMs((int) settings.probeTimeout.toMillis())).nodes()
                    .get(settings.probeTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                update(KafkaState.UNREACHABLE, "the cluster on " + bootstrap + " lists no broker");
            } else {
                update(KafkaState.CONNECTED, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            update(KafkaState.UNREACHABLE, "no answer from " + bootstrap + " within " + settings.probeTimeout.toMillis()
                    + " ms: " + rootMessage(e));
        }
    }

    private Map<String, Object> adminProperties(String bootstrap) {
        Map<String, Object> properties = KafkaTopics.adminProperties(bootstrap, kafkaSettings);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "marketmesh-health");
        int timeout = (int) settings.probeTimeout.toMillis();
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        // While the broker is away, try it about once per probe rather than the client's default of every second.
        properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, settings.probeInterval.toMillis());
        return properties;
    }

    private void update(String newStatus, String newReason) {
        String was = status;
        reason = newReason;
        if (newStatus.equals(was)) {
            return;
        }
        Instant now = Instant.now();
        Duration lasted = Duration.between(since, now);
        since = now;
        status = newStatus;
        if (newStatus.equals(KafkaState.CONNECTED)) {
            LOG.info("Kafka connected{}", was == null ? "" : everConnected
                    ? " again after " + lasted.toSeconds() + " s unreachable" : " (" + lasted.toSeconds() + " s after start)");
            everConnected = true;
        } else if (was == null) {
            LOG.info("Kafka not reachable yet: {}", newReason);
        } else {
            LOG.warn("Kafka unreachable: {}; books are still served, records queue ({} queued now)", newReason,
                    metrics.kafkaQueueDepth());
        }
    }

    private void stop() {
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
        probes.shutdownNow();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
