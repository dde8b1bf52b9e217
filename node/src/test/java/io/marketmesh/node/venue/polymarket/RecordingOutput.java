package io.marketmesh.node.venue.polymarket;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.MarketEvent;
import java.util.ArrayList;
import java.util.List;

/** Records everything a session produces, for assertions. */
final class RecordingOutput implements SessionOutput {

    final List<String> sent = new ArrayList<>();
    final List<MarketEvent> events = new ArrayList<>();
    final List<String> stale = new ArrayList<>();
    final List<String> badFrames = new ArrayList<>();
    final List<String> venueErrors = new ArrayList<>();

    @Override
    public void send(String frame) {
        sent.add(frame);
    }

    @Override
    public void event(MarketEvent event) {
        events.add(event);
    }

    @Override
    public void stale(String symbol, String reason) {
        stale.add(symbol);
    }

    @Override
    public void badFrame(String reason, String frame) {
        badFrames.add(reason);
    }

    @Override
    public void venueError(String message) {
        venueErrors.add(message);
    }

    <T extends MarketEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends MarketEvent> T only(Class<T> type) {
        if (events.size() != 1 || !type.isInstance(events.get(0))) {
            throw new AssertionError("expected exactly one " + type.getSimpleName() + " but got " + events
                    + " (bad frames: " + badFrames + ")");
        }
        return type.cast(events.get(0));
    }

    void clear() {
        sent.clear();
        events.clear();
        stale.clear();
        badFrames.clear();
        venueErrors.clear();
    }
}
