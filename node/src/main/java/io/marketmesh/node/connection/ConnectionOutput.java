package io.marketmesh.node.connection;

import io.marketmesh.node.metrics.VenueCounters;
import io.marketmesh.node.security.ClientText;
import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.Pacing;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketEvent;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;

/**
 * Where one socket's venue session puts its output and asks for what it cannot do itself: frames for the venue
 * (paced), events and staleness for the markets ({@link MarketRouter}), bad frames and venue errors for the log and
 * the counters, HTTP fetches and timers answered as messages of the socket's actor (its generation on each, so an
 * answer never reaches a later socket's session). A frame that cannot be sent is remembered as the socket's failure,
 * which the actor acts on after the session's turn. Used by its actor only, on the actor's thread.
 */
final class ConnectionOutput implements SessionOutput {

    /** A session timer's key: one pending timer per tag. */
    private record TimerKey(String tag) {
    }

    private final ActorContext<ConnectionActor.Command> context;
    private final TimerScheduler<ConnectionActor.Command> timers;
    private final long generation;
    private final int socketId;
    private final String venue;
    private final ConnectionSettings settings;
    private final MarketRouter markets;
    private final ActorRef<ConnectionManager.Command> manager;
    private final Supplier<VenueSocket> socket;
    private final OutgoingPacer pacer;
    private final Logger log;
    private final VenueCounters counters;

    private String failure;
    /** {@code receivedNanos} of the frame being handled; 0 outside a frame. */
    private long receivedNanos;
    private long badFrames;
    /** Why the latest bad frame was skipped, and when (epoch ms; 0: none), for the venue's health. */
    private String lastBadFrame;
    private long lastBadFrameAt;

    ConnectionOutput(ActorContext<ConnectionActor.Command> context, TimerScheduler<ConnectionActor.Command> timers,
                     long generation, int socketId, String venue, Pacing pacing, ConnectionSettings settings,
                     MarketRouter markets, ActorRef<ConnectionManager.Command> manager, Supplier<VenueSocket> socket,
                     VenueCounters counters) {
        this.counters = counters;
        this.context = context;
        this.timers = timers;
        this.generation = generation;
        this.socketId = socketId;
        this.venue = venue;
        this.settings = settings;
        this.markets = markets;
        this.manager = manager;
        this.socket = socket;
        this.pacer = pacing.limited() ? new OutgoingPacer(pacing, settings.outgoingBuffer()) : null;
        this.log = context.getLog();
    }

    private long sequenceChecks;
    private long sequenceFailures;
    private long checksumChecks;
    private long checksumFailures;

    /** Why the socket must end, or null. */
    String failure() {
        return failure;
    }

    void fails(String reason) {
        if (failure == null) {
            failure = reason;
        }
    }

    void receivedNanos(long nanos) {
        receivedNanos = nanos;
    }

    long badFrames() {
        return badFrames;
    }

    String lastBadFrame() {
        return lastBadFrame;
    }

    long lastBadFrameAt() {
        return lastBadFrameAt;
    }

    IntegrityCounts integrity() {
        return new IntegrityCounts(sequenceChecks, sequenceFailures, checksumChecks, checksumFailures);
    }

    /** A market's actor found the venue's checksum did not match its book (it asks for a resync saying so). */
    void checksumFailed() {
        checksumFailures++;
    }

    @Override
    public void send(String frame) {
        if (pacer == null) {
            write(frame);
        } else if (pacer.offer(frame)) {
            sendWhatThePaceAllows();
        } else {
            fails("outgoing frame not accepted (" + settings.outgoingBuffer() + " frames waiting for the venue's pace)");
        }
    }

    /** Sends the waiting frames the venue's pace allows now, in order, and comes back when the next may go. */
    void sendWhatThePaceAllows() {
        long now = System.nanoTime();
        for (String frame = pacer.poll(now); frame != null; frame = pacer.poll(now)) {
            write(frame);
        }
        if (pacer.hasWaiting() && !timers.isTimerActive(ConnectionActor.Tick.SEND_PACED)) {
            timers.startSingleTimer(ConnectionActor.Tick.SEND_PACED,
                    Duration.ofNanos(Math.max(pacer.nanosUntilNext(now), 1_000_000)));
        }
    }

    private void write(String frame) {
        VenueSocket current = socket.get();
        if (current != null && !current.send(frame)) {
            // A frame the venue never gets leaves our view of the subscription wrong: start over.
            fails("outgoing frame not accepted (" + settings.outgoingBuffer() + " frames waiting)");
        }
    }

    @Override
    public void event(MarketEvent event) {
        if (event instanceof BookDelta delta ? delta.claim() instanceof BookClaim.Checksum
                : event instanceof BookSnapshot snapshot && snapshot.claim() instanceof BookClaim.Checksum) {
            checksumChecks++;
        }
        markets.route(event, receivedNanos);
    }

    @Override
    public void reconnect(String reason) {
        log.info("{} socket {}: the venue asks to reconnect: {}", venue, socketId, reason);
        fails("the venue asked to reconnect: " + reason);
    }

    @Override
    public void sequenceChecked(boolean inOrder) {
        sequenceChecks++;
        counters.onSequenceChecked(inOrder);
        if (!inOrder) {
            sequenceFailures++;
        }
    }

    @Override
    public void stale(String symbol, String reason) {
        markets.markStale(symbol, reason);
    }

    @Override
    public void badFrame(String reason, String frame) {
        badFrames++;
        counters.onBadFrame(VenueCounters.BadFrameReason.of(reason));
        lastBadFrame = reason;
        lastBadFrameAt = System.currentTimeMillis();
        // One line per bad frame while they are rare; a flood is summarized instead of drowning the log.
        if (badFrames <= 20 || badFrames % 1000 == 0) {
            // The frame and the parser's reason may quote venue text: escaped, so a frame cannot forge log lines.
            log.warn("{} socket {} skipped a bad frame #{}: {} | {}", venue, socketId, badFrames,
                    ClientText.escape(reason, settings.maxFrameLogLength()), abbreviate(frame));
        }
    }

    @Override
    public void venueError(String message) {
        log.warn("{} socket {} venue error: {}", venue, socketId, ClientText.escape(message, settings.maxFrameLogLength()));
        manager.tell(new ConnectionManager.SocketFailed(socketId, VenueError.VENUE_ERROR, message));
    }

    @Override
    public void fetch(String tag, FetchRequest request) {
        long gen = generation;
        context.pipeToSelf(VenueHttp.get(request), (response, error) -> new ConnectionActor.Fetched(gen, tag,
                error != null ? FetchResponse.failed(VenueSocket.rootMessage(error)) : response));
    }

    @Override
    public void schedule(String tag, Duration delay) {
        timers.startSingleTimer(new TimerKey(tag), new ConnectionActor.SessionTimer(generation, tag), delay);
    }

    @Override
    public void cancel(String tag) {
        timers.cancel(new TimerKey(tag));
    }

    private String abbreviate(String frame) {
        if (frame == null) {
            return "";
        }
        int max = settings.maxFrameLogLength();
        String shown = ClientText.escape(frame, max);
        return frame.length() <= max ? shown : shown + "(" + frame.length() + " chars)";
    }
}
