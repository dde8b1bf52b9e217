package io.marketmesh.node.publish;

import com.typesafe.config.Config;
import io.marketmesh.protocol.Channel;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code marketmesh.kafka}: whether the node publishes to Kafka at all, to which cluster (none configured =
 * a broker embedded in the node), and the topics it writes.
 *
 * @param enabled          false runs the node without Kafka
 * @param bootstrapServers {@code host:port[,host:port]} of an existing cluster; empty = start the embedded broker
 * @param embedded         the embedded broker (used only when {@code bootstrapServers} is empty)
 * @param startupTimeout   time allowed for one admin round (listing / creating topics)
 * @param clientProperties extra kafka-clients properties for every client the node creates (security etc.)
 * @param replicationFactor replication of created topics; empty = the cluster's {@code default.replication.factor}
 * @param topics           every topic the node writes, by the channel of the records it carries
 * @param publishBuffer    records that may wait for the broker before new ones are refused (and healed later)
 * @param snapshotInterval how often each market with changes republishes its full book (book and snapshots topics)
 * @param bootstrapLookBack on start, books published within this long are rebuilt from Kafka and served until the
 *                          venues' snapshots arrive; zero turns the bootstrap off
 * @param publishRaw       whether every venue frame is also published, as received, on the raw topic
 */
public record KafkaSettings(boolean enabled, String bootstrapServers, Embedded embedded, Duration startupTimeout,
                            Map<String, String> clientProperties, Optional<Short> replicationFactor,
                            Map<Channel, TopicSpec> topics, int publishBuffer, Duration snapshotInterval,
                            Duration bootstrapLookBack, boolean publishRaw) {

    /** One topic: its name, the partitions it is created with and whether it is compacted. */
    public record TopicSpec(String name, int partitions, boolean compacted) {
    }

    /**
     * The broker a node runs in-process when no bootstrap servers are configured.
     *
     * @param port           PLAINTEXT listener on 127.0.0.1 (0 = any free port)
     * @param dataDir        log and metadata directory; kept across restarts
     * @param controllerPort KRaft controller listener on 127.0.0.1 (0 = any free port)
     */
    public record Embedded(int port, Path dataDir, int controllerPort) {
    }

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public KafkaSettings {
        topics = Collections.unmodifiableMap(new EnumMap<>(topics));
        clientProperties = Map.copyOf(clientProperties);
    }

    /** True when this node must start its own broker. */
    public boolean embeddedBroker() {
        return enabled && bootstrapServers.isBlank();
    }

    public TopicSpec topic(Channel topic) {
        return topics.get(topic);
    }

    /**
     * Reads {@code marketmesh.kafka}.
     *
     * @throws com.typesafe.config.ConfigException for a missing key or a wrong type
     * @throws IllegalArgumentException for a value out of range (names the key)
     */
    public static KafkaSettings fromConfig(Config c) {
        Config e = c.getConfig("embedded");
        Embedded embedded = new Embedded(
                port(e.getInt("port"), "embedded.port"),
                Path.of(e.getString("data-dir")),
                port(e.getInt("controller-port"), "embedded.controller-port"));
        if (embedded.port() != 0 && embedded.port() == embedded.controllerPort()) {
            throw new IllegalArgumentException("marketmesh.kafka.embedded.port and embedded.controller-port must differ");
        }
        if (e.getString("data-dir").isBlank()) {
            throw new IllegalArgumentException("marketmesh.kafka.embedded.data-dir must not be empty");
        }

        Config t = c.getConfig("topics");
        int rf = t.getInt("replication-factor");
        if (rf < 0 || rf > Short.MAX_VALUE) {
            throw new IllegalArgumentException("marketmesh.kafka.topics.replication-factor = " + rf
                    + " must be 0 (the cluster's default) or more");
        }
        Map<Channel, TopicSpec> topics = new EnumMap<>(Channel.class);
        Set<String> names = new HashSet<>();
        for (Channel topic : Channel.values()) {
            Config tc = t.getConfig(topic.id());
            String key = "marketmesh.kafka.topics." + topic.id();
            String name = tc.getString("name");
            if (!TOPIC_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException(key + ".name = \"" + name
                        + "\" is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(key + ".name = \"" + name + "\" is used by another topic too");
            }
            int partitions = tc.getInt("partitions");
            if (partitions < 1) {
                throw new IllegalArgumentException(key + ".partitions = " + partitions + " must be at least 1");
            }
            // Snapshots keep only the latest book per market: that topic is log-compacted.
            topics.put(topic, new TopicSpec(name, partitions, topic == Channel.SNAPSHOTS || topic == Channel.MARKETS));
        }

        Duration startupTimeout = c.getDuration("startup-timeout");
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("marketmesh.kafka.startup-timeout must be positive");
        }
        Map<String, String> clientProperties = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> entry : c.getConfig("client-properties").entrySet()) {
            // `security.protocol = X` (nested) and `"security.protocol" = X` (quoted) mean the same property.
            clientProperties.put(String.join(".", ConfigUtil.splitPath(entry.getKey())),
                    String.valueOf(entry.getValue().unwrapped()));
        }
        int publishBuffer = c.getInt("publish-buffer");
        if (publishBuffer < 1) {
            throw new IllegalArgumentException("marketmesh.kafka.publish-buffer = " + publishBuffer + " must be at least 1");
        }
        Duration snapshotInterval = c.getDuration("snapshot-interval");
        if (snapshotInterval.isNegative() || snapshotInterval.isZero()) {
            throw new IllegalArgumentException("marketmesh.kafka.snapshot-interval must be positive");
        }
        Duration lookBack = c.getDuration("bootstrap-look-back");
        if (lookBack.isNegative()) {
            throw new IllegalArgumentException("marketmesh.kafka.bootstrap-look-back must not be negative");
        }
        return new KafkaSettings(c.getBoolean("enabled"), c.getString("bootstrap-servers").trim(), embedded,
                startupTimeout, clientProperties, rf == 0 ? Optional.empty() : Optional.of((short) rf), topics,
                publishBuffer, snapshotInterval, lookBack, c.getBoolean("publish-raw"));
    }

    private static int port(int port, String key) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("marketmesh.kafka." + key + " = " + port + " is not a port (0-65535)");
        }
        return port;
    }
}
