package io.marketmesh.node.market;

import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Venue;

/**
 * Where a market (or a venue socket, for its raw frames) publishes its records: the port the market package owns and
 * the Kafka publisher implements. Each publisher of records opens one {@link Outlet} for its key and hands it the
 * parts of each record; the publisher builds the record itself, once, when it sends it. Non-blocking: a record that
 * cannot be queued now is refused, and the market heals its consumers with a full book once it can publish again.
 */
public interface MarketPublisher {

    /** A node without Kafka: every record is accepted and goes nowhere. */
    MarketPublisher NONE = new MarketPublisher() {
        @Override
        public Outlet open(Venue venue, String key, Runnable onLoss) {
            return Outlet.NONE;
        }
    };

    /**
     * Opens the outlet of one record key ({@code venue:symbol}, or {@code venue:socket-N} for a socket).
     *
     * @param onLoss run when records this outlet had handed over may have been lost after all (the producer failed
     *               and restarted with them in flight, or one could not be encoded). It runs on a publisher's
     *               thread: it must only tell an actor.
     */
    Outlet open(Venue venue, String key, Runnable onLoss);

    /**
     * Whether the publisher has room for more than the steady flow: false while its queue is more than half full. A
     * market that owes its consumers a full book waits for room before sending it, so that the full books healing
     * one overflow (each several times a change's size) do not fill the queue again and keep it full.
     */
    default boolean hasRoom() {
        return true;
    }

    /**
     * Whether records of this channel are wanted at all: a producer of records that cost something to build (a raw
     * record per venue frame) asks once and skips them when not. {@link Outlet#publish} accepts and drops them anyway.
     */
    default boolean accepts(Channel channel) {
        return true;
    }

    /** One key's way into the publisher. Used by one actor at a time. */
    interface Outlet {

        Outlet NONE = new Outlet() {
            @Override
            public boolean publish(Channel channel, long sequence, long receivedTimestamp, Object payload,
                                   long receivedNanos) {
                return true;
            }

            @Override
            public void close() {
            }
        };

        /**
         * Queues one record.
         *
         * @param sequence          the envelope's {@code sequence}
         * @param receivedTimestamp epoch ms when the venue frame behind it arrived (or when it was made)
         * @param payload           the event, continuity or raw frame; null on {@link Channel#MARKETS}: a tombstone
         *                          (a record with no value, which compaction keeps until it removes the key)
         * @param receivedNanos     {@code System.nanoTime()} of the frame behind it, 0 when none: a publisher that
         *                          measures latency times it until the broker acknowledges it
         * @return false when it was refused (the queue is full or publishing stopped)
         */
        boolean publish(Channel channel, long sequence, long receivedTimestamp, Object payload, long receivedNanos);

        default boolean publish(Channel channel, long sequence, long receivedTimestamp, Object payload) {
            return publish(channel, sequence, receivedTimestamp, payload, 0);
        }

        /** No more records come from this key's owner (it stopped): the publisher forgets it. */
        void close();
    }
}
