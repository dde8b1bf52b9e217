package io.marketmesh.node.connection;

import io.marketmesh.node.catalog.CatalogFeeder;
import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.SocketRoutes;
import io.marketmesh.node.market.ResyncRequest;
import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.market.ResyncTopics;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.metrics.VenueCounters;
import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * One of a venue's N connection workers, spread over the cluster by {@link ConnectionWorkers}
 * ({@code ShardedDaemonProcess}). Worker i follows the markets of the venue's replicated subscription set
 * ({@link Subscriptions}) whose symbol hashes to i: it spreads them over sockets (at most
 * {@code markets-per-socket} each, more sockets opened as needed), routes resync requests to the socket that
 * carries the market (and answers {@link MarketActor.NotFollowed} for a market of its share it does not follow), and
 * reports the status the HTTP API shows. When no markets are configured, worker 0 discovers the venue's markets and
 * seeds the set with them once per cluster (configured markets are seeded by the oldest node, see
 * {@link Subscriptions}). Worker 0 also keeps the venue's part of the market catalogue current: it hands what discovery
 * found to its {@link CatalogFeeder} child, which describes, refreshes and closes markets. An unfollowed market is dropped by its socket ({@link ConnectionActor.Unsubscribe}), which
 * then tells the market's actor. Each socket is a supervised {@link ConnectionActor}.
 */
public final class ConnectionManager extends AbstractBehavior<ConnectionManager.Command> {

    public sealed interface Command permits GetStatus, Stop, SymbolsChanged, Seeded, SocketStarting,
            SocketStatusUpdate, SocketFailed, ResyncEscalated, Discovered, RetryDiscovery, ResyncFromTopic {
    }

    public record GetStatus(ActorRef<WorkerStatus> replyTo) implements Command, CborSerializable {
    }

    /**
     * What one worker reports to {@code GET /api/v1/venues} and {@code /api/v1/cluster}.
     *
     * @param node      the cluster address of the node it runs on ({@code host:port})
     * @param discovery what seeding from configuration or discovery did (worker 0), or null
     * @param health    what it knows of the venue's health (sockets, errors, its node's stale books)
     */
    public record WorkerStatus(Venue venue, int worker, String node, String wsUrl, int markets, String discovery,
                               List<SocketStatus> connections, WorkerHealth health) implements CborSerializable {
    }

    /** Sent by the daemon process when the worker moves to another node or the node shuts down. */
    public enum Stop implements Command, CborSerializable {
        INSTANCE
    }

    private record SymbolsChanged(Set<String> symbols) implements Command {
    }

    private record Seeded(boolean added, int count, String source) implements Command {
    }

    record SocketStarting(int socket, ActorRef<ConnectionActor.Command> self) implements Command {
    }

    /**
     * @param lastFrameAt    the socket incarnation's latest frame (0: none yet)
     * @param lastBadFrame   why its latest bad frame was skipped, and when ({@code lastBadFrameAt}, 0: none)
     */
    record SocketStatusUpdate(int socket, String state, int subscriptions, long connectedAt, long lastMessageAt,
                              long framesReceived, long badFrames, long binaryFrames, IntegrityCounts integrity,
                              int localMarkets, long lastFrameAt, String lastBadFrame, long lastBadFrameAt)
            implements Command {
    }

    /** A socket failed, or the venue reported an error on it; {@code kind} is a {@link VenueError} kind. */
    record SocketFailed(int socket, String kind, String reason) implements Command {
    }

    /** A socket reopened itself because resyncing this market on it brought no snapshot. */
    record ResyncEscalated(String symbol) implements Command {
    }

    private record Discovered(List<MarketInfo> markets, long at, String error) implements Command {
    }

    private enum RetryDiscovery implements Command {
        INSTANCE
    }

    private record ResyncFromTopic(ResyncRequest request) implements Command {
    }

    /**
     * @param sockets       what every socket of this venue shares (adapter, settings, publisher)
     * @param subscriptions this node's view of the replicated subscription sets
     * @param worker        this worker's index, 0 to {@code workers - 1}
     * @param catalog       what worker 0's catalogue feeder needs (this node's catalogue); null: no catalogue
     */
    public record Dependencies(ConnectionActor.Dependencies sockets, ResyncTopics resyncTopics,
                               ActorRef<Subscriptions.Command> subscriptions, int workers,
                               CatalogFeeder.Dependencies catalog) {
    }

    public static Behavior<Command> create(Dependencies dependencies, int worker) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new ConnectionManager(context, timers,
                dependencies, worker)));
    }

    /** One socket's share of the markets and what it last reported. */
    private static final class Slot {
        final int id;
        final String group;
        final Set<String> symbols = new LinkedHashSet<>();
        final ActorRef<ConnectionActor.Command> actor;
        long starts;
        SocketStatusUpdate last;
        /** What the socket's earlier incarnations counted: each new one counts from zero. */
        IntegrityCounts earlier = IntegrityCounts.NONE;
        String lastError;
        long lastErrorAt;

        Slot(int id, String group, ActorRef<ConnectionActor.Command> actor) {
            this.id = id;
            this.group = group;
            this.actor = actor;
        }
    }

    private final TimerScheduler<Command> timers;
    private final ConnectionActor.Dependencies sockets;
    private final VenueAdapter adapter;
    private final VenueSettings venue;
    private final ConnectionSettings settings;
    private final ClusterSharding sharding;
    private final Map<Integer, Slot> slots = new LinkedHashMap<>();
    private final Map<String, Slot> slotBySymbol = new HashMap<>();
    /** Markets whose unanswered resync already made their socket reopen once in this episode. */
    private final Set<String> escalatedResyncs = new HashSet<>();
    private final ActorRef<Subscriptions.Command> subscriptions;
    private final int worker;
    private final int workers;
    private final String node;
    private int nextSlotId;
    private String discovery;
    /** The latest frame on any socket of this worker, and the latest error it saw: for the venue's health. */
    private long lastFrameAt;
    private VenueError lastError;
    private final NodeMetrics metrics;
    /** This venue's counters on this node ({@code GET /metrics}). */
    private final VenueCounters counters;
    /** The markets this worker last counted in {@code marketmesh_venue_subscriptions}. */
    private int countedCarried;
    /** An open socket is silent when it received nothing for this long (stale-after, plus its report's lag). */
    private final long silentAfterMillis;
    /** The first view of the followed markets has arrived: a market not carried now is one nobody follows. */
    private boolean knowsFollowed;
    /** Worker 0's: keeps the venue's catalogue entries current; null on the other workers. */
    private final ActorRef<CatalogFeeder.Command> catalogFeeder;

    private ConnectionManager(ActorContext<Command> context, TimerScheduler<Command> timers, Dependencies dependencies,
                              int worker) {
        super(context);
        this.timers = timers;
        this.sockets = dependencies.sockets();
        this.adapter = sockets.adapter();
        this.venue = sockets.venue();
        this.settings = sockets.settings();
        this.subscriptions = dependencies.subscriptions();
        this.worker = worker;
        this.workers = dependencies.workers();
        this.node = ConnectionWorkers.nodeAddress(context.getSystem());
        this.nextSlotId = worker;
        this.sharding = ClusterSharding.get(context.getSystem());
        this.metrics = NodeMetrics.get(context.getSystem());
        this.counters = metrics.venue(venue.venue());
        counters.onWorker(true);
        this.silentAfterMillis = venue.staleAfter().plus(settings.statusInterval()).toMillis();
        dependencies.resyncTopics().subscribe(venue.venue(),
                context.messageAdapter(ResyncRequest.class, ResyncFromTopic::new));
        // Its markets' actors belong here, beside the sockets that feed them (they follow within a rebalance interval).
        MarketPlacement.claimShard(context.getSystem(), venue.venue(), worker);
        context.getSystem().receptionist().tell(Receptionist.register(ConnectionWorkers.serviceKey(venue.venue()),
                context.getSelf()));
        context.getSystem().receptionist().tell(Receptionist.register(ConnectionWorkers.serviceKey(venue.venue(), worker),
                context.getSelf()));
        context.getLog().info("{} connection worker {}/{} starting on {}: {}", venue.venue().id(), worker, workers,
                node, venue);
        subscriptions.tell(new Subscriptions.Watch(venue.venue(), context.messageAdapter(Subscriptions.VenueSymbols.class,
                symbols -> new SymbolsChanged(symbols.symbols()))));
        this.catalogFeeder = worker == 0 && dependencies.catalog() != null
                ? context.spawn(CatalogFeeder.create(dependencies.catalog()), "catalog-feeder") : null;
        if (venue.markets().isEmpty()) {
            if (worker == 0) {
                discover();
            }
        } else {
            // Seeded by the oldest node once it is Up (see Subscriptions), so they are followed before a node is ready.
            discovery = "off: " + venue.markets().size() + " markets configured";
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(SymbolsChanged.class, this::onSymbolsChanged)
                .onMessage(Seeded.class, this::onSeeded)
                .onMessage(GetStatus.class, this::onGetStatus)
                .onMessageEquals(Stop.INSTANCE, this::onStop)
                .onMessage(SocketStarting.class, this::onSocketStarting)
                .onMessage(SocketStatusUpdate.class, this::onSocketStatus)
                .onMessage(SocketFailed.class, this::onSocketFailed)
                .onMessage(Discovered.class, this::onDiscovered)
                .onMessageEquals(RetryDiscovery.INSTANCE, () -> {
                    discover();
                    return this;
                })
                .onMessage(ResyncFromTopic.class, this::onResync)
                .onMessage(ResyncEscalated.class, this::onResyncEscalated)
                .onSignal(PostStop.class, s -> {
                    counters.onWorker(false);
                    counters.onSubscriptionsChanged(-countedCarried);
                    countedCarried = 0;
                    // Moved (rebalance) or this node leaving: the books it fed, mostly held by other nodes, get nothing
                    // until the next worker's snapshots. Only a cluster stopping altogether has nobody left to tell.
                    if (otherMembersUp()) {
                        markAllStale("connection worker " + worker + " of " + venue.venue().id() + " stopped on " + node);
                    }
                    return this;
                })
                .build();
    }

    private void discover() {
        discovery = "running";
        Executor blocking = getContext().getSystem().dispatchers().lookup(DispatcherSelector.blocking());
        long at = System.currentTimeMillis();
        CompletableFuture<List<MarketInfo>> found = CompletableFuture.supplyAsync(() -> {
            try {
                return adapter.discover(venue);
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }, blocking);
        getContext().pipeToSelf(found, (markets, failure) -> failure == null
                ? new Discovered(markets, at, null)
                : new Discovered(List.of(), at, failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage()));
    }

    private Behavior<Command> onDiscovered(Discovered discovered) {
        if (discovered.error() != null) {
            discovery = "failed: " + discovered.error() + " (retrying in " + settings.discoveryRetry().toSeconds() + "s)";
            noteError(new VenueError(VenueError.DISCOVERY, "market discovery failed: " + discovered.error(),
                    System.currentTimeMillis(), worker, null));
            getContext().getLog().warn("{} market discovery failed: {}; retrying in {}", venue.venue().id(),
                    discovered.error(), settings.discoveryRetry());
            timers.startSingleTimer(RetryDiscovery.INSTANCE, settings.discoveryRetry());
            return this;
        }
        List<String> symbols = discovered.markets().stream().map(MarketInfo::symbol).toList();
        getContext().getLog().info("{} discovered {} active markets", venue.venue().id(), symbols.size());
        if (catalogFeeder != null) {
            catalogFeeder.tell(new CatalogFeeder.Discovered(discovered.markets(), discovered.at()));
        }
        seed(symbols, "discovery");
        return this;
    }

    /** Worker 0 adds the discovered markets to the cluster's set, unless the cluster was seeded already. */
    private void seed(List<String> symbols, String source) {
        discovery = "seeding " + symbols.size() + " markets from " + source;
        getContext().ask(Boolean.class, subscriptions, Duration.ofSeconds(30),
                replyTo -> new Subscriptions.Seed(venue.venue(), List.copyOf(symbols), replyTo),
                (added, failure) -> new Seeded(added != null && added, symbols.size(),
                        source + (failure != null ? " (seeding failed: " + failure.getMessage() + ")" : "")));
    }

    private Behavior<Command> onSeeded(Seeded seeded) {
        discovery = seeded.added()
                ? "done: " + seeded.count() + " markets from " + seeded.source()
                : "skipped: the cluster's subscription set was seeded before (" + seeded.count() + " markets from "
                + seeded.source() + " not added)";
        getContext().getLog().info("{} subscriptions {}", venue.venue().id(), discovery);
        return this;
    }

    /** Follows the markets of the replicated set that hash to this worker, and drops the ones that left it. */
    private Behavior<Command> onSymbolsChanged(SymbolsChanged changed) {
        knowsFollowed = true;
        List<String> owned = new ArrayList<>();
        for (String symbol : changed.symbols()) {
            if (ConnectionWorkers.owner(symbol, workers) == worker) {
                owned.add(symbol);
            }
        }
        Set<String> keep = new HashSet<>(owned);
        for (String symbol : List.copyOf(slotBySymbol.keySet())) {
            if (!keep.contains(symbol)) {
                unfollow(symbol);
            }
        }
        owned.sort(null);
        follow(owned);
        counters.onSubscriptionsChanged(slotBySymbol.size() - countedCarried);
        countedCarried = slotBySymbol.size();
        return this;
    }

    /** Assigns new markets to sockets with room, opening sockets as needed. */
    private void follow(List<String> symbols) {
        Map<Slot, List<String>> bySlot = new LinkedHashMap<>();
        for (String symbol : symbols) {
            if (slotBySymbol.containsKey(symbol)) {
                continue;
            }
            String group;
            try {
                group = adapter.socketGroup(symbol);
            } catch (IllegalArgumentException e) {
                getContext().getLog().warn("{}: not following {}: {}", venue.venue().id(), symbol, e.getMessage());
                continue;
            }
            Slot slot = slotWithRoom(group);
            slot.symbols.add(symbol);
            slotBySymbol.put(symbol, slot);
            bySlot.computeIfAbsent(slot, s -> new ArrayList<>()).add(symbol);
        }
        bySlot.forEach((slot, list) -> slot.actor.tell(new ConnectionActor.Subscribe(List.copyOf(list))));
    }

    private Slot slotWithRoom(String group) {
        for (Slot slot : slots.values()) {
            if (slot.group.equals(group) && slot.symbols.size() < venue.marketsPerSocket()) {
                return slot;
            }
        }
        // Socket ids are unique over the venue's workers (worker i numbers i, i+N, i+2N, ...): logs stay unambiguous.
        int id = nextSlotId;
        nextSlotId += workers;
        ActorRef<ConnectionActor.Command> actor = getContext().spawn(
                ConnectionActor.create(sockets, id, group, worker, getContext().getSelf()), "socket-" + id);
        Slot slot = new Slot(id, group, actor);
        slots.put(id, slot);
        return slot;
    }

    /**
     * The socket that carried the market stops routing to it, tells the venue, and tells the market's actor as the
     * last thing it sends it (the socket is the sender of the market's changes, so nothing of it can arrive after).
     */
    private void unfollow(String symbol) {
        Slot slot = slotBySymbol.remove(symbol);
        if (slot == null) {
            return;
        }
        slot.symbols.remove(symbol);
        boolean empty = slot.symbols.isEmpty();
        slot.actor.tell(new ConnectionActor.Unsubscribe(List.of(symbol), empty));
        if (empty) {
            slots.remove(slot.id);
        }
    }

    private Behavior<Command> onStop() {
        return Behaviors.stopped();
    }

    private boolean otherMembersUp() {
        var cluster = org.apache.pekko.cluster.typed.Cluster.get(getContext().getSystem());
        for (var member : cluster.state().getMembers()) {
            if (member.status() == org.apache.pekko.cluster.MemberStatus.up() && !member.equals(cluster.selfMember())) {
                return true;
            }
        }
        return false;
    }

    /** Nothing feeds these books until another worker has resubscribed: say so rather than serve them as fresh. */
    private void markAllStale(String reason) {
        // Named by this node: a book a socket elsewhere took over meanwhile (the next worker's) stays as it is.
        int self = SocketRoutes.nodeTag(org.apache.pekko.cluster.typed.Cluster.get(getContext().getSystem())
                .selfMember().uniqueAddress());
        for (String symbol : slotBySymbol.keySet()) {
            sharding.entityRefFor(MarketActor.TYPE_KEY, MarketKey.of(venue.venue(), symbol).id())
                    .tell(MarketActor.MarkStale.socketsOf(self, reason));
        }
    }

    private Behavior<Command> onGetStatus(GetStatus get) {
        long now = System.currentTimeMillis();
        List<SocketStatus> sockets = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Slot slot : slots.values()) {
            SocketStatusUpdate s = slot.last;
            String state = s == null ? "connecting" : s.state();
            sockets.add(new SocketStatus(worker, node, slot.id, state, slot.symbols.size(),
                    s == null ? 0 : s.connectedAt(), s == null ? 0 : s.lastMessageAt(),
                    s == null ? 0 : s.framesReceived(), s == null ? 0 : s.badFrames(), s == null ? 0 : s.binaryFrames(),
                    Math.max(0, slot.starts - 1), slot.lastError, slot.lastErrorAt,
                    s == null ? slot.earlier : slot.earlier.plus(s.integrity()), s == null ? 0 : s.localMarkets()));
            String problem = socketProblem(slot, state, now);
            if (problem != null) {
                problems.add(problem);
            }
        }
        WorkerHealth health = new WorkerHealth(lastFrameAt, lastError, metrics.booksStale(venue.venue()),
                List.copyOf(problems));
        get.replyTo().tell(new WorkerStatus(venue.venue(), worker, node, venue.wsUrl(), slotBySymbol.size(), discovery,
                sockets, health));
        return this;
    }

    /** Why a socket that carries markets is not doing its job now, or null when it is (docs/http-api.md, health). */
    private String socketProblem(Slot slot, String state, long now) {
        if (slot.symbols.isEmpty()) {
            return null;
        }
        if (!state.equals("open")) {
            return "socket " + slot.id + " " + state + (state.equals("down") && slot.lastError != null
                    ? ": " + slot.lastError : "");
        }
        long silentFor = now - slot.last.lastMessageAt();
        return silentFor > silentAfterMillis
                ? "socket " + slot.id + " silent for " + silentFor / 1000 + " s (stale-after "
                + venue.staleAfter().toSeconds() + " s)"
                : null;
    }

    private void noteError(VenueError error) {
        if (!VenueError.BAD_FRAME.equals(error.kind())) {
            counters.onError(error.kind()); // bad frames are counted by their socket, each one
        }
        lastError = VenueError.latest(lastError, error);
    }

    private Behavior<Command> onSocketStarting(SocketStarting starting) {
        Slot slot = slots.get(starting.socket());
        if (slot != null) {
            slot.starts++;
            if (slot.starts > 1) {
                counters.onReconnect();
            }
            if (slot.last != null) {
                slot.earlier = slot.earlier.plus(slot.last.integrity());
                slot.last = null;
            }
            // A (re)started socket knows nothing: hand it every market it carries.
            starting.self().tell(new ConnectionActor.Subscribe(List.copyOf(slot.symbols)));
        }
        return this;
    }

    private Behavior<Command> onSocketStatus(SocketStatusUpdate update) {
        Slot slot = slots.get(update.socket());
        if (slot != null) {
            slot.last = update;
        }
        lastFrameAt = Math.max(lastFrameAt, update.lastFrameAt());
        if (update.lastBadFrameAt() > 0 && (lastError == null || update.lastBadFrameAt() > lastError.at())) {
            noteError(new VenueError(VenueError.BAD_FRAME, "bad frame skipped: " + update.lastBadFrame(),
                    update.lastBadFrameAt(), worker, update.socket()));
        }
        return this;
    }

    private Behavior<Command> onSocketFailed(SocketFailed failed) {
        Slot slot = slots.get(failed.socket());
        long now = System.currentTimeMillis();
        if (slot != null) {
            slot.lastError = failed.reason();
            slot.lastErrorAt = now;
        }
        noteError(new VenueError(failed.kind(), failed.reason(), now, worker, failed.socket()));
        return this;
    }

    private Behavior<Command> onResync(ResyncFromTopic fromTopic) {
        ResyncRequest request = fromTopic.request();
        MarketKey market = request.market();
        int attempt = request.attempt();
        if (attempt <= 1) {
            escalatedResyncs.remove(market.symbol()); // a new episode: the market got a snapshot since
        }
        Slot slot = slotBySymbol.get(market.symbol());
        if (slot != null) {
            boolean mayEscalate = settings.resyncEscalateAfter() > 0 && attempt >= settings.resyncEscalateAfter()
                    && !escalatedResyncs.contains(market.symbol());
            slot.actor.tell(new ConnectionActor.Resync(market.symbol(), request.reason(), mayEscalate));
        } else if (knowsFollowed && ConnectionWorkers.owner(market.symbol(), workers) == worker
                && request.replyTo() != null) {
            // The worker that would carry it does not: an actor left over (re-created by a stray message) for a
            // market nobody follows. It stops instead of asking every minute for ever.
            request.replyTo().tell(new MarketActor.NotFollowed());
        }
        return this;
    }

    private Behavior<Command> onResyncEscalated(ResyncEscalated escalated) {
        escalatedResyncs.add(escalated.symbol());
        return this;
    }
}
