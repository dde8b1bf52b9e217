package io.marketmesh.node.testkit;

import com.fasterxml.jackson.core.type.TypeReference;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.ProtocolJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what a node published, as a consumer would: every partition of a topic from its start to today's end. */
public final class KafkaRecords {

    public static final TypeReference<MarketRecord<MarketEvent>> EVENT = new TypeReference<>() {
    };
    public static final TypeReference<MarketRecord<Continuity>> CONTINUITY = new TypeReference<>() {
    };

    private KafkaRecords() {
    }

    /**
     * Every record of {@code topic} up to the end offsets it has when the read starts (what was acknowledged by
     * then), each partition in order.
     */
    public static <T> List<MarketRecord<T>> readAll(String bootstrap, String topic, TypeReference<MarketRecord<T>> type) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<MarketRecord<T>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        MarketRecord<T> decoded = ProtocolJson.mapper().readValue(record.value(), type);
                        if (!decoded.market().equals(record.key())) {
                            throw new AssertionError("a record of " + topic + " is keyed " + record.key()
                                    + ", not by its market: " + decoded);
                        }
                        records.add(decoded);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("a record of " + topic + " does not decode", e);
        }
        return records;
    }

    /** The records of each market, in the order published (a market's records share one partition). */
    public static <T> Map<String, List<MarketRecord<T>>> byMarket(List<MarketRecord<T>> records) {
        Map<String, List<MarketRecord<T>>> byMarket = new LinkedHashMap<>();
        for (MarketRecord<T> record : records) {
            byMarket.computeIfAbsent(record.market(), m -> new ArrayList<>()).add(record);
        }
        return byMarket;
    }

    /**
     * Reads {@code topic} to its end again and again until what was read, by market, satisfies {@code done}; returns
     * that read. Fails naming {@code what} after {@code timeout}.
     */
    public static <T> Map<String, List<MarketRecord<T>>> awaitByMarket(
            String bootstrap, String topic, TypeReference<MarketRecord<T>> type,
            Predicate<Map<String, List<MarketRecord<T>>>> done, Duration timeout, String what) {
        AtomicReference<Map<String, List<MarketRecord<T>>>> read = new AtomicReference<>();
        TestNode.await(() -> {
            read.set(byMarket(readAll(bootstrap, topic, type)));
            return done.test(read.get());
        }, timeout, what);
        return read.get();
    }

    /**
     * Whether a market's book records end with a full book of exactly these levels: once its venue is quiet, a
     * market's last book record is the periodic full book of what it serves.
     */
    public static boolean endsWithFullBook(List<MarketRecord<MarketEvent>> records, List<PriceLevel> bids,
                                           List<PriceLevel> asks) {
        return records != null && !records.isEmpty()
                && records.get(records.size() - 1).payload() instanceof BookSnapshot full
                && full.bids().equals(bids) && full.asks().equals(asks);
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> position = new HashMap<>();
        for (TopicPartition partition : end.keySet()) {
            position.put(partition, consumer.position(partition));
        }
        return end.entrySet().stream().allMatch(e -> position.get(e.getKey()) >= e.getValue());
    }
}
