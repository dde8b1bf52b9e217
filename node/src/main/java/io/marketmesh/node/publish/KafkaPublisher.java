package io.marketmesh.node.publish;

import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
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
 * The node's one Kafka producer stream: a bounded queue that MarketActors (and venue sockets, for raw frames) offer
 * records to, each record encoded once, then one shared idempotent producer ({@code acks=all}, compressed, batched).
 * While the broker is away the producer keeps retrying and the queue holds what waits; when the queue is full, the
 * newest record is refused, counted, and the market that offered it republishes a full book once it can.
 *
 * <p>Nothing is lost silently. The producer stage restarts (with backoff) when it fails, and a restarting stage drops
 * what it had in flight: every outlet with records handed to the failed producer and never acknowledged is told
 * ({@code onLoss}), and its market announces the gap and republishes its full book. A record that cannot be encoded
 * is counted, logged and skipped, and its outlet told the same way; publishing goes on.
 *
 * <p>Knowing what is in flight rests on order: records are handed over and acknowledged in the order queued
 * ({@code Producer.flexiFlow} emits results in order), so per outlet the last ticket acknowledged says what arrived.
 * A supervision strategy that resumed past a failed send would break that silently: there is none, a failure
 * restarts the stage.
 */
public final class KafkaPublisher implements MarketPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPublisher.class);
    /** At most this many queued records travel the stream as one element. */
    private static final int MAX_RECORDS_PER_ELEMENT = 1024;

    /** A record waiting for the producer, as its parts; also the producer's pass-through, back with the ack. */
    private static final class Pending {
        final KafkaOutlet outlet;
        final Channel channel;
        final long sequence;
        final long receivedTimestamp;
        final Object payload;
        final long receivedNanos;
        /** The outlet's count of records handed to the producer, this one included (set when it is handed over). */
        long ticket;

        Pending(KafkaOutlet outlet, Channel channel, long sequence, long receivedTimestamp, Object payload,
                long receivedNanos) {
            this.outlet = outlet;
            this.channel = channel;
            this.sequence = sequence;
            this.receivedTimestamp = receivedTimestamp;
            this.payload = payload;
            this.receivedNanos = receivedNanos;
        }
    }

    /**
     * One key's outlet. Records are handed to the producer and acknowledged in order, so the last ticket acknowledged
     * below the last ticket handed over means records are in flight; when the producer fails, those are lost.
     */
    private final class KafkaOutlet implements Outlet {
        final String venue;
        final String key;
        final Runnable onLoss;
        final AtomicLong handedOver = new AtomicLong();
        final AtomicLong acknowledged = new AtomicLong();
        /** The last record queued: once closed, its owner is gone, and the publisher sees it through itself. */
        volatile Pending last;
        volatile boolean closed;

        KafkaOutlet(String venue, String key, Runnable onLoss) {
            this.venue = venue;
            this.key = key;
            this.onLoss = onLoss;
        }

        @Override
        public boolean publish(Channel channel, long sequence, long receivedTimestamp, Object payload,
                               long receivedNanos) {
            if (channel == Channel.RAW && !publishRaw) {
                return true;
            }
            Pending pending = new Pending(this, channel, sequence, receivedTimestamp, payload, receivedNanos);
            QueueOfferResult result = queue.offer(pending);
            if (result == QueueOfferResult.enqueued()) {
                last = pending;
            }
            if (result == QueueOfferResult.enqueued()) {
                metrics.onKafkaQueued();
                return true;
            }
            metrics.onKafkaRefused();
            long refused = metrics.kafkaRefused();
            if (refused == 1 || refused % 10_000 == 0) {
                LOG.warn("Kafka publish queue refused a record ({} so far): {}", refused, result);
            }
            return false;
        }

        /**
         * The owner is gone. Kept until its last record (a market's "no longer followed", say) is acknowledged, so
         * that a producer restart that loses it can send it again: nobody is left to heal it.
         */
        @Override
        public void close() {
            closed = true;
            if (delivered(last)) {
                outlets.remove(this);
            }
        }

        void acknowledge(Pending pending) {
            acknowledged.getAndAccumulate(pending.ticket, Math::max);
            if (closed && pending == last) {
                outlets.remove(this);
            }
        }

        private boolean delivered(Pending pending) {
            return pending == null || (pending.ticket > 0 && acknowledged.get() >= pending.ticket);
        }

        /**
         * After a producer restart, when records handed to the failed producer were never acknowledged: tells the
         * owner, or for a closed outlet whose last record was among them, queues that record again.
         */
        void restarted() {
            long handed = handedOver.get();
            long before = acknowledged.getAndAccumulate(handed, Math::max);
            if (before >= handed) {
                return;
            }
            Pending lost = last;
            if (!closed) {
                onLoss.run();
            } else if (lost != null && lost.ticket > before) {
                Pending again = new Pending(this, lost.channel, lost.sequence, lost.receivedTimestamp, lost.payload, 0);
                if (queue.offer(again) == QueueOfferResult.enqueued()) {
                    last = again;
                } else {
                    outlets.remove(this);
                }
            } else {
                outlets.remove(this);
            }
        }
    }

    private final BoundedSourceQueue<Pending> queue;
    /** Queued records up to which {@link #hasRoom()} holds: half the publish buffer. */
    private final int roomThreshold;
    private final NodeMetrics metrics;
    private final String source;
    /** {@code marketmesh.kafka.publish-raw}: false drops raw frame records before they are queued. */
    private final boolean publishRaw;
    private final Map<Channel, String> topics = new EnumMap<>(Channel.class);
    private final Set<KafkaOutlet> outlets = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean producerStarted = new AtomicBoolean();

    private KafkaPublisher(ActorSystem<?> system, KafkaSettings settings, CompletionStage<String> bootstrapServers,
                           String source) {
        this.source = source;
        this.publishRaw = settings.publishRaw();
        this.roomThreshold = settings.publishBuffer() / 2;
        this.metrics = NodeMetrics.get(system);
        settings.topics().forEach((channel, spec) -> topics.put(channel, spec.name()));
        Flow<ProducerMessage.Envelope<String, byte[], List<Pending>>, ProducerMessage.Results<String, byte[], List<Pending>>, NotUsed>
                producer = restarting(() -> {
                    onProducerStart();
                    return Flow.lazyCompletionStageFlow(() -> bootstrapServers.thenApply(bootstrap -> {
                        LOG.info("publishing to Kafka at {}", bootstrap);
                        return Producer.<String, byte[], List<Pending>>flexiFlow(
                                producerSettings(system, settings, bootstrap));
                    }));
                });
        Pair<BoundedSourceQueue<Pending>, CompletionStage<Done>> stream = Source.<Pending>queue(settings.publishBuffer())
                // Whatever queued while the producer stage was busy travels as one element: the stream's cost (an
                // element, a send future, an acknowledgement callback) is paid per batch, not per record. Nothing
                // waits to fill a batch: when the stage keeps up, each record goes alone, at once.
                .batch(MAX_RECORDS_PER_ELEMENT, KafkaPublisher::firstOfBatch, KafkaPublisher::addToBatch)
                .map(this::encode)
                .via(producer)
                .toMat(Sink.foreach(result -> {
                    List<Pending> acked = result.passThrough();
                    for (int i = 0, n = acked.size(); i < n; i++) {
                        Pending pending = acked.get(i);
                        pending.outlet.acknowledge(pending);
                        metrics.onKafkaAcknowledged(pending.receivedNanos);
                    }
                }), Keep.both())
                .run(system);
        this.queue = stream.first();
        BoundedSourceQueue<Pending> queued = queue;
        metrics.kafkaQueueDepth(queued::size);
        // Flush and close the producer while the broker (maybe our embedded one, stopped last) is still there.
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "kafka-publisher-flush", () -> {
            queue.complete();
            return stream.second().exceptionally(failure -> Done.getInstance()).whenComplete((done, failure) ->
                    LOG.info("Kafka publisher stopped: {} record(s) acknowledged, {} refused", metrics.kafkaAcknowledged(),
                            metrics.kafkaRefused()));
        });
    }

    /** Starts the stream; records queue until {@code bootstrapServers} completes (the embedded broker is up). */
    public static KafkaPublisher start(ActorSystem<?> system, KafkaSettings settings,
                                       CompletionStage<String> bootstrapServers, String source) {
        return new KafkaPublisher(system, settings, bootstrapServers, source);
    }

    @Override
    public Outlet open(Venue venue, String key, Runnable onLoss) {
        KafkaOutlet outlet = new KafkaOutlet(venue == null ? null : venue.id(), key, onLoss);
        outlets.add(outlet);
        return outlet;
    }

    @Override
    public boolean hasRoom() {
        return queue.size() <= roomThreshold;
    }

    @Override
    public boolean accepts(Channel channel) {
        return publishRaw || channel != Channel.RAW;
    }

    private static List<Pending> firstOfBatch(Pending pending) {
        List<Pending> batch = new ArrayList<>(8);
        batch.add(pending);
        return batch;
    }

    private static List<Pending> addToBatch(List<Pending> batch, Pending pending) {
        batch.add(pending);
        return batch;
    }

    /**
     * Each record of the batch built once, stamped and encoded, in order; one that cannot be encoded is left out
     * (counted, its outlet told). The batch's results come back together, once the broker acknowledged all of them.
     */
    private ProducerMessage.Envelope<String, byte[], List<Pending>> encode(List<Pending> batch) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(batch.size());
        List<Pending> sent = new ArrayList<>(batch.size());
        for (int i = 0, n = batch.size(); i < n; i++) {
            Pending pending = batch.get(i);
            ProducerRecord<String, byte[]> record = encode(pending);
            if (record != null) {
                records.add(record);
                sent.add(pending);
            }
        }
        return records.isEmpty() ? ProducerMessage.passThrough(sent) : ProducerMessage.multi(records, sent);
    }

    /** The record, built once, stamped and encoded; null when it cannot be encoded (counted, its outlet told). */
    private ProducerRecord<String, byte[]> encode(Pending pending) {
        MarketRecord<Object> record = new MarketRecord<>(MarketRecord.VERSION, pending.outlet.venue, pending.outlet.key,
                pending.channel, pending.sequence, source, pending.receivedTimestamp, System.currentTimeMillis(),
                pending.payload);
        byte[] value;
        try {
            // No payload on a compacted topic: a tombstone (the key's last record, removed by compaction).
            value = pending.payload == null && pending.channel == Channel.MARKETS ? null
                    : ProtocolJson.encodeRecordBytes(record);
        } catch (RuntimeException e) {
            metrics.onKafkaEncodeFailed();
            long failed = metrics.kafkaEncodeFailed();
            if (failed <= 10 || failed % 1000 == 0) {
                LOG.warn("a {} record of {} could not be encoded and was skipped ({} so far): {}", pending.channel.id(),
                        pending.outlet.key, failed, e.toString());
            }
            if (pending.outlet.closed && pending == pending.outlet.last) {
                outlets.remove(pending.outlet);
            } else if (pending.channel == Channel.BOOK) {
                pending.outlet.onLoss.run();
            }
            return null;
        }
        pending.ticket = pending.outlet.handedOver.incrementAndGet();
        return new ProducerRecord<>(topics.get(pending.channel), pending.outlet.key, value);
    }

    /**
     * The producer stage is (re)starting. On a restart, whatever the failed one held unacknowledged is gone: every
     * outlet with such records is told. The old stage is dead and the new one has taken nothing yet.
     */
    /**
     * The producer stage, restarted with backoff whenever it ends, however it ends. Not {@code onFailuresWithBackoff}:
     * a failing producer cancels its upstream as well as failing downstream, and that operator passes a cancellation
     * that reaches it before the failure on to the stream's upstream (it waits only 50 ms for the failure), which
     * fails the publish queue for good: seen under load after a {@code BufferExhaustedException}, when the node
     * then refused every record until it was restarted. Here any end of the stage restarts it; the stage ends for
     * good only when the queue itself completes (the node's shutdown).
     */
    static <In, Out> Flow<In, Out, NotUsed> restarting(
            org.apache.pekko.japi.function.Creator<Flow<In, Out, ?>> stage) {
        RestartSettings restart = RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)
                .withLogSettings(RestartSettings.createLogSettings(org.apache.pekko.event.Logging.ErrorLevel()));
        return RestartFlow.withBackoff(restart, stage);
    }

    private void onProducerStart() {
        if (!producerStarted.compareAndSet(false, true)) {
            metrics.onKafkaProducerRestart();
            for (KafkaOutlet outlet : outlets) {
                outlet.restarted();
            }
            LOG.warn("Kafka producer restarted: each market that had records in flight announces the loss "
                    + "(gap_detected) and republishes its full book");
        }
    }

    private static ProducerSettings<String, byte[]> producerSettings(ActorSystem<?> system, KafkaSettings settings,
                                                                     String bootstrap) {
        ProducerSettings<String, byte[]> producer = ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
                .withBootstrapServers(bootstrap);
        for (Map.Entry<String, String> property : producerProperties(settings).entrySet()) {
            producer = producer.withProperty(property.getKey(), property.getValue());
        }
        return producer;
    }

    /**
     * The producer's kafka-clients properties (bootstrap servers and serializers aside): the node's defaults, then
     * {@code marketmesh.kafka.client-properties} over them. Public so that the load benchmark measures Kafka's own
     * ceiling with exactly these.
     */
    public static Map<String, String> producerProperties(KafkaSettings settings) {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Fewer, larger batches: each batch costs a fixed amount (lz4 allocates two 64 KB blocks per batch,
        // the broker validates and appends it), and records are spread over every partition of several
        // topics, so with linger.ms=5 a node at 25k changes/s sent thousands of tiny batches a second and
        // spent more CPU on them than on the records. Measured on 2 cores (docs/benchmarks.md): 20 ms and
        // 128 KB kept 50k changes/s acknowledged where 5 ms and 16 KB fell behind at 10-25k.
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        // Retry through broker outages of up to 10 minutes; the bounded queue in front limits memory. Finite,
        // so a batch the broker keeps refusing (seen: OUT_OF_ORDER_SEQUENCE_NUMBER after a leader move on a
        // just-started broker) fails the producer, which the restart replaces, instead of stalling for ever.
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        properties.putAll(settings.clientProperties());
        return properties;
    }
}
