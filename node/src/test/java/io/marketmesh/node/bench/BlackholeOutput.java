package io.marketmesh.node.bench;

import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.MarketEvent;
import java.time.Duration;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A session's output for parser benchmarks: events go into the Blackhole, and anything a benchmark frame should never
 * cause (a gap, a rejected frame, a venue error, a fetch) fails loudly, so a broken parse cannot pass as a fast one.
 */
class BlackholeOutput implements SessionOutput {

    private final Blackhole blackhole;

    BlackholeOutput(Blackhole blackhole) {
        this.blackhole = blackhole;
    }

    @Override
    public void send(String frame) {
        blackhole.consume(frame);
    }

    @Override
    public void event(MarketEvent event) {
        blackhole.consume(event);
    }

    @Override
    public void stale(String symbol, String reason) {
        throw new IllegalStateException("benchmark frames must not gap: " + reason);
    }

    @Override
    public void badFrame(String reason, String frame) {
        throw new IllegalStateException("benchmark frame rejected: " + reason);
    }

    @Override
    public void venueError(String message) {
        throw new IllegalStateException(message);
    }

    @Override
    public void reconnect(String reason) {
        throw new IllegalStateException("reconnect asked in a benchmark: " + reason);
    }

    @Override
    public void sequenceChecked(boolean inOrder) {
        if (!inOrder) {
            throw new IllegalStateException("sequence gap in a benchmark");
        }
    }

    @Override
    public void fetch(String tag, FetchRequest request) {
        throw new IllegalStateException("benchmark sessions fetch nothing: " + request);
    }

    @Override
    public void schedule(String tag, Duration delay) {
    }

    @Override
    public void cancel(String tag) {
    }
}
