package io.marketmesh.node.connection;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code marketmesh.connection}: how venue sockets are supervised. */
public record ConnectionSettings(Duration minBackoff, Duration maxBackoff, double randomFactor, int outgoingBuffer,
                                 Duration statusInterval, Duration discoveryRetry, int maxFrameLogLength,
                                 int resyncEscalateAfter, int inboundBuffer, int workersPerVenue) {

    public static ConnectionSettings fromConfig(Config c) {
        return new ConnectionSettings(c.getDuration("min-backoff"), c.getDuration("max-backoff"),
                c.getDouble("random-factor"), c.getInt("outgoing-buffer"), c.getDuration("status-interval"),
                c.getDuration("discovery-retry"), c.getInt("max-frame-log-length"),
                c.getInt("resync-escalate-after"), positive(c.getInt("inbound-buffer"), "inbound-buffer"),
                positive(c.getInt("workers-per-venue"), "workers-per-venue"));
    }

    private static int positive(int value, String key) {
        if (value < 1) {
            throw new IllegalArgumentException("marketmesh.connection." + key + " = " + value + " must be at least 1");
        }
        return value;
    }
}
