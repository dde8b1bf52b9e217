package io.marketmesh.node.publish;

import io.marketmesh.protocol.Channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real in-process KRaft broker: topics, a produce/consume round trip, and data surviving a restart. */
class EmbeddedKafkaTest {

    private static KafkaSettings defaults() {
        return KafkaSettings.fromConfig(NodeConfig.load(ConfigFactory.empty()).getConfig("marketmesh.kafka"));
    }

    @Test
    void createsTopicsRoundTripsARecordAndKeepsItAcrossARestart(@TempDir Path dataDir) throws Exception {
        KafkaSettings settings = defaults();
        int port = TestNode.freePort();
        String clusterId;
        RecordMetadata written;
        String value = "book-" + UUID.randomUUID();
        String topic = settings.topic(Channel.BOOK).name();

        long t0 = System.nanoTime();
        try (EmbeddedKafka broker = EmbeddedKafka.start(port, dataDir, 0)) {
            System.out.printf("embedded Kafka started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertEquals("127.0.0.1:" + port, broker.bootstrapServers());
            clusterId = broker.clusterId();
            try (Admin admin = admin(broker)) {
                List<String> created = KafkaTopics.ensure(admin, settings);
                assertEquals(settings.topics().values().stream().map(KafkaSettings.TopicSpec::name)
                        .collect(Collectors.toSet()), Set.copyOf(created));
                assertEquals(List.of(), KafkaTopics.ensure(admin, settings), "a second run creates nothing");
                assertTopicsAsConfigured(admin, settings);
            }
            try (KafkaProducer<String, String> producer = producer(broker)) {
                written = producer.send(new ProducerRecord<>(topic, "polymarket:111", value)).get();
            }
            assertEquals(value, readBack(broker, topic, written));
        }

        try (EmbeddedKafka broker = EmbeddedKafka.start(port, dataDir, 0)) {
            assertEquals(clusterId, broker.clusterId(), "the data directory keeps its cluster id");
            try (Admin admin = admin(broker)) {
                assertEquals(List.of(), KafkaTopics.ensure(admin, settings), "topics survived the restart");
            }
            assertEquals(value, readBack(broker, topic, written), "the record survived the restart");
        }
    }

    @Test
    void aTakenPortIsReportedWithTheSettingsToChange(@TempDir Path dataDir) throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EmbeddedKafka.start(port, dataDir, 0));
            assertEquals("embedded Kafka cannot listen on 127.0.0.1:" + port + " (port in use?) — set "
                    + "marketmesh.kafka.bootstrap-servers or marketmesh.kafka.embedded.port", e.getMessage());
            assertThrows(IllegalStateException.class, () -> EmbeddedKafka.checkPortFree(port));
        }
    }

    private static void assertTopicsAsConfigured(Admin admin, KafkaSettings settings) throws Exception {
        List<String> names = settings.topics().values().stream().map(KafkaSettings.TopicSpec::name).toList();
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        for (KafkaSettings.TopicSpec spec : settings.topics().values()) {
            assertEquals(spec.partitions(), described.get(spec.name()).partitions().size(), spec.name());
            String policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertEquals(spec.compacted() ? "compact" : "delete", policy, spec.name());
        }
        assertTrue(settings.topic(Channel.SNAPSHOTS).compacted());
        assertEquals("compact", configs.get(new ConfigResource(ConfigResource.Type.TOPIC,
                settings.topic(Channel.SNAPSHOTS).name())).get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
    }

    static Admin admin(EmbeddedKafka broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka broker) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
    }

    /** Reads the record at {@code at} with a plain consumer (no group). */
    private static String readBack(EmbeddedKafka broker, String topic, RecordMetadata at) {
        TopicPartition partition = new TopicPartition(topic, at.partition());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, at.offset());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() == at.offset()) {
                        assertEquals("polymarket:111", record.key());
                        return record.value();
                    }
                }
            }
        }
        throw new AssertionError("record at " + topic + "-" + at.partition() + "@" + at.offset() + " not read back");
    }

    @Test
    void settingsAreReadAndCheckedWithTheKeyNamed() {
        KafkaSettings settings = defaults();
        assertTrue(settings.enabled());
        assertTrue(settings.embeddedBroker());
        assertEquals(9092, settings.embedded().port());
        assertEquals(Path.of("data/kafka"), settings.embedded().dataDir());
        assertEquals(Optional.empty(), settings.replicationFactor());
        assertEquals(10, settings.topics().size());
        assertTrue(settings.topic(io.marketmesh.protocol.Channel.MARKETS).compacted(), "the catalogue keeps the latest per market");
        assertEquals("marketmesh.summaries", settings.topic(io.marketmesh.protocol.Channel.SUMMARIES).name());
        assertEquals("marketmesh.arbitrage", settings.topic(io.marketmesh.protocol.Channel.ARBITRAGE).name());

        KafkaSettings external = KafkaSettings.fromConfig(NodeConfig.load(ConfigFactory.parseMap(Map.of(
                "marketmesh.kafka.bootstrap-servers", "k1:9092,k2:9092",
                "marketmesh.kafka.client-properties", Map.of("security.protocol", "SSL"))))
                .getConfig("marketmesh.kafka"));
        assertTrue(!external.embeddedBroker());
        assertEquals(Map.of("security.protocol", "SSL"), external.clientProperties());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.kafka.topics.book.partitions", 0)))));
        assertEquals("marketmesh.kafka.topics.book.partitions = 0 must be at least 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.kafka.topics.trades.name", "marketmesh.book")))));
        assertTrue(e.getMessage().contains("used by another topic"), e.getMessage());
    }
}
