package io.marketmesh.node.bench;

import io.marketmesh.node.metrics.LatencyHistogram;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Side;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka's own ceiling on this machine: one plain producer, with the node's producer properties, sending the node's
 * {@code book_delta} records (encoded as the node encodes them, one per followed market, keyed by market) as fast
 * as it can to a topic of its own with the book topic's partitions, on the broker the node then uses. Like Kafka's
 * {@code ProducerPerformance} at full blast: latency is send to acknowledgement, waits for buffer space included.
 */
final class KafkaCeiling {

    record Result(double recordsPerSecond, double megabytesPerSecond, LatencyHistogram latency, int medianRecordBytes,
                  long errors) {
    }

    private KafkaCeiling() {
    }

    /** Different records per market, so that compression sees what it sees in the node's stream, not one record. */
    private static final int VARIANTS = 16;

    /**
     * A {@code book_delta} record of {@code market} as the node publishes it on the book topic: one level changed,
     * price, size and times drawn from {@code random}.
     */
    static byte[] bookDeltaRecord(MarketKey market, long sequence, java.util.Random random) {
        long now = System.currentTimeMillis() + random.nextInt(60_000);
        long size = 100 + random.nextInt(500_000);
        BookDelta delta = new BookDelta(market, BookDelta.Mode.ABSOLUTE,
                List.of(new LevelUpdate(random.nextBoolean() ? Side.BID : Side.ASK, Decimals.of(1 + random.nextInt(99), 2),
                        Decimals.of(random.nextBoolean() ? size - size % 100 : size, 2))), sequence, now - 3, now);
        return ProtocolJson.encodeRecordBytes(new MarketRecord<>(MarketRecord.VERSION, market.venue().id(), market.id(),
                Channel.BOOK, sequence, "127.0.0.1:25520", now, now, delta));
    }

    /**
     * Creates {@code topic} ({@code partitions}, one replica) and sends for {@code warmup} (not counted), then for
     * {@code duration}, which is measured.
     */
    static Result measure(String bootstrap, Map<String, String> producerProperties, String topic, int partitions,
                          List<MarketKey> markets, Duration warmup, Duration duration) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all()
                    .get(60, TimeUnit.SECONDS);
        }
        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int variant = 0; variant < VARIANTS; variant++) {
            for (MarketKey market : markets) {
                keys.add(market.id());
                values.add(bookDeltaRecord(market, 1_000_000 + random.nextInt(1_000_000), random));
            }
        }
        int[] sizes = values.stream().mapToInt(v -> v.length).sorted().toArray();
        Map<String, Object> properties = new HashMap<>(producerProperties);
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "marketmesh-kafka-ceiling");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new ByteArraySerializer())) {
            blast(producer, topic, keys, values, warmup, new LatencyHistogram(), new AtomicLong(), new AtomicLong(),
                    new AtomicLong());
            LatencyHistogram latency = new LatencyHistogram();
            AtomicLong acked = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            long start = System.nanoTime();
            blast(producer, topic, keys, values, duration, latency, acked, bytes, errors);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(acked.get() / seconds, bytes.get() / seconds / 1e6, latency, sizes[sizes.length / 2],
                    errors.get());
        }
    }

    /** Sends for {@code duration}, then waits for every acknowledgement (flush). */
    private static void blast(KafkaProducer<String, byte[]> producer, String topic, List<String> keys,
                              List<byte[]> values, Duration duration, LatencyHistogram latency, AtomicLong acked,
                              AtomicLong bytes, AtomicLong errors) {
        long end = System.nanoTime() + duration.toNanos();
        int i = 0;
        while (System.nanoTime() < end) {
            for (int batch = 0; batch < 256; batch++, i++) {
                int market = i % keys.size();
                byte[] value = values.get(market);
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, keys.get(market), value), (metadata, failure) -> {
                    if (failure != null) {
                        errors.incrementAndGet();
                        return;
                    }
                    latency.record(System.nanoTime() - sent);
                    acked.incrementAndGet();
                    bytes.addAndGet(value.length);
                });
            }
        }
        producer.flush();
    }
}
