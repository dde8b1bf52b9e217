package io.marketmesh.node.metrics;

import io.marketmesh.protocol.Venue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's own latency and throughput counters, one set per actor system (a Pekko extension), cheap enough to
 * stay on in production: each book change costs two {@code System.nanoTime()} calls and a few atomic increments.
 *
 * <p>Latencies are measured on the monotonic clock from the moment a venue frame's text is complete in the
 * connection's stream (its {@code receivedNanos}, carried next to the millisecond {@code receivedAt} to the
 * MarketActor and the Kafka publisher; never serialized, so a message that crossed to another node records nothing):
 * <ul>
 *   <li>{@link #receiptToApplied()}: until the MarketActor has applied the change to its book;</li>
 *   <li>{@link #receiptToKafkaAck()}: until the broker acknowledged the book record made of it ({@code acks=all}).</li>
 * </ul>
 * Both cover book changes (deltas), the bulk of the traffic; snapshots, trades and tickers are not timed.
 */
public final class NodeMetrics implements Extension {

    private static final ExtensionId<NodeMetrics> ID = new ExtensionId<>() {
        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
            return new NodeMetrics();
        }
    };

    public static NodeMetrics get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    private final LatencyHistogram receiptToApplied = new LatencyHistogram();
    private final LatencyHistogram receiptToKafkaAck = new LatencyHistogram();
    private final LatencyHistogram topToSummary = new LatencyHistogram();
    private final LatencyHistogram receiptToStreamClient = new LatencyHistogram();
    private final LongAdder summariesPublished = new LongAdder();
    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder deltasApplied = new LongAdder();
    private final LongAdder kafkaQueued = new LongAdder();
    private final LongAdder kafkaRefused = new LongAdder();
    private final LongAdder kafkaAcknowledged = new LongAdder();
    private final LongAdder kafkaEncodeFailed = new LongAdder();
    private final LongAdder marketActorsStarted = new LongAdder();
    private final LongAdder marketActorsStopped = new LongAdder();
    private final LongAdder booksLive = new LongAdder();
    private final LongAdder kafkaProducerRestarts = new LongAdder();
    /** Per venue (by ordinal): this node's MarketActors whose book is served stale now. */
    private final AtomicLongArray booksStale = new AtomicLongArray(Venue.values().length);
    /** Per venue (by ordinal): what {@code GET /metrics} shows of it. */
    private final VenueCounters[] venues = new VenueCounters[Venue.values().length];
    /** Records waiting in the Kafka publish queue now, read from the publisher's queue (0 without Kafka). */
    private volatile IntSupplier kafkaQueueDepth = () -> 0;
    /** 1 while this node reaches its Kafka, 0 while not; null without Kafka (no metric then). */
    private volatile IntSupplier kafkaUp;

    private NodeMetrics() {
        for (Venue venue : Venue.values()) {
            venues[venue.ordinal()] = new VenueCounters(venue);
        }
    }

    /** {@code venue}'s counters on this node; the same instance for the node's life (hold it, no lookup per frame). */
    public VenueCounters venue(Venue venue) {
        return venues[venue.ordinal()];
    }

    /** Records waiting in the Kafka publish queue now. */
    public int kafkaQueueDepth() {
        return kafkaQueueDepth.getAsInt();
    }

    /** 1 while this node reaches its Kafka, 0 while not, -1 when Kafka is disabled. */
    public int kafkaUp() {
        IntSupplier up = kafkaUp;
        return up == null ? -1 : up.getAsInt();
    }

    /** The Kafka health probe says where its state is read. */
    public void kafkaUp(IntSupplier up) {
        this.kafkaUp = up;
    }

    /** The Kafka publisher says where its queue's depth is read. */
    public void kafkaQueueDepth(IntSupplier depth) {
        this.kafkaQueueDepth = depth;
    }

    public LatencyHistogram receiptToApplied() {
        return receiptToApplied;
    }

    public LatencyHistogram receiptToKafkaAck() {
        return receiptToKafkaAck;
    }

    /**
     * From a book change's venue frame to its message taken by a stream client's socket (WebSocket or Server-Sent
     * Events), per client: timed on the wall clock in milliseconds, since the frame's receipt crosses nodes as epoch
     * ms (the book's MarketActor may run on another node than the client's).
     */
    public LatencyHistogram receiptToStreamClient() {
        return receiptToStreamClient;
    }

    /**
     * From the venue frame behind a member's top-of-book change (or the change itself, when it had no frame) to the
     * instrument's new summary handed to its outputs; recorded only where the market and the instrument share a JVM.
     */
    public LatencyHistogram topToSummary() {
        return topToSummary;
    }

    /** Instrument summaries computed and handed to their outputs on this node. */
    public long summariesPublished() {
        return summariesPublished.sum();
    }

    public void onSummaryPublished(long changedNanos) {
        summariesPublished.increment();
        if (changedNanos != 0) {
            topToSummary.record(System.nanoTime() - changedNanos);
        }
    }

    /** Venue frames received, all sockets. */
    public long framesReceived() {
        return framesReceived.sum();
    }

    /** Book changes (deltas) applied to books, all markets on this node. */
    public long deltasApplied() {
        return deltasApplied.sum();
    }

    /** Records queued for Kafka (every channel). */
    public long kafkaQueued() {
        return kafkaQueued.sum();
    }

    /** Records the full Kafka publish queue refused. */
    public long kafkaRefused() {
        return kafkaRefused.sum();
    }

    /** Records the broker acknowledged. */
    public long kafkaAcknowledged() {
        return kafkaAcknowledged.sum();
    }

    /** Records that could not be encoded and were skipped (each book one healed by a full book). */
    public long kafkaEncodeFailed() {
        return kafkaEncodeFailed.sum();
    }

    /** Times the producer stage failed and was restarted. */
    public long kafkaProducerRestarts() {
        return kafkaProducerRestarts.sum();
    }

    /** MarketActors started on this node (each start of a market: new, moved here, or re-created). */
    public long marketActorsStarted() {
        return marketActorsStarted.sum();
    }

    /** MarketActors on this node now. */
    public long marketActorsRunning() {
        return marketActorsStarted.sum() - marketActorsStopped.sum();
    }

    /** Books on this node served fresh now: their MarketActor holds the venue's book and trusts it (LIVE). */
    public long booksLive() {
        return booksLive.sum();
    }

    /** A MarketActor's book became LIVE ({@code true}) or stopped being LIVE ({@code false}, the actor stopping too). */
    public void onBookLive(boolean live) {
        if (live) {
            booksLive.increment();
        } else {
            booksLive.decrement();
        }
    }

    /**
     * Books of {@code venue} on this node served stale now: held by a running MarketActor that has no trusted venue
     * book (no snapshot yet, bootstrapped from Kafka, a gap or failed check, a lost connection, a reset). The
     * MarketActors keep it, on their transitions only, so {@code GET /api/v1/venues} reads it without asking them.
     */
    public long booksStale(Venue venue) {
        return booksStale.get(venue.ordinal());
    }

    /** A MarketActor's book of {@code venue} became stale ({@code true}) or stopped being stale ({@code false}). */
    public void onBookStale(Venue venue, boolean stale) {
        booksStale.addAndGet(venue.ordinal(), stale ? 1 : -1);
    }

    public void onMarketActorStarted() {
        marketActorsStarted.increment();
    }

    public void onMarketActorStopped() {
        marketActorsStopped.increment();
    }

    public void onFrameReceived() {
        framesReceived.increment();
    }

    /** A delta was applied; {@code receivedNanos} is its frame's receipt ({@code 0}: unknown, not timed). */
    public void onDeltaApplied(long receivedNanos) {
        deltasApplied.increment();
        if (receivedNanos != 0) {
            receiptToApplied.record(System.nanoTime() - receivedNanos);
        }
    }

    public void onKafkaQueued() {
        kafkaQueued.increment();
    }

    public void onKafkaRefused() {
        kafkaRefused.increment();
    }

    public void onKafkaEncodeFailed() {
        kafkaEncodeFailed.increment();
    }

    public void onKafkaProducerRestart() {
        kafkaProducerRestarts.increment();
    }

    /** The broker acknowledged a record; {@code receivedNanos} as for {@link #onDeltaApplied(long)}. */
    public void onKafkaAcknowledged(long receivedNanos) {
        kafkaAcknowledged.increment();
        if (receivedNanos != 0) {
            receiptToKafkaAck.record(System.nanoTime() - receivedNanos);
        }
    }
}
