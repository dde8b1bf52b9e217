package io.marketmesh.node.market;

import io.marketmesh.protocol.MarketRecord;

/**
 * Where a MarketActor hands the records it publishes. Non-blocking: a record that cannot be queued now is refused
 * (and counted by the implementation), and the actor heals its consumers with a full snapshot once it can publish
 * again.
 */
public interface MarketPublisher {

    /** A node without Kafka: everything is accepted and goes nowhere. */
    MarketPublisher NONE = record -> true;

    /** @return false when the record was not queued (buffer full or publishing stopped) */
    boolean publish(MarketRecord<?> record);

    /**
     * As {@link #publish(MarketRecord)}, for a record made of a venue frame received at {@code receivedNanos}
     * ({@code System.nanoTime()}, 0 when unknown): a publisher that measures latency times it until acknowledged.
     */
    default boolean publish(MarketRecord<?> record, long receivedNanos) {
        return publish(record);
    }

    /**
     * Whether the publisher has room for more than the steady flow: false while its queue is more than half full. A
     * market that owes its consumers a full book (one of its book records was refused) waits for room before sending
     * it, so that the full books healing one overflow (each several times a change's size) do not fill the queue
     * again and keep it full.
     */
    default boolean hasRoom() {
        return true;
    }

    /**
     * Whether records of this channel are wanted at all: a producer of records that cost something to build (a raw
     * record per venue frame) asks once and skips them when not. {@link #publish} accepts and drops them anyway.
     */
    default boolean accepts(String channel) {
        return true;
    }

    /** The {@code source} field of this node's records. */
    default String source() {
        return "";
    }
}
