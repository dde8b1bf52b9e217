package io.marketmesh.node.simulator;

import io.marketmesh.protocol.BookSnapshot;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * What both simulated venues share: the sockets open on them, the steady random walk of their books, and the
 * faults a test can inject. A venue subclass owns its books and writes its own wire format; everything runs on
 * this one actor, so the true book and the frames sent are always consistent.
 */
abstract class SimVenue extends AbstractBehavior<SimVenue.Command> {

    static final Duration TICK = Duration.ofMillis(20);

    sealed interface Command {
    }

    /**
     * A socket opened on {@code path} (the part after the venue's prefix; "" for Polymarket and Kalshi), with the
     * query parameters of its URL.
     */
    record Connected(long connectionId, ActorRef<SimConnection.Out> outgoing, String path, Map<String, String> query)
            implements Command {
    }

    record ClientText(long connectionId, String text) implements Command {
    }

    record Disconnected(long connectionId) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    /** Closes every socket and stops the venue. */
    enum Stop implements Command { INSTANCE }

    /** A fault or switch a test throws; the reply counts the sockets (or subscriptions) it touched. */
    enum Fault {
        PAUSE, RESUME, DROP_CONNECTIONS, MALFORMED_FRAME, UNKNOWN_EVENT, SEQUENCE_GAP, STALL,
        /**
         * Sockets open now ignore every later subscription change and get no more unsolicited full books, so only a
         * new socket brings a fresh snapshot (new sockets behave).
         */
        IGNORE_RESUBSCRIBE,
        /** One followed book's top level changes without any frame saying so. */
        HIDDEN_TOP_CHANGE,
        /**
         * The next REST snapshot of each book is served from before the diffs a client has buffered (its update id
         * or timestamp older than the first buffered diff), as a lagging venue cache does.
         */
        STALE_SNAPSHOT,
        /** The venue asks every socket to reconnect (Bitstamp's {@code bts:request_reconnect}, a maintenance notice). */
        RECONNECT_REQUEST
    }

    /** A GET under the venue's REST prefix; answered by {@link #rest}. */
    record RestGet(String path, Map<String, String> query, ActorRef<RestReply> replyTo) implements Command {
    }

    /** The answer to a {@link RestGet}: an HTTP status and a JSON body. */
    record RestReply(int status, String body) {
        static RestReply ok(String json) {
            return new RestReply(200, json);
        }

        static RestReply notFound(String message) {
            return new RestReply(404, "{\"error\":\"" + message.replace("\"", "'") + "\"}");
        }
    }

    /** The native symbols of every book the venue serves. */
    record GetMarkets(ActorRef<List<String>> replyTo) implements Command {
    }

    record Inject(Fault fault, ActorRef<Integer> replyTo) implements Command {
    }

    record SetRate(double updatesPerSecond, ActorRef<Integer> replyTo) implements Command {
    }

    record GetTrueBook(String symbol, ActorRef<Optional<BookSnapshot>> replyTo) implements Command {
    }

    record GetStats(ActorRef<SimulatorStats> replyTo) implements Command {
    }

    /**
     * The venue lists a new market from now on: its books join the random walk and are served to sockets that
     * subscribe to them. The reply says whether this venue could list it.
     */
    record ListMarket(SimCatalog.Listed market, ActorRef<Boolean> replyTo) implements Command {
    }

    /**
     * Moves every level of one book by {@code ticks} ticks, sent as the venue's own book changes; the reply is the
     * ticks applied (fewer down when prices would reach zero), empty when the venue has no such book.
     */
    record ShiftBook(String symbol, long ticks, ActorRef<Optional<Long>> replyTo) implements Command {
    }

    /** From now on the venue's REST listing shows the market halted (or leaves it out); replies whether it is listed. */
    record Delist(String symbol, ActorRef<Boolean> replyTo) implements Command {
    }

    protected final Random random;
    protected final Map<Long, SimConnection> connections = new LinkedHashMap<>();
    private double updatesPerSecond;
    private boolean paused;
    private double due;
    private long accepted;
    private long framesSentByClosed;
    protected long updatesPublished;

    protected SimVenue(ActorContext<Command> context, TimerScheduler<Command> timers, double updatesPerSecond, long seed) {
        super(context);
        this.random = new Random(seed);
        this.updatesPerSecond = updatesPerSecond;
        timers.startTimerAtFixedRate(Tick.INSTANCE, TICK);
    }

    /** Handles one text frame from a client socket. */
    protected abstract void onClientText(SimConnection connection, String text);

    /** A socket has just opened; a venue whose URL says what to stream (Binance's {@code /stream?streams=}) reads it. */
    protected void onOpened(SimConnection connection) {
    }

    /** Called after a socket's state is dropped; a venue forgets what that socket subscribed to. */
    protected abstract void onDisconnected(SimConnection connection);

    /** Moves one book by one level and sends the change to every socket that follows it. */
    protected abstract void publishChange();

    protected abstract String malformedFrame();

    protected abstract String unknownEventFrame();

    /** Makes the next book change on one subscription of every socket go unsent, its sequence number spent. */
    protected int injectSequenceGap() {
        return 0;
    }

    /** Changes the best price of one book that a socket follows without telling anyone; returns 1 if done. */
    protected int hideTopChange() {
        return 0;
    }

    protected abstract Optional<BookSnapshot> trueBook(String symbol);

    /**
     * Every {@link #TICK}, paused or not: for what a venue sends on its own clock (heartbeats it expects answered,
     * idle frames) and the deadlines it enforces.
     */
    protected void onClockTick(long nowMs) {
    }

    /** Answers a REST GET under the venue's prefix; a venue without REST answers 404. */
    protected RestReply rest(String path, Map<String, String> query) {
        return RestReply.notFound("no REST API here");
    }

    /** Serves the next REST snapshot of each book from before what the clients buffered; returns how many books. */
    protected int injectStaleSnapshot() {
        return 0;
    }

    /** Sends the venue's reconnect request or maintenance notice on every socket; returns how many sockets. */
    protected int requestReconnect() {
        return 0;
    }

    /** Moves one book by {@code ticks} ticks, see {@link ShiftBook}; a venue that cannot answers empty. */
    protected Optional<Long> shiftBook(String symbol, long ticks) {
        return Optional.empty();
    }

    /** Delists one market in the venue's REST listing, see {@link Delist}; a venue that cannot answers false. */
    protected boolean delist(String symbol) {
        return false;
    }

    /** The native symbols of every book, for {@link GetMarkets}; venues whose catalogue is known up front need not. */
    protected List<String> marketSymbols() {
        return List.of();
    }

    /** Creates the books of a market listed at runtime ({@link ListMarket}); false when the venue cannot list it. */
    protected boolean addMarket(SimCatalog.Listed market) {
        return false;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Connected.class, this::onConnected)
                .onMessage(ClientText.class, this::onText)
                .onMessage(Disconnected.class, this::onClosed)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessageEquals(Stop.INSTANCE, () -> {
                    connections.values().forEach(SimConnection::close);
                    return Behaviors.stopped();
                })
                .onMessage(Inject.class, this::onInject)
                .onMessage(SetRate.class, this::onSetRate)
                .onMessage(GetTrueBook.class, get -> {
                    get.replyTo().tell(trueBook(get.symbol()));
                    return this;
                })
                .onMessage(RestGet.class, get -> {
                    get.replyTo().tell(rest(get.path(), get.query()));
                    return this;
                })
                .onMessage(GetMarkets.class, get -> {
                    get.replyTo().tell(marketSymbols());
                    return this;
                })
                .onMessage(ShiftBook.class, shift -> {
                    shift.replyTo().tell(shiftBook(shift.symbol(), shift.ticks()));
                    return this;
                })
                .onMessage(Delist.class, delist -> {
                    delist.replyTo().tell(delist(delist.symbol()));
                    return this;
                })
                .onMessage(GetStats.class, get -> {
                    get.replyTo().tell(stats());
                    return this;
                })
                .onMessage(ListMarket.class, list -> {
                    boolean listed = addMarket(list.market());
                    if (listed) {
                        getContext().getLog().info("simulator {}: listed {}", getClass().getSimpleName(),
                                list.market().symbols());
                    }
                    list.replyTo().tell(listed);
                    return this;
                })
                .build();
    }

    private Behavior<Command> onConnected(Connected connected) {
        accepted++;
        SimConnection connection = new SimConnection(connected.connectionId(), connected.outgoing(), connected.path(),
                connected.query());
        connections.put(connected.connectionId(), connection);
        onOpened(connection);
        return this;
    }

    private Behavior<Command> onText(ClientText text) {
        SimConnection connection = connections.get(text.connectionId());
        if (connection != null && !connection.frozen()) {
            onClientText(connection, text.text());
        }
        return this;
    }

    private Behavior<Command> onClosed(Disconnected disconnected) {
        SimConnection connection = connections.remove(disconnected.connectionId());
        if (connection != null) {
            framesSentByClosed += connection.framesSent();
            onDisconnected(connection);
        }
        return this;
    }

    private Behavior<Command> onTick() {
        onClockTick(nowMs());
        if (paused || updatesPerSecond <= 0) {
            return this;
        }
        due += updatesPerSecond * TICK.toNanos() / 1e9;
        int now = (int) Math.min(due, 100_000);
        due -= now;
        for (int i = 0; i < now; i++) {
            publishChange();
            updatesPublished++;
        }
        return this;
    }

    private Behavior<Command> onInject(Inject inject) {
        int touched = switch (inject.fault()) {
            case PAUSE -> {
                paused = true;
                due = 0;
                yield connections.size();
            }
            case RESUME -> {
                paused = false;
                yield connections.size();
            }
            case DROP_CONNECTIONS -> {
                connections.values().forEach(SimConnection::close);
                yield connections.size();
            }
            case MALFORMED_FRAME -> sendToAll(malformedFrame());
            case UNKNOWN_EVENT -> sendToAll(unknownEventFrame());
            case SEQUENCE_GAP -> injectSequenceGap();
            case HIDDEN_TOP_CHANGE -> hideTopChange();
            case STALE_SNAPSHOT -> injectStaleSnapshot();
            case RECONNECT_REQUEST -> requestReconnect();
            case IGNORE_RESUBSCRIBE -> {
                connections.values().forEach(SimConnection::ignoreResubscribe);
                yield connections.size();
            }
            case STALL -> {
                int live = 0;
                for (SimConnection connection : connections.values()) {
                    if (!connection.frozen()) {
                        connection.freeze();
                        live++;
                    }
                }
                yield live;
            }
        };
        getContext().getLog().info("simulator {}: {} injected on {} socket(s)/subscription(s)",
                getClass().getSimpleName(), inject.fault(), touched);
        inject.replyTo().tell(touched);
        return this;
    }

    private Behavior<Command> onSetRate(SetRate set) {
        updatesPerSecond = Math.max(0, set.updatesPerSecond());
        set.replyTo().tell(connections.size());
        return this;
    }

    private int sendToAll(String frame) {
        int sent = 0;
        for (SimConnection connection : connections.values()) {
            if (!connection.frozen()) {
                connection.send(frame);
                sent++;
            }
        }
        return sent;
    }

    private SimulatorStats stats() {
        long frames = framesSentByClosed;
        for (SimConnection connection : connections.values()) {
            frames += connection.framesSent();
        }
        return new SimulatorStats(connections.size(), accepted, frames, updatesPublished);
    }

    protected static long nowMs() {
        return System.currentTimeMillis();
    }

    protected List<SimConnection> liveConnections() {
        return connections.values().stream().filter(c -> !c.frozen()).toList();
    }
}
