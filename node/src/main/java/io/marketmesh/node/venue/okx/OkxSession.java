package io.marketmesh.node.venue.okx;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The OKX v5 public protocol on one socket: {@code books}, {@code trades} and {@code tickers} of each instrument
 * ({@code instId}, the market's symbol; spot and swaps alike). {@link OkxFrameReader} reads each frame, {@link
 * OkxBookChain} keeps each book's {@code seqId} chain, {@link OkxRequests} keeps the subscription requests within the
 * venue's hourly budget.
 *
 * <p>A book the chain or its checksum (verified by the MarketActor, which then asks {@link #resync}) shows to be wrong
 * is healed the way OKX documents: its {@code books} channel is unsubscribed and subscribed again, which brings a fresh
 * snapshot; updates are dropped until it comes. Resyncs asked within a few milliseconds of each other share one pair of
 * frames.
 *
 * <p>A {@code notice} (the venue's warning that it will close the socket for a service upgrade) makes the socket
 * reconnect at once rather than lose its feed when the venue cuts it.
 *
 * <p>Keep-alive: OKX closes a socket that carried nothing for 30 s. When nothing has arrived for {@code
 * heartbeat-interval} the session sends the text {@code ping}; the venue answers {@code pong}.
 */
public final class OkxSession implements VenueSession {

    static final String RESYNC_TIMER = "okx-resync";
    /** Resyncs asked within this long go out in one unsubscribe and one subscribe frame. */
    static final Duration RESYNC_GATHER = Duration.ofMillis(20);
    /** A resync asked while the snapshot asked for less than this long ago is still on its way waits for it. */
    static final Duration SNAPSHOT_PATIENCE = Duration.ofSeconds(3);

    private final Map<String, OkxInstrument> instruments = new HashMap<>();
    private final Set<String> resyncs = new LinkedHashSet<>();
    private final OkxCounters counters = new OkxCounters();
    private final OkxFrame frame = new OkxFrame();
    private final OkxFrameReader reader = new OkxFrameReader(instruments::get);
    private final OkxBookChain books = new OkxBookChain(counters);
    private final OkxRequests requests;
    private final int instrumentsPerFrame;
    private final Duration pingAfter;
    private final LongSupplier clock;
    private boolean resyncTimerSet;
    private long lastReceivedAt;

    public OkxSession(VenueSettings settings) {
        this(OkxSettings.of(settings), settings.subscribeBatchSize(), settings.heartbeatInterval(),
                System::currentTimeMillis);
    }

    /**
     * @param instrumentsPerFrame instruments per subscribe frame ({@code subscribe-batch-size})
     * @param pingAfter           silence after which a ping goes out ({@code heartbeat-interval})
     * @param clock               epoch ms, the same clock as the receipt times given to {@link #onText}
     */
    OkxSession(OkxSettings settings, int instrumentsPerFrame, Duration pingAfter, LongSupplier clock) {
        this.requests = new OkxRequests(settings.requestsPerHour(), clock, counters);
        this.instrumentsPerFrame = instrumentsPerFrame;
        this.pingAfter = pingAfter;
        this.clock = clock;
        this.lastReceivedAt = clock.getAsLong();
    }

    // ---------------------------------------------------------------- outgoing

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        long now = clock.getAsLong();
        List<String> added = new ArrayList<>();
        for (String symbol : symbols) {
            if (!instruments.containsKey(symbol)) {
                instruments.put(symbol, new OkxInstrument(symbol, now));
                added.add(symbol);
            }
        }
        if (!added.isEmpty()) {
            requests.request("subscribe", OkxRequests.ALL_CHANNELS, added, instrumentsPerFrame, out);
        }
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        List<String> removed = new ArrayList<>();
        for (String symbol : symbols) {
            if (instruments.remove(symbol) != null) {
                resyncs.remove(symbol);
                removed.add(symbol);
            }
        }
        if (!removed.isEmpty()) {
            requests.request("unsubscribe", OkxRequests.ALL_CHANNELS, removed, instrumentsPerFrame, out);
        }
    }

    @Override
    public void resync(String symbol, SessionOutput out) {
        OkxInstrument inst = instruments.get(symbol);
        if (inst == null) {
            return;
        }
        if (inst.awaitingSnapshot && clock.getAsLong() - inst.snapshotAskedAt < SNAPSHOT_PATIENCE.toMillis()) {
            return; // the snapshot asked for a moment ago is on its way
        }
        askFreshSnapshot(inst, out);
    }

    /** Drops the instrument's updates until a fresh snapshot, asked for with the next batch of resubscriptions. */
    private void askFreshSnapshot(OkxInstrument inst, SessionOutput out) {
        inst.awaitingSnapshot = true;
        inst.lastSeqId = OkxInstrument.NO_SEQ;
        inst.snapshotAskedAt = clock.getAsLong();
        resyncs.add(inst.instId);
        if (!resyncTimerSet) {
            resyncTimerSet = true;
            out.schedule(RESYNC_TIMER, RESYNC_GATHER);
        }
    }

    @Override
    public void onTimer(String tag, SessionOutput out) {
        if (RESYNC_TIMER.equals(tag)) {
            resyncTimerSet = false;
            resubscribeBooks(out);
        } else if (OkxRequests.TIMER.equals(tag)) {
            requests.onTimer(out);
            resubscribeBooks(out);
        }
    }

    /**
     * Unsubscribes and subscribes again the books of every instrument awaiting a fresh snapshot, in one pair of frames.
     * While the hourly budget has no room for the pair they stay gathered here, one entry per instrument however often
     * they are asked for, and go out when the budget timer fires.
     */
    private void resubscribeBooks(SessionOutput out) {
        resyncs.retainAll(instruments.keySet());
        if (resyncs.isEmpty() || !requests.roomFor(2, out)) {
            return;
        }
        List<String> due = new ArrayList<>(resyncs);
        resyncs.clear();
        counters.resubscribes += due.size();
        requests.request("unsubscribe", OkxRequests.BOOKS_ONLY, due, Integer.MAX_VALUE, out);
        requests.request("subscribe", OkxRequests.BOOKS_ONLY, due, Integer.MAX_VALUE, out);
    }

    @Override
    public Duration heartbeatInterval() {
        // Checked four times per interval, so a ping goes out within 1.25 intervals of silence.
        Duration check = pingAfter.dividedBy(4);
        return check.toMillis() < 100 ? Duration.ofMillis(100) : check;
    }

    @Override
    public void heartbeat(SessionOutput out) {
        if (clock.getAsLong() - lastReceivedAt >= pingAfter.toMillis()) {
            out.send("ping");
        }
    }

    // ---------------------------------------------------------------- incoming

    @Override
    public void onText(String text, long receivedAt, SessionOutput out) {
        lastReceivedAt = receivedAt;
        if ("pong".equals(text)) {
            return; // the answer to our ping; that it came is all it says
        }
        try {
            reader.read(text, receivedAt, frame);
        } catch (OkxJson.Malformed e) {
            out.badFrame("OKX frame is not valid JSON: " + e.getMessage(), text);
            bookLost("its books frame was not valid JSON", out);
            return;
        } catch (RuntimeException e) {
            out.badFrame("OKX frame cannot be read: " + e, text);
            bookLost("its books frame could not be read", out);
            return;
        }
        if (frame.event != null) {
            onEvent(text, out);
            return;
        }
        switch (frame.channel) {
            case NONE -> out.badFrame("OKX frame with neither event nor arg.channel", text);
            case OTHER -> out.badFrame("OKX push on channel '" + frame.channelName + "', which this socket never subscribed",
                    text);
            default -> onPush(text, receivedAt, out);
        }
    }

    private void onPush(String text, long receivedAt, SessionOutput out) {
        OkxInstrument inst = frame.instrument;
        if (inst == null) {
            counters.ignored++; // an instrument unsubscribed a moment ago, or never asked for
            return;
        }
        boolean book = frame.channel == OkxFrame.Channel.BOOKS;
        String problem = frame.error;
        if (problem == null && !frame.hasData) {
            problem = "no data";
        }
        if (problem == null && book && frame.action != OkxFrame.Action.SNAPSHOT && frame.action != OkxFrame.Action.UPDATE) {
            problem = frame.action == OkxFrame.Action.NONE ? "no action" : "unknown action '" + frame.actionName + "'";
        }
        if (problem != null) {
            out.badFrame("OKX " + frame.describe() + " not understood: " + problem, text);
            bookLost("its books frame was not understood (" + problem + ")", out);
            return;
        }
        if (!book) {
            for (int i = 0; i < frame.events.size(); i++) {
                out.event(frame.events.get(i));
            }
            return;
        }
        boolean snapshot = frame.action == OkxFrame.Action.SNAPSHOT;
        for (int i = 0; i < frame.bookCount; i++) {
            String broken = books.onBook(inst, snapshot, frame.book(i), receivedAt, out);
            if (broken != null) {
                out.stale(inst.instId, broken);
                askFreshSnapshot(inst, out);
                return;
            }
        }
    }

    /** A books frame of a carried instrument was skipped: its book misses a change it cannot know. */
    private void bookLost(String why, SessionOutput out) {
        OkxInstrument inst = frame.instrument;
        if (frame.channel == OkxFrame.Channel.BOOKS && inst != null && !inst.awaitingSnapshot) {
            out.stale(inst.instId, why);
            askFreshSnapshot(inst, out);
        }
    }

    private void onEvent(String text, SessionOutput out) {
        switch (frame.event) {
            case "subscribe", "unsubscribe" -> {
                // confirmations; the snapshot that follows a books subscription is what counts
            }
            case "error" -> out.venueError("OKX error " + frame.code + ": " + frame.msg);
            case "notice" -> {
                // 64008: "The connection will soon be closed for a service upgrade. Please reconnect." (30 s ahead)
                counters.notices++;
                out.reconnect("OKX notice " + frame.code + ": " + frame.msg);
            }
            default -> out.badFrame("unknown OKX event '" + frame.event + "'", text);
        }
    }

    /** What this socket checked and did so far. */
    public OkxCounters.View counters() {
        return counters.view();
    }
}
