package io.marketmesh.node.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the node's topics when they are missing, each with its configured partitions (and the snapshots topic
 * log-compacted). Idempotent: existing topics are left as they are (a partition count that differs from the
 * configuration is only logged, since changing it would move keys between partitions). Several nodes may run it
 * at once.
 */
public final class KafkaTopics {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    private KafkaTopics() {
    }

    /** Client properties for an Admin of the given cluster, with the node's extra client properties. */
    public static Map<String, Object> adminProperties(String bootstrapServers, KafkaSettings settings) {
        Map<String, Object> p = new HashMap<>(settings.clientProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "marketmesh-admin");
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.startupTimeout().toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 30_000));
        return p;
    }

    /** Connects to {@code bootstrapServers}, ensures every topic, and closes the client. */
    public static List<String> ensure(String bootstrapServers, KafkaSettings settings)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(adminProperties(bootstrapServers, settings))) {
            return ensure(admin, settings);
        }
    }

    /**
     * Creates every topic of {@code settings} that does not exist yet.
     *
     * @return the names of the topics this call created (empty when all existed)
     */
    public static List<String> ensure(Admin admin, KafkaSettings settings)
            throws InterruptedException, ExecutionException, TimeoutException {
        Duration timeout = settings.startupTimeout();
        awaitUnfencedBroker(admin, timeout);
        Set<String> existing = await(admin.listTopics().names(), timeout);
        List<NewTopic> missing = new ArrayList<>();
        for (KafkaSettings.TopicSpec spec : settings.topics().values()) {
            if (!existing.contains(spec.name())) {
                missing.add(newTopic(spec, settings.replicationFactor()));
            }
        }
        List<String> created = new ArrayList<>();
        if (!missing.isEmpty()) {
            Map<String, KafkaFuture<Void>> results = admin.createTopics(missing,
                    new CreateTopicsOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                    .values();
            for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
                try {
                    await(result.getValue(), timeout);
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {   // another node was quicker: fine
                        throw e;
                    }
                }
            }
        }
        warnOnDifferences(admin, settings, existing, timeout);
        if (!created.isEmpty()) {
            awaitLeaders(admin, created, timeout);
        }
        return created.stream().sorted().toList();
    }

    /**
     * Waits until every partition of the new topics has a leader. A producer that writes earlier gets
     * NOT_LEADER_OR_FOLLOWER, and an idempotent one can then stall on OUT_OF_ORDER_SEQUENCE_NUMBER for good (seen
     * with a freshly started single broker).
     */
    /**
     * A KRaft broker answers while still fenced; partitions created then get their leader moved when it is unfenced
     * a moment later, and a producer writing across that move sees NOT_LEADER_OR_FOLLOWER. describeCluster lists
     * unfenced brokers only.
     */
    private static void awaitUnfencedBroker(Admin admin, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (await(admin.describeCluster().nodes(), timeout).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no unfenced Kafka broker after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private static void awaitLeaders(Admin admin, List<String> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, TopicDescription> described = await(admin.describeTopics(topics).allTopicNames(), timeout);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        described.values().forEach(d -> d.partitions().forEach(
                p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        // Metadata names a leader before the leader's log is open; listing offsets asks the leader itself.
        while (true) {
            try {
                await(admin.listOffsets(partitions).all(), timeout);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Kafka topics " + topics + " are not writable after " + timeout + ": "
                            + e.getCause());
                }
                Thread.sleep(100);
            }
        }
    }

    static NewTopic newTopic(KafkaSettings.TopicSpec spec, Optional<Short> replicationFactor) {
        NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()), replicationFactor);
        if (spec.compacted()) {
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return topic;
    }

    private static void warnOnDifferences(Admin admin, KafkaSettings settings, Set<String> existing, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> names = settings.topics().values().stream()
                .map(KafkaSettings.TopicSpec::name).filter(existing::contains).toList();
        if (names.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> described = await(admin.describeTopics(names).allTopicNames(), timeout);
        for (KafkaSettings.TopicSpec spec : settings.topics().values()) {
            TopicDescription d = described.get(spec.name());
            if (d != null && d.partitions().size() != spec.partitions()) {
                LOG.warn("Kafka topic {} exists with {} partitions, configured {}: left as it is", spec.name(),
                        d.partitions().size(), spec.partitions());
            }
        }
    }

    private static <T> T await(KafkaFuture<T> future, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
