package io.marketmesh.node.venue;

import java.time.Duration;

/**
 * How fast a venue lets a client send on one socket: at most {@code messages} frames in any {@code window} (Binance:
 * 5 per second, pings and subscriptions alike; more closes the socket). The connection queues what would exceed it.
 */
public record Pacing(int messages, Duration window) {

    /** No limit the client must keep. */
    public static final Pacing UNLIMITED = new Pacing(Integer.MAX_VALUE, Duration.ofSeconds(1));

    public Pacing {
        if (messages < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("pacing needs messages >= 1 and a positive window");
        }
    }

    public boolean limited() {
        return messages != Integer.MAX_VALUE;
    }
}
