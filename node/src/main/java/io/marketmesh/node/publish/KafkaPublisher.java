package io.marketmesh.node.publish;

import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.ProtocolJson;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import io.marketmesh.node.metrics.NodeMetrics;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartFlow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one Kafka producer stream: a bounded queue that MarketActors offer records to, then one shared
 * idempotent producer ({@code acks=all}, compressed, batched). While the broker is away the producer keeps retrying
 * and the queue holds what waits; when the queue is full, the newest record is refused, counted, and the
 * MarketActor that offered it republishes a full book once it can (see {@code MarketActor}). Nothing grows
 * without bound and nothing is lost silently.
 */
public final class KafkaPublisher implements MarketPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPublisher.class);

    /** A record waiting for the producer, with its frame's receipt stamp (0: none); also the flexiFlow pass-through. */
    private record Pending(MarketRecord<?> record, long receivedNanos) {
    }

    private final BoundedSourceQueue<Pending> queue;
    /** Queued records up to which {@link #hasRoom()} holds: half the publish buffer. */
    private final int roomThreshold;
    private final NodeMetrics metrics;
    private final String source;
    /** {@code marketmesh.kafka.publish-raw}: false drops raw frame records before they are queued. */
    private final boolean publishRaw;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();

    private KafkaPublisher(ActorSystem<?> system, KafkaSettings settings, CompletionStage<String> bootstrapServers,
                           String source) {
        this.source = source;
        this.publishRaw = settings.publishRaw();
        this.roomThreshold = settings.publishBuffer() / 2;
        this.metrics = NodeMetrics.get(system);
        Map<KafkaSettings.Topic, String> topics = new EnumMap<>(KafkaSettings.Topic.class);
        settings.topics().forEach((topic, spec) -> topics.put(topic, spec.name()));
        RestartSettings restart = RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)
                .withLogSettings(RestartSettings.createLogSettings(org.apache.pekko.event.Logging.ErrorLevel()));
        Flow<ProducerMessage.Envelope<String, byte[], Pending>, ProducerMessage.Results<String, byte[], Pending>, NotUsed>
                producer = RestartFlow.onFailuresWithBackoff(restart, () -> Flow.lazyCompletionStageFlow(() ->
                        bootstrapServers.thenApply(bootstrap -> {
                            LOG.info("publishing to Kafka at {}", bootstrap);
                            return Producer.<String, byte[], Pending>flexiFlow(producerSettings(system, settings, bootstrap));
                        })));
        Pair<BoundedSourceQueue<Pending>, CompletionStage<Done>> stream = Source.<Pending>queue(settings.publishBuffer())
                .map(pending -> toMessage(pending, topics))
                .via(producer)
                .toMat(Sink.foreach(result -> {
                    acknowledged.incrementAndGet();
                    metrics.onKafkaAcknowledged(result.passThrough().receivedNanos());
                }), Keep.both())
                .run(system);
        this.queue = stream.first();
        // Flush and close the producer while the broker (maybe our embedded one, stopped last) is still there.
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "kafka-publisher-flush", () -> {
            queue.complete();
            return stream.second().exceptionally(failure -> Done.getInstance()).whenComplete((done, failure) ->
                    LOG.info("Kafka publisher stopped: {} record(s) acknowledged, {} refused", acknowledged.get(),
                            refused.get()));
        });
    }

    /** Starts the stream; records queue until {@code bootstrapServers} completes (the embedded broker is up). */
    public static KafkaPublisher start(ActorSystem<?> system, KafkaSettings settings,
                                       CompletionStage<String> bootstrapServers, String source) {
        return new KafkaPublisher(system, settings, bootstrapServers, source);
    }

    @Override
    public boolean publish(MarketRecord<?> record) {
        return publish(record, 0);
    }

    @Override
    public boolean publish(MarketRecord<?> record, long receivedNanos) {
        if (!publishRaw && MarketRecord.CHANNEL_RAW.equals(record.channel())) {
            return true;
        }
        QueueOfferResult result = queue.offer(new Pending(record, receivedNanos));
        if (result == QueueOfferResult.enqueued()) {
            queued.incrementAndGet();
            metrics.onKafkaQueued();
            return true;
        }
        metrics.onKafkaRefused();
        if (refused.incrementAndGet() == 1 || refused.get() % 10_000 == 0) {
            LOG.warn("Kafka publish queue refused a record ({} so far): {}", refused.get(), result);
        }
        return false;
    }

    @Override
    public boolean hasRoom() {
        return queue.size() <= roomThreshold;
    }

    @Override
    public boolean accepts(String channel) {
        return publishRaw || !MarketRecord.CHANNEL_RAW.equals(channel);
    }

    @Override
    public String source() {
        return source;
    }

    public long queued() {
        return queued.get();
    }

    public long refused() {
        return refused.get();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    private static ProducerMessage.Envelope<String, byte[], Pending> toMessage(Pending pending,
                                                                             Map<KafkaSettings.Topic, String> topics) {
        MarketRecord<?> record = pending.record();
        KafkaSettings.Topic topic = KafkaSettings.Topic.valueOf(record.channel().toUpperCase(Locale.ROOT));
        MarketRecord<?> stamped = new MarketRecord<>(record.version(), record.venue(), record.market(), record.channel(),
                record.sequence(), record.source(), record.receivedTimestamp(), System.currentTimeMillis(),
                record.payload());
        return ProducerMessage.single(new ProducerRecord<>(topics.get(topic), record.market(), ProtocolJson.encodeRecordBytes(stamped)),
                pending);
    }

    private static ProducerSettings<String, byte[]> producerSettings(ActorSystem<?> system, KafkaSettings settings,
                                                                     String bootstrap) {
        ProducerSettings<String, byte[]> producer = ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
                .withBootstrapServers(bootstrap)
                .withProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .withProperty(ProducerConfig.ACKS_CONFIG, "all")
                .withProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                // Fewer, larger batches: each batch costs a fixed amount (lz4 allocates two 64 KB blocks per batch,
                // the broker validates and appends it), and records are spread over every partition of several
                // topics, so with linger.ms=5 a node at 25k changes/s sent thousands of tiny batches a second and
                // spent more CPU on them than on the records. Measured on 2 cores (docs/benchmarks.md): 20 ms and
                // 128 KB kept 50k changes/s acknowledged where 5 ms and 16 KB fell behind at 10-25k.
                .withProperty(ProducerConfig.LINGER_MS_CONFIG, "20")
                .withProperty(ProducerConfig.BATCH_SIZE_CONFIG, "131072")
                // Retry through broker outages of up to 10 minutes; the bounded queue in front limits memory. Finite,
                // so a batch the broker keeps refusing (seen: OUT_OF_ORDER_SEQUENCE_NUMBER after a leader move on a
                // just-started broker) fails the producer, which the restart replaces, instead of stalling for ever.
                .withProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        for (Map.Entry<String, String> property : settings.clientProperties().entrySet()) {
            producer = producer.withProperty(property.getKey(), property.getValue());
        }
        return producer;
    }
}
