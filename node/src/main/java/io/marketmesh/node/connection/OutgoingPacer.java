package io.marketmesh.node.connection;

import io.marketmesh.node.venue.Pacing;
import java.util.ArrayDeque;

/**
 * Keeps one socket's outgoing frames within its venue's {@link Pacing}: at most {@code messages} frames in any
 * window; what would exceed it waits, in order, up to a limit. Owned by the socket's actor, which sends what
 * {@link #poll} hands out and asks again after {@link #nanosUntilNext}.
 */
final class OutgoingPacer {

    private final int messages;
    private final long windowNanos;
    private final int limit;
    /** When each of the last {@code messages} frames went, a ring; {@code sent} of them are filled. */
    private final long[] sentAt;
    private int oldest;
    private int sent;
    private final ArrayDeque<String> waiting = new ArrayDeque<>();

    /** @param limit frames that may wait; one more is refused */
    OutgoingPacer(Pacing pacing, int limit) {
        this.messages = pacing.messages();
        this.windowNanos = pacing.window().toNanos();
        this.limit = limit;
        this.sentAt = new long[messages];
    }

    /** Queues a frame. @return false when {@code limit} frames already wait */
    boolean offer(String frame) {
        if (waiting.size() >= limit) {
            return false;
        }
        waiting.add(frame);
        return true;
    }

    /** The next frame that may go at {@code now} (counted as sent), or null: none waits, or the window is full. */
    String poll(long now) {
        if (waiting.isEmpty()) {
            return null;
        }
        if (sent == messages) {
            if (now - sentAt[oldest] < windowNanos) {
                return null;
            }
            oldest = (oldest + 1) % messages;
            sent--;
        }
        sentAt[(oldest + sent) % messages] = now;
        sent++;
        return waiting.poll();
    }

    /** How long until {@link #poll} can hand out the next waiting frame; 0 when it can now or none waits. */
    long nanosUntilNext(long now) {
        if (waiting.isEmpty() || sent < messages) {
            return 0;
        }
        return Math.max(0, sentAt[oldest] + windowNanos - now);
    }

    boolean hasWaiting() {
        return !waiting.isEmpty();
    }
}
