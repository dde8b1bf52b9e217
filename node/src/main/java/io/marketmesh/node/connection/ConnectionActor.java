package io.marketmesh.node.connection;

import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.market.ResyncRequest;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.metrics.VenueCounters;
import io.marketmesh.node.venue.ConnectRequest;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.RawFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;

/**
 * One venue WebSocket. Each incarnation opens a fresh socket with a fresh {@link VenueSession}, asks its
 * {@link ConnectionManager} for the markets it carries and subscribes them all, so every reconnect
 * rebuilds every book from new snapshots. Any failure (refused upgrade, closed socket, a feed silent past
 * {@code stale-after}, a full outgoing buffer) marks its markets stale and throws; the supervisor restarts
 * it with jittered, capped backoff.
 *
 * <p>The socket is read with {@code java.net.http} ({@link VenueSocket}). Frames reach the actor in batches: one
 * {@code FramesReady} message per batch, the batch being whatever arrived since the actor last took the frames, so a
 * busy actor gets many frames per message and an idle one each frame at once. The socket holds at most
 * {@code inbound-buffer} frames the actor has not handled yet, so a slow consumer slows the socket instead of growing
 * a mailbox. Messages of an earlier incarnation's socket are recognized by their generation and dropped.
 *
 * <p>What a session asks of it ({@link SessionOutput}, kept by {@link ConnectionOutput}): frames to send, paced to
 * the venue's limit ({@link OutgoingPacer}); HTTP GETs ({@link VenueHttp}) and timers, whose answers come back to the
 * same session as messages of this actor, never after its socket is gone.
 */
public final class ConnectionActor extends AbstractBehavior<ConnectionActor.Command> {

    public sealed interface Command permits Subscribe, Unsubscribe, Resync, Upgraded, FramesReady, StreamEnded, Tick,
            Fetched, SessionTimer, RawRecordsLost, RouteLocated, DirectRouteLost {
    }

    /** Adds markets to this socket (the full set when sent in answer to a start). */
    public record Subscribe(List<String> symbols) implements Command {
    }

    /**
     * Drops markets from this socket: the venue is told to stop sending them, and each market's actor is told it is
     * unfollowed, as the last message this socket sends it.
     *
     * @param closeWhenEmpty stop the socket if it carries nothing afterwards
     */
    public record Unsubscribe(List<String> symbols, boolean closeWhenEmpty) implements Command {
    }

    /**
     * Ask the venue for a fresh snapshot of one market carried by this socket.
     *
     * @param mayEscalate the market has asked often enough that this socket may reopen if asking it failed before
     */
    public record Resync(String symbol, String reason, boolean mayEscalate) implements Command {
    }

    private record Upgraded(long generation, int status, String error) implements Command {
    }

    /** Frames wait in the socket's inbox: take them all. */
    private record FramesReady(long generation) implements Command {
    }

    private record StreamEnded(long generation, Throwable cause) implements Command {
    }

    record Fetched(long generation, String tag, FetchResponse response) implements Command {
    }

    record SessionTimer(long generation, String tag) implements Command {
    }

    /** A market's actor says where it runs ({@link MarketRouter}). */
    private record RouteLocated(MarketActor.Located located) implements Command {
    }

    /** A market's actor that this socket told directly has stopped ({@link MarketRouter}). */
    record DirectRouteLost(String symbol, ActorRef<MarketActor.Command> actor) implements Command {
    }

    /** Raw frame records may have been lost on their way to Kafka. */
    private enum RawRecordsLost implements Command {
        INSTANCE
    }

    enum Tick implements Command {
        HEARTBEAT, WATCHDOG, STATUS, CONNECT_TIMEOUT, SEND_PACED
    }

    /** Thrown to make the supervisor restart the socket; the reason is logged once, without a stack trace. */
    static final class ConnectionFailure extends RuntimeException {
        ConnectionFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What every socket of a venue shares.
     *
     * @param publisher where raw frames and connection up/down records go
     */
    public record Dependencies(VenueAdapter adapter, VenueSettings venue, ConnectionSettings settings,
                               MarketPublisher publisher) {
    }

    private static final AtomicLong GENERATIONS = new AtomicLong();
    private static final int SWITCHING_PROTOCOLS = 101;
    private static final int STASH_DURING_BACKOFF = 20_000;

    public static Behavior<Command> create(Dependencies dependencies, int socketId,
                                           ActorRef<ConnectionManager.Command> manager) {
        return create(dependencies, socketId, "", manager);
    }

    /** A socket for markets of one {@link VenueAdapter#socketGroup socket group}. */
    public static Behavior<Command> create(Dependencies dependencies, int socketId, String group,
                                           ActorRef<ConnectionManager.Command> manager) {
        return create(dependencies, socketId, group, -1, manager);
    }

    /** @param worker the index of the connection worker running this socket: each book it writes names it */
    public static Behavior<Command> create(Dependencies dependencies, int socketId, String group, int worker,
                                           ActorRef<ConnectionManager.Command> manager) {
        ConnectionSettings settings = dependencies.settings();
        Behavior<Command> connection = Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new ConnectionActor(context, timers, dependencies, socketId, group, worker, manager)));
        return Behaviors.supervise(connection).onFailure(Exception.class,
                SupervisorStrategy.restartWithBackoff(settings.minBackoff(), settings.maxBackoff(), settings.randomFactor())
                        // Messages wait through the backoff; many markets' resyncs must not push out an Unsubscribe.
                        .withStashCapacity(STASH_DURING_BACKOFF)
                        .withLoggingEnabled(false));
    }

    private final TimerScheduler<Command> timers;
    private final VenueAdapter adapter;
    /** The socket group of every market on this socket ({@link VenueAdapter#socketGroup}). */
    private final String group;
    private final VenueSettings venue;
    private final ConnectionSettings settings;
    /** Resyncs asked of the venue on the current socket, per market. */
    private final Map<String, Integer> resyncsThisSession = new HashMap<>();
    private final int socketId;
    /** The index of the connection worker running this socket (-1: unknown). */
    private final int worker;
    private final ActorRef<ConnectionManager.Command> manager;
    private final Logger log;
    private final long generation = GENERATIONS.incrementAndGet();
    private final MarketRouter markets;
    private final ConnectionOutput output;
    /** Where this socket's raw frames and connection records go, keyed {@code venue:socket-N}. */
    private final MarketPublisher.Outlet records;
    /** Whether each frame goes to the raw topic (the publisher takes raw records). */
    private final boolean publishRaw;
    private final NodeMetrics metrics;
    /** This venue's counters on this node ({@code GET /metrics}). */
    private final VenueCounters counters;
    /** Whether this incarnation's open socket is counted in {@code connections_open}. */
    private boolean countedOpen;
    private long rawSequence;

    private VenueSocket socket;
    /** The list the next batch is drained into; batches alternate between it and the socket's inbox. */
    private ArrayList<VenueSocket.Received> spare = new ArrayList<>();
    private VenueSession session;
    private String state = "connecting";
    private long connectedAt;
    private long lastMessageAt;
    /** The latest frame's receipt (epoch ms; 0: none yet on this socket), unlike lastMessageAt never the open time. */
    private long lastFrameAt;
    private long framesReceived;
    private long binaryFrames;

    private ConnectionActor(ActorContext<Command> context, TimerScheduler<Command> timers, Dependencies dependencies,
                            int socketId, String group, int worker, ActorRef<ConnectionManager.Command> manager) {
        super(context);
        this.group = group;
        this.timers = timers;
        this.adapter = dependencies.adapter();
        this.venue = dependencies.venue();
        this.settings = dependencies.settings();
        this.socketId = socketId;
        this.worker = worker;
        this.manager = manager;
        this.log = context.getLog();
        this.metrics = NodeMetrics.get(context.getSystem());
        this.counters = metrics.venue(venue.venue());
        this.markets = new MarketRouter(venue.venue(), worker, socketId, ClusterSharding.get(context.getSystem()), context,
                context.messageAdapter(MarketActor.Located.class, RouteLocated::new), generation);
        this.output = new ConnectionOutput(context, timers, generation, socketId, venue.venue().id(), adapter.pacing(),
                settings, markets, manager, () -> socket, counters);
        MarketPublisher publisher = dependencies.publisher();
        this.publishRaw = publisher != MarketPublisher.NONE && publisher.accepts(Channel.RAW);
        ActorRef<Command> self = context.getSelf();
        this.records = publisher.open(venue.venue(), venue.venue().id() + ":socket-" + socketId,
                () -> self.tell(RawRecordsLost.INSTANCE));
        manager.tell(new ConnectionManager.SocketStarting(socketId, self));
        connect();
    }

    private void connect() {
        ConnectRequest request;
        try {
            request = adapter.connectRequest(venue, group);
        } catch (Exception e) {
            fail("cannot build the connection request: " + e.getMessage());
            return;
        }
        ActorRef<Command> self = getContext().getSelf();
        long gen = generation;
        try {
            socket = VenueSocket.open(request, venue.connectTimeout(), settings.inboundBuffer(),
                    settings.outgoingBuffer(), new VenueSocket.Owner() {
                        @Override
                        public void opened() {
                            self.tell(new Upgraded(gen, SWITCHING_PROTOCOLS, null));
                        }

                        @Override
                        public void refused(int status, String error) {
                            self.tell(new Upgraded(gen, status, error));
                        }

                        @Override
                        public void framesReady() {
                            self.tell(new FramesReady(gen));
                        }

                        @Override
                        public void ended(Throwable cause) {
                            self.tell(new StreamEnded(gen, cause));
                        }
                    });
        } catch (RuntimeException e) {
            fail("cannot open " + request.url() + ": " + e.getMessage());
            return;
        }
        timers.startSingleTimer(Tick.CONNECT_TIMEOUT, venue.connectTimeout());
        timers.startTimerWithFixedDelay(Tick.STATUS, settings.statusInterval());
        // The books this socket writes name it by worker, socket and generation (route: its messages' numbering).
        log.info("{} socket {} connecting to {} (worker {}, generation {}, route {})", venue.venue().id(), socketId,
                request.url(), worker, gen, Long.toHexString(markets.numbering()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Subscribe.class, this::onSubscribe)
                .onMessage(Unsubscribe.class, this::onUnsubscribe)
                .onMessage(Resync.class, this::onResync)
                .onMessage(Upgraded.class, this::onUpgraded)
                .onMessage(FramesReady.class, this::onFramesReady)
                .onMessage(StreamEnded.class, this::onStreamEnded)
                .onMessage(Fetched.class, this::onFetched)
                .onMessage(SessionTimer.class, this::onSessionTimer)
                .onMessage(RouteLocated.class, located -> {
                    markets.located(located.located());
                    return this;
                })
                .onMessage(DirectRouteLost.class, this::onDirectRouteLost)
                .onMessageEquals(RawRecordsLost.INSTANCE, () -> {
                    publishConnection(Continuity.Kind.GAP_DETECTED,
                            "raw frame records of this socket may have been lost on their way to Kafka");
                    return this;
                })
                .onMessageEquals(Tick.HEARTBEAT, this::onHeartbeat)
                .onMessageEquals(Tick.WATCHDOG, this::onWatchdog)
                .onMessageEquals(Tick.STATUS, this::onStatus)
                .onMessageEquals(Tick.CONNECT_TIMEOUT, this::onConnectTimeout)
                .onMessageEquals(Tick.SEND_PACED, this::sendPaced)
                .onSignal(PreRestart.class, s -> stopped())
                .onSignal(PostStop.class, s -> stopped())
                .build();
    }

    private Behavior<Command> onSubscribe(Subscribe subscribe) {
        List<String> added = markets.carry(subscribe.symbols());
        if (session != null && !added.isEmpty()) {
            guarded(() -> session.subscribe(added, output));
        }
        return afterSession();
    }

    private Behavior<Command> onUnsubscribe(Unsubscribe unsubscribe) {
        List<String> removed = markets.drop(unsubscribe.symbols());
        removed.forEach(resyncsThisSession::remove);
        if (unsubscribe.closeWhenEmpty() && markets.size() == 0) {
            log.info("{} socket {} closes: it carries no market any more", venue.venue().id(), socketId);
            return Behaviors.stopped();
        }
        if (session != null && !removed.isEmpty()) {
            guarded(() -> session.unsubscribe(removed, output));
        }
        return afterSession();
    }

    private Behavior<Command> onResync(Resync resync) {
        if (resync.reason() != null && resync.reason().startsWith(ResyncRequest.CHECKSUM_MISMATCH)) {
            output.checksumFailed();
        }
        // Before the socket is open there is nothing to do: opening it subscribes, which brings snapshots.
        if (session != null && markets.carries(resync.symbol())) {
            int askedBefore = resyncsThisSession.getOrDefault(resync.symbol(), 0);
            if (resync.mayEscalate() && askedBefore > 0) {
                // This very socket was asked and brought no snapshot (the venue ignored or refused it): a fresh socket
                // resubscribes everything and gets every snapshot anew. The manager allows it once per market and
                // episode, so a market the venue never snapshots cannot keep the socket cycling.
                manager.tell(new ConnectionManager.ResyncEscalated(resync.symbol()));
                return fail("no snapshot for " + resync.symbol() + " after " + askedBefore
                        + " resync request(s) on this socket; reopening it");
            }
            resyncsThisSession.merge(resync.symbol(), 1, Integer::sum);
            log.info("{} socket {} resyncing {}: {}", venue.venue().id(), socketId, resync.symbol(), resync.reason());
            guarded(() -> session.resync(resync.symbol(), output));
        }
        return afterSession();
    }

    /**
     * What was told to the stopped actor since it stopped is lost (it moved, or its node is leaving): healed like a
     * lost delta, with a fresh snapshot, while the region brings the market's messages to its new actor.
     */
    private Behavior<Command> onDirectRouteLost(DirectRouteLost lost) {
        if (markets.directRouteLost(lost.symbol(), lost.actor()) && session != null) {
            String reason = "its actor stopped while this socket told it directly (moved or node leaving)";
            guarded(() -> session.resync(lost.symbol(), output));
            markets.markStale(lost.symbol(), reason);
        }
        return afterSession();
    }

    private Behavior<Command> onUpgraded(Upgraded upgraded) {
        if (upgraded.generation() != generation) {
            return this;
        }
        if (upgraded.error() != null || upgraded.status() != SWITCHING_PROTOCOLS) {
            // Status 0: no HTTP answer at all (connection refused, DNS, TLS), a socket failure rather than a refusal.
            return fail(upgraded.status() > 0 ? VenueError.UPGRADE_REFUSED : VenueError.SOCKET,
                    upgraded.error() != null ? upgraded.error() : "upgrade refused: HTTP " + upgraded.status());
        }
        timers.cancel(Tick.CONNECT_TIMEOUT);
        state = "open";
        countedOpen = true;
        counters.onConnectionOpen(true);
        connectedAt = System.currentTimeMillis();
        lastMessageAt = connectedAt;
        session = adapter.newSession(venue, group);
        resyncsThisSession.clear();
        if (markets.size() > 0) {
            guarded(() -> session.subscribe(List.copyOf(markets.symbols()), output));
        }
        timers.startTimerWithFixedDelay(Tick.HEARTBEAT, session.heartbeatInterval());
        Duration watchdog = venue.staleAfter().dividedBy(4);
        timers.startTimerWithFixedDelay(Tick.WATCHDOG, watchdog.toMillis() < 100 ? Duration.ofMillis(100) : watchdog);
        log.info("{} socket {} open, subscribing {} markets", venue.venue().id(), socketId, markets.size());
        publishConnection(Continuity.Kind.CONNECTION_UP, "socket open, subscribing " + markets.size() + " markets");
        reportStatus();
        return afterSession();
    }

    private Behavior<Command> onFramesReady(FramesReady ready) {
        VenueSocket current = socket;
        if (ready.generation() != generation || current == null) {
            return this;
        }
        ArrayList<VenueSocket.Received> batch = current.drain(spare);
        int count = batch.size();
        try {
            for (int i = 0; i < count && session != null; i++) {
                onFrame(batch.get(i));
                if (output.failure() != null) {
                    return fail(output.failure());
                }
            }
        } finally {
            batch.clear();
            spare = batch;
        }
        current.handled(count);
        return this;
    }

    private void onFrame(VenueSocket.Received frame) {
        lastMessageAt = frame.receivedAt();
        lastFrameAt = lastMessageAt;
        framesReceived++;
        metrics.onFrameReceived();
        counters.onFrame(frame.isBinary() ? frame.binary().length : frame.text().length());
        // Events the session emits while handling this frame carry its receipt stamp to the MarketActor.
        output.receivedNanos(frame.receivedNanos());
        try {
            if (frame.isBinary()) {
                binaryFrames++;
                guarded(() -> session.onBinary(frame.binary(), frame.receivedAt(), output));
                return;
            }
            if (publishRaw) {
                records.publish(Channel.RAW, ++rawSequence, frame.receivedAt(),
                        new RawFrame(venue.venue(), socketId, frame.text()));
            }
            guarded(() -> session.onText(frame.text(), frame.receivedAt(), output));
        } finally {
            output.receivedNanos(0);
        }
    }

    private Behavior<Command> onFetched(Fetched fetched) {
        if (fetched.generation() != generation || session == null) {
            return this;
        }
        guarded(() -> session.onFetched(fetched.tag(), fetched.response(), output));
        return afterSession();
    }

    private Behavior<Command> onSessionTimer(SessionTimer timer) {
        if (timer.generation() != generation || session == null) {
            return this;
        }
        guarded(() -> session.onTimer(timer.tag(), output));
        return afterSession();
    }

    private Behavior<Command> onStreamEnded(StreamEnded ended) {
        if (ended.generation() != generation) {
            return this;
        }
        return fail(ended.cause() == null ? "venue closed the socket" : "socket failed: " + VenueSocket.rootMessage(ended.cause()));
    }

    private Behavior<Command> onHeartbeat() {
        if (session != null) {
            guarded(() -> session.heartbeat(output));
        }
        return afterSession();
    }

    private Behavior<Command> onWatchdog() {
        long silentFor = System.currentTimeMillis() - lastMessageAt;
        if (session != null && silentFor > venue.staleAfter().toMillis()) {
            return fail("feed silent for " + silentFor + " ms (stale-after " + venue.staleAfter().toMillis() + " ms)");
        }
        return this;
    }

    private Behavior<Command> onConnectTimeout() {
        return session == null ? fail("no upgrade within " + venue.connectTimeout().toMillis() + " ms") : this;
    }

    private Behavior<Command> onStatus() {
        reportStatus();
        return this;
    }

    /**
     * Calls into the venue session. A session that throws has a bug; its state can no longer be trusted, so the socket
     * fails like any other (books stale, the error logged once with its stack, a fresh session after the backoff)
     * rather than being restarted silently with books left fresh.
     */
    private void guarded(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            if (output.failure() == null) {
                log.error("{} socket {}: the venue session failed", venue.venue().id(), socketId, e);
                output.fails("venue session failed: " + e);
            }
        }
    }

    /** After the session had its turn: a frame it could not send, or a session that failed, ends the socket. */
    private Behavior<Command> afterSession() {
        return output.failure() != null ? fail(output.failure()) : this;
    }

    private Behavior<Command> sendPaced() {
        output.sendWhatThePaceAllows();
        return afterSession();
    }

    private void reportStatus() {
        manager.tell(new ConnectionManager.SocketStatusUpdate(socketId, state, markets.size(), connectedAt,
                lastMessageAt, framesReceived, output.badFrames(), binaryFrames, output.integrity(), markets.directRoutes(),
                lastFrameAt, output.lastBadFrame(), output.lastBadFrameAt()));
    }

    private Behavior<Command> fail(String reason) {
        return fail(VenueError.SOCKET, reason);
    }

    /**
     * Marks the socket's books stale, tells the manager why ({@code kind}: a {@link VenueError} kind), and throws so
     * the supervisor restarts with backoff.
     */
    private Behavior<Command> fail(String kind, String reason) {
        state = "down";
        log.warn("{} socket {} down: {}", venue.venue().id(), socketId, reason);
        if (session != null) {
            markets.markAllStale("connection lost: " + reason);
        }
        manager.tell(new ConnectionManager.SocketFailed(socketId, kind, reason));
        publishConnection(Continuity.Kind.CONNECTION_DOWN, reason);
        reportStatus();
        closeSocket();
        // Also when failing while constructed, where no signal comes: the next incarnation opens an outlet of its own.
        records.close();
        throw new ConnectionFailure(reason);
    }

    private void publishConnection(Continuity.Kind kind, String reason) {
        long now = System.currentTimeMillis();
        records.publish(Channel.CONTINUITY, rawSequence, now, new Continuity(venue.venue(), null, kind, reason, now));
    }

    private Behavior<Command> stopped() {
        closeSocket();
        records.close();
        return this;
    }

    private void closeSocket() {
        session = null;
        if (countedOpen) {
            countedOpen = false;
            counters.onConnectionOpen(false);
        }
        VenueSocket current = socket;
        socket = null;
        if (current != null) {
            current.close();
        }
    }
}
