package io.marketmesh.node.testkit;

import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.MarketEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps everything a venue session produced or asked for, in order, for assertions. */
public final class RecordingOutput implements SessionOutput {

    public record Stale(String symbol, String reason) {
    }

    public record BadFrame(String reason, String frame) {
    }

    public record Fetch(String tag, FetchRequest request) {
    }

    public final List<String> sent = new ArrayList<>();
    public final List<MarketEvent> events = new ArrayList<>();
    public final List<Stale> stale = new ArrayList<>();
    public final List<BadFrame> badFrames = new ArrayList<>();
    public final List<String> venueErrors = new ArrayList<>();
    /** Why the session asked its socket to reconnect, in order. */
    public final List<String> reconnects = new ArrayList<>();
    /** Sequence checks the session reported, and how many failed. */
    public long sequenceChecks;
    public long sequenceFailures;
    public final List<Fetch> fetches = new ArrayList<>();
    /** Pending timers by tag, as the connection would hold them. */
    public final Map<String, Duration> timers = new LinkedHashMap<>();

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

    @Override
    public void reconnect(String reason) {
        reconnects.add(reason);
    }

    @Override
    public void sequenceChecked(boolean inOrder) {
        sequenceChecks++;
        if (!inOrder) {
            sequenceFailures++;
        }
    }

    @Override
    public void fetch(String tag, FetchRequest request) {
        fetches.add(new Fetch(tag, request));
    }

    @Override
    public void schedule(String tag, Duration delay) {
        timers.put(tag, delay);
    }

    @Override
    public void cancel(String tag) {
        timers.remove(tag);
    }

    public <T extends MarketEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends MarketEvent> T only(Class<T> type) {
        if (events.size() != 1 || !type.isInstance(events.get(0))) {
            throw new AssertionError("expected exactly one " + type.getSimpleName() + " but got " + events
                    + " (bad frames: " + badFrames + ")");
        }
        return type.cast(events.get(0));
    }

    public List<String> badFrameReasons() {
        return badFrames.stream().map(BadFrame::reason).toList();
    }

    public List<String> staleSymbols() {
        return stale.stream().map(Stale::symbol).toList();
    }

    /** Forgets what was recorded so far, so a test step asserts only its own effects. */
    public void clear() {
        sent.clear();
        events.clear();
        stale.clear();
        badFrames.clear();
        venueErrors.clear();
        reconnects.clear();
        sequenceChecks = 0;
        sequenceFailures = 0;
        fetches.clear();
        timers.clear();
    }
}
