package io.marketmesh.node.publish;

import io.marketmesh.protocol.Channel;
import com.fasterxml.jackson.core.type.TypeReference;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.ProtocolJson;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds books from Kafka when a node starts, so it serves something before the venues answer: the latest full
 * book per market from the compacted snapshots topic (no older than the look-back), then the book topic's changes
 * that follow it in the same run's gap-free sequence. Reads what is there when it starts and stops; blocking, for a
 * thread of its own.
 */
public final class KafkaBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBootstrap.class);
    private static final TypeReference<MarketRecord<MarketEvent>> EVENT_RECORD = new TypeReference<>() {
    };
    private static final Duration POLL = Duration.ofMillis(500);

    /** A rebuilt book and when its last record was published. */
    public record Book(BookSnapshot book, long publishedAt) {
    }

    private static final class Rebuild {
        final OrderBook book = new OrderBook();
        final String source;
        long sequence;
        long publishedAt;
        BookSnapshot last;

        Rebuild(MarketRecord<MarketEvent> snapshotRecord, BookSnapshot snapshot) {
            this.source = snapshotRecord.source();
            this.sequence = snapshotRecord.sequence();
            this.publishedAt = snapshotRecord.publishedTimestamp();
            this.last = snapshot;
            book.replace(snapshot.bids(), snapshot.asks());
        }
    }

    private KafkaBootstrap() {
    }

    /** @param wanted which markets (by id, {@code venue:symbol}) to rebuild */
    public static Map<MarketKey, Book> read(String bootstrapServers, KafkaSettings settings, Duration lookBack,
                                            java.util.function.Predicate<String> wanted) {
        long started = System.nanoTime();
        long oldest = System.currentTimeMillis() - lookBack.toMillis();
        Map<String, Rebuild> rebuilds = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers, settings)) {
            readToEnd(consumer, settings.topic(Channel.SNAPSHOTS).name(), -1, record -> {
                if (record.payload() instanceof BookSnapshot snapshot && record.publishedTimestamp() >= oldest
                        && wanted.test(record.market())) {
                    rebuilds.put(record.market(), new Rebuild(record, snapshot));
                }
            });
            if (!rebuilds.isEmpty()) {
                long from = rebuilds.values().stream().mapToLong(r -> r.publishedAt).min().orElse(oldest);
                readToEnd(consumer, settings.topic(Channel.BOOK).name(), from, record -> {
                    Rebuild rebuild = rebuilds.get(record.market());
                    if (rebuild != null && record.source().equals(rebuild.source) && record.sequence() == rebuild.sequence + 1) {
                        apply(rebuild, record);
                    }
                });
            }
        }
        Map<MarketKey, Book> books = new HashMap<>();
        rebuilds.forEach((market, rebuild) -> books.put(MarketKey.parse(market), new Book(new BookSnapshot(
                rebuild.last.market(), rebuild.book.topBids(Integer.MAX_VALUE), rebuild.book.topAsks(Integer.MAX_VALUE),
                rebuild.last.venueSequence(), rebuild.last.venueTimestamp(), rebuild.last.receivedAt()), rebuild.publishedAt)));
        LOG.info("Kafka bootstrap: {} book(s) rebuilt from the last {} of snapshots and changes in {} ms", books.size(),
                lookBack, (System.nanoTime() - started) / 1_000_000);
        return books;
    }

    private static void apply(Rebuild rebuild, MarketRecord<MarketEvent> record) {
        MarketEvent event = record.payload();
        if (event instanceof BookSnapshot snapshot) {
            rebuild.book.replace(snapshot.bids(), snapshot.asks());
            rebuild.last = snapshot;
        } else if (event instanceof BookDelta delta) {
            rebuild.book.apply(delta.updates(), delta.mode() == BookDelta.Mode.RELATIVE);
        } else if (event instanceof BookReset) {
            rebuild.book.clear();
        } else {
            return;
        }
        rebuild.sequence = record.sequence();
        rebuild.publishedAt = record.publishedTimestamp();
    }

    /** Reads every partition of {@code topic} from {@code fromTimestamp} (-1: the beginning) up to today's end. */
    private static void readToEnd(KafkaConsumer<String, String> consumer, String topic, long fromTimestamp,
                                  java.util.function.Consumer<MarketRecord<MarketEvent>> handler) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        if (fromTimestamp < 0) {
            consumer.seekToBeginning(partitions);
        } else {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, fromTimestamp));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp at = found.get(partition);
                consumer.seek(partition, at == null ? end.get(partition) : at.offset());
            }
        }
        long bad = 0;
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                    continue;
                }
                try {
                    handler.accept(ProtocolJson.mapper().readValue(record.value(), EVENT_RECORD));
                } catch (Exception e) {
                    if (bad++ == 0) {
                        LOG.warn("Kafka bootstrap skipped an unreadable record on {} at offset {}: {}", topic,
                                record.offset(), e.getMessage());
                    }
                }
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(String bootstrapServers, KafkaSettings settings) {
        Properties props = new Properties();
        props.putAll(settings.clientProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props);
    }
}
