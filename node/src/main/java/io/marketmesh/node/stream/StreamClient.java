package io.marketmesh.node.stream;

import io.marketmesh.node.metrics.LatencyHistogram;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import io.marketmesh.node.stream.ClosableWebSocket.CloseReason;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * One connected client as the hub sees it: its bounded outgoing buffer, its subscriptions, whether it is behind, and
 * its counters. Owned by the hub; only the buffer is shared (with the client's socket stream, which drains it).
 */
final class StreamClient {

    /** A book one subscription of a behind client was not sent changes of: it gets a fresh snapshot instead. */
    record Conflated(Subscription subscription, MarketStream market) {
    }

    final long id;
    final String remote;
    final boolean sse;
    final long connectedAt = System.currentTimeMillis();
    final BoundedSourceQueue<Outgoing> buffer;
    /** Completed with why the node closes this client: its socket sends that close frame. */
    final CompletableFuture<CloseReason> close;
    final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    long lastHeardNanos = System.nanoTime();

    /** Behind: book changes are held back (conflated) until the buffer drains. */
    boolean behind;
    long behindSinceNanos;
    final Set<Conflated> conflated = new LinkedHashSet<>();
    boolean closed;
    /** The client's socket stream has ended: nothing can be queued any more. Not a slow client. */
    boolean ended;

    /** Messages and characters the client's socket has taken (written by its stream, read by the hub). */
    final AtomicLong messages = new AtomicLong();
    final AtomicLong characters = new AtomicLong();
    long conflations;

    /** Venue frame receipt to a book change taken by this client's socket ({@code NodeMetrics}). */
    private final LatencyHistogram toClient;

    StreamClient(long id, String remote, boolean sse, BoundedSourceQueue<Outgoing> buffer,
                 CompletableFuture<CloseReason> close, LatencyHistogram toClient) {
        this.toClient = toClient;
        this.id = id;
        this.remote = remote;
        this.sse = sse;
        this.buffer = buffer;
        this.close = close;
    }

    /**
     * @return false when the buffer is full, or the client gone (closed by the node, or {@link #ended}): nothing was
     *         queued
     */
    boolean offer(Outgoing message) {
        if (closed || ended) {
            return false;
        }
        QueueOfferResult result = buffer.offer(message);
        if (result == QueueOfferResult.enqueued()) {
            return true;
        }
        if (result != QueueOfferResult.dropped()) {
            // Not full: the socket's stream has ended (the client left), and its Disconnected is on the way.
            ended = true;
        }
        return false;
    }

    /** The message as this client gets it: a data message numbered in its subscription. On the socket's stream. */
    String render(Outgoing message) {
        String text = message.subscription() == null ? message.json()
                : StreamMessages.forSubscription(message.json(), message.subscription(), ++message.subscription().seq);
        messages.incrementAndGet();
        characters.addAndGet(text.length());
        if (message.receivedAt() != 0) {
            // Epoch ms: the frame may have been received on another node (whose clock must agree, as for any age).
            toClient.recordMicros((System.currentTimeMillis() - message.receivedAt()) * 1_000);
        }
        return text;
    }

    int queued() {
        return buffer.size();
    }

    void conflate(Subscription subscription, MarketStream market) {
        conflated.add(new Conflated(subscription, market));
    }

    /** Forgets held-back books of a market the client no longer gets (unsubscribed, or the market ended). */
    void forget(Subscription subscription) {
        conflated.removeIf(c -> c.subscription() == subscription);
    }
}
