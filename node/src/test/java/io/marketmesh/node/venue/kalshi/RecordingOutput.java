package io.marketmesh.node.venue.kalshi;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.MarketEvent;
import java.util.ArrayList;
import java.util.List;

/** Keeps everything a session produced, in order, for assertions. */
final class RecordingOutput implements SessionOutput {

    record Stale(String symbol, String reason) {
    }

    record BadFrame(String reason, String frame) {
    }

    final List<String> sent = new ArrayList<>();
    final List<MarketEvent> events = new ArrayList<>();
    final List<Stale> stale = new ArrayList<>();
    final List<BadFrame> badFrames = new ArrayList<>();
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
        stale.add(new Stale(symbol, reason));
    }

    @Override
    public void badFrame(String reason, String frame) {
        badFrames.add(new BadFrame(reason, frame));
    }

    @Override
    public void venueError(String message) {
        venueErrors.add(message);
    }

    <T extends MarketEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Forgets what was recorded so far, so a test step asserts only its own effects. */
    void clear() {
        sent.clear();
        events.clear();
        stale.clear();
        badFrames.clear();
        venueErrors.clear();
    }
}
