package io.marketmesh.node.testkit;

import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A publisher that keeps every record it accepts, as the Kafka publisher would build it: for tests of what a market
 * publishes. Refuses while {@link #accepting} is false; reports room as {@link #room} says; {@link #loseInFlight}
 * tells every open outlet its records may be lost, as a producer restart does.
 */
public final class RecordingPublisher implements MarketPublisher {

    public final List<MarketRecord<?>> records = new CopyOnWriteArrayList<>();
    public volatile boolean accepting = true;
    public volatile boolean room = true;
    /** A channel whose records are refused even while {@link #accepting} (null: none). */
    public volatile Channel refusing;
    private final List<Open> open = new CopyOnWriteArrayList<>();

    private record Open(Outlet outlet, Runnable onLoss) {
    }

    @Override
    public Outlet open(Venue venue, String key, Runnable onLoss) {
        Outlet outlet = new Outlet() {
            @Override
            public boolean publish(Channel channel, long sequence, long receivedTimestamp, Object payload,
                                   long receivedNanos) {
                boolean taken = accepting && channel != refusing;
                if (taken) {
                    records.add(new MarketRecord<>(MarketRecord.VERSION, venue.id(), key, channel, sequence, "test",
                            receivedTimestamp, receivedTimestamp, payload));
                }
                return taken;
            }

            @Override
            public void close() {
                open.removeIf(o -> o.outlet() == this);
            }
        };
        open.add(new Open(outlet, onLoss));
        return outlet;
    }

    @Override
    public boolean hasRoom() {
        return room;
    }

    public void loseInFlight() {
        open.forEach(o -> o.onLoss().run());
    }

    public int openOutlets() {
        return open.size();
    }

    public List<MarketRecord<?>> on(Channel channel) {
        List<MarketRecord<?>> out = new ArrayList<>();
        for (MarketRecord<?> r : records) {
            if (r.channel() == channel) {
                out.add(r);
            }
        }
        return out;
    }
}
