package io.marketmesh.node.connection;

import io.marketmesh.node.cluster.CborSerializable;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.ResyncRequest;
import io.marketmesh.node.publish.MarketPublisher;
import io.marketmesh.node.market.ResyncTopics;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
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
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Owns one venue on this node: the set of followed markets, their spread over sockets (at most
 * {@code markets-per-socket} each, more sockets opened as needed), discovery when no market list is
 * configured, routing of resync requests to the socket that carries the market, and the status the
 * HTTP API shows. Each socket is a supervised {@link ConnectionActor}.
 */
public final class ConnectionManager extends AbstractBehavior<ConnectionManager.Command> {

    public sealed interface Command permits Follow, Unfollow, IsFollowed, GetFollowed, GetStatus, SocketStarting,
            SocketStatusUpdate, SocketFailed, ResyncEscalated, Discovered, RetryDiscovery, ResyncFromTopic {
    }

    /** Follow markets (idempotent). */
    public record Follow(List<String> symbols, ActorRef<FollowResult> replyTo) implements Command, CborSerializable {
    }

    public record FollowResult(Venue venue, List<String> added, List<String> alreadyFollowed) implements CborSerializable {
    }

    public record Unfollow(String symbol, ActorRef<Boolean> replyTo) implements Command, CborSerializable {
    }

    public record IsFollowed(String symbol, ActorRef<Boolean> replyTo) implements Command, CborSerializable {
    }

    public record GetFollowed(ActorRef<Followed> replyTo) implements Command, CborSerializable {
    }

    public record Followed(Venue venue, List<String> symbols) implements CborSerializable {
    }

    public record GetStatus(ActorRef<VenueStatus> replyTo) implements Command, CborSerializable {
    }

    /** What {@code GET /api/v1/venues} shows for a venue. */
    public record VenueStatus(Venue venue, boolean enabled, String wsUrl, int followed, String discovery,
                              List<SocketStatus> connections) implements CborSerializable {
    }

    record SocketStarting(int socket, ActorRef<ConnectionActor.Command> self) implements Command {
    }

    record SocketStatusUpdate(int socket, String state, int subscriptions, long connectedAt, long lastMessageAt,
                              long framesReceived, long badFrames) implements Command {
    }

    record SocketFailed(int socket, String reason) implements Command {
    }

    /** A socket reopened itself because resyncing this market on it brought no snapshot. */
    record ResyncEscalated(String symbol) implements Command {
    }

    private record Discovered(List<String> symbols, String error) implements Command {
    }

    private enum RetryDiscovery implements Command {
        INSTANCE
    }

    private record ResyncFromTopic(ResyncRequest request) implements Command {
    }

    public static Behavior<Command> create(VenueAdapter adapter, VenueSettings venue, ConnectionSettings settings,
                                           ResyncTopics resyncTopics) {
        return create(adapter, venue, settings, resyncTopics, MarketPublisher.NONE);
    }

    /** @param publisher where the sockets publish raw frames */
    public static Behavior<Command> create(VenueAdapter adapter, VenueSettings venue, ConnectionSettings settings,
                                           ResyncTopics resyncTopics, MarketPublisher publisher) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new ConnectionManager(context, timers, adapter, venue, settings, resyncTopics, publisher)));
    }

    /** One socket's share of the markets and what it last reported. */
    private static final class Slot {
        final int id;
        final Set<String> symbols = new LinkedHashSet<>();
        final ActorRef<ConnectionActor.Command> actor;
        long starts;
        SocketStatusUpdate last;
        String lastError;
        long lastErrorAt;

        Slot(int id, ActorRef<ConnectionActor.Command> actor) {
            this.id = id;
            this.actor = actor;
        }
    }

    private final TimerScheduler<Command> timers;
    private final VenueAdapter adapter;
    private final VenueSettings venue;
    private final ConnectionSettings settings;
    private final ClusterSharding sharding;
    private final Map<Integer, Slot> slots = new LinkedHashMap<>();
    private final Map<String, Slot> slotBySymbol = new HashMap<>();
    /** Markets whose unanswered resync already made their socket reopen once in this episode. */
    private final Set<String> escalatedResyncs = new HashSet<>();
    private final MarketPublisher publisher;
    private int nextSlotId;
    private String discovery;

    private ConnectionManager(ActorContext<Command> context, TimerScheduler<Command> timers, VenueAdapter adapter,
                              VenueSettings venue, ConnectionSettings settings, ResyncTopics resyncTopics,
                              MarketPublisher publisher) {
        super(context);
        this.publisher = publisher;
        this.timers = timers;
        this.adapter = adapter;
        this.venue = venue;
        this.settings = settings;
        this.sharding = ClusterSharding.get(context.getSystem());
        resyncTopics.subscribe(venue.venue(), context.messageAdapter(ResyncRequest.class, ResyncFromTopic::new));
        context.getLog().info("{} starting: {}", venue.venue().id(), venue);
        if (venue.markets().isEmpty()) {
            discover();
        } else {
            discovery = "off: " + venue.markets().size() + " markets configured";
            follow(venue.markets());
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Follow.class, this::onFollow)
                .onMessage(Unfollow.class, this::onUnfollow)
                .onMessage(IsFollowed.class, m -> {
                    m.replyTo().tell(slotBySymbol.containsKey(m.symbol()));
                    return this;
                })
                .onMessage(GetFollowed.class, this::onGetFollowed)
                .onMessage(GetStatus.class, this::onGetStatus)
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
                .build();
    }

    private void discover() {
        discovery = "running";
        Executor blocking = getContext().getSystem().dispatchers().lookup(DispatcherSelector.blocking());
        CompletableFuture<List<String>> found = CompletableFuture.supplyAsync(() -> {
            try {
                return adapter.discoverMarkets(venue);
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }, blocking);
        getContext().pipeToSelf(found, (symbols, failure) -> failure == null
                ? new Discovered(symbols, null)
                : new Discovered(List.of(), failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage()));
    }

    private Behavior<Command> onDiscovered(Discovered discovered) {
        if (discovered.error() != null) {
            discovery = "failed: " + discovered.error() + " (retrying in " + settings.discoveryRetry().toSeconds() + "s)";
            getContext().getLog().warn("{} market discovery failed: {}; retrying in {}", venue.venue().id(),
                    discovered.error(), settings.discoveryRetry());
            timers.startSingleTimer(RetryDiscovery.INSTANCE, settings.discoveryRetry());
            return this;
        }
        discovery = "done: " + discovered.symbols().size() + " markets found";
        getContext().getLog().info("{} discovered {} active markets", venue.venue().id(), discovered.symbols().size());
        follow(discovered.symbols());
        return this;
    }

    private Behavior<Command> onFollow(Follow follow) {
        List<String> already = new ArrayList<>();
        for (String symbol : follow.symbols()) {
            if (slotBySymbol.containsKey(symbol)) {
                already.add(symbol);
            }
        }
        List<String> added = follow(follow.symbols());
        follow.replyTo().tell(new FollowResult(venue.venue(), added, already));
        return this;
    }

    /** Assigns new markets to sockets with room, opening sockets as needed; returns the ones newly followed. */
    private List<String> follow(List<String> symbols) {
        Map<Slot, List<String>> bySlot = new LinkedHashMap<>();
        List<String> added = new ArrayList<>();
        for (String symbol : symbols) {
            if (slotBySymbol.containsKey(symbol)) {
                continue;
            }
            Slot slot = slotWithRoom();
            slot.symbols.add(symbol);
            slotBySymbol.put(symbol, slot);
            bySlot.computeIfAbsent(slot, s -> new ArrayList<>()).add(symbol);
            added.add(symbol);
        }
        bySlot.forEach((slot, list) -> slot.actor.tell(new ConnectionActor.Subscribe(List.copyOf(list))));
        return added;
    }

    private Slot slotWithRoom() {
        for (Slot slot : slots.values()) {
            if (slot.symbols.size() < venue.marketsPerSocket()) {
                return slot;
            }
        }
        int id = nextSlotId++;
        ActorRef<ConnectionActor.Command> actor = getContext().spawn(
                ConnectionActor.create(adapter, venue, settings, id, getContext().getSelf(), publisher), "socket-" + id);
        Slot slot = new Slot(id, actor);
        slots.put(id, slot);
        return slot;
    }

    private Behavior<Command> onUnfollow(Unfollow unfollow) {
        Slot slot = slotBySymbol.remove(unfollow.symbol());
        if (slot == null) {
            unfollow.replyTo().tell(false);
            return this;
        }
        slot.symbols.remove(unfollow.symbol());
        if (slot.symbols.isEmpty()) {
            getContext().stop(slot.actor);
            slots.remove(slot.id);
        } else {
            slot.actor.tell(new ConnectionActor.Unsubscribe(List.of(unfollow.symbol())));
        }
        sharding.entityRefFor(MarketActor.TYPE_KEY, MarketKey.of(venue.venue(), unfollow.symbol()).id())
                .tell(new MarketActor.Unfollow());
        unfollow.replyTo().tell(true);
        return this;
    }

    private Behavior<Command> onGetFollowed(GetFollowed get) {
        get.replyTo().tell(new Followed(venue.venue(), List.copyOf(slotBySymbol.keySet())));
        return this;
    }

    private Behavior<Command> onGetStatus(GetStatus get) {
        List<SocketStatus> sockets = new ArrayList<>();
        for (Slot slot : slots.values()) {
            SocketStatusUpdate s = slot.last;
            sockets.add(new SocketStatus(slot.id, s == null ? "connecting" : s.state(), slot.symbols.size(),
                    s == null ? 0 : s.connectedAt(), s == null ? 0 : s.lastMessageAt(),
                    s == null ? 0 : s.framesReceived(), s == null ? 0 : s.badFrames(),
                    Math.max(0, slot.starts - 1), slot.lastError, slot.lastErrorAt));
        }
        get.replyTo().tell(new VenueStatus(venue.venue(), true, venue.wsUrl(), slotBySymbol.size(), discovery, sockets));
        return this;
    }

    private Behavior<Command> onSocketStarting(SocketStarting starting) {
        Slot slot = slots.get(starting.socket());
        if (slot != null) {
            slot.starts++;
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
        return this;
    }

    private Behavior<Command> onSocketFailed(SocketFailed failed) {
        Slot slot = slots.get(failed.socket());
        if (slot != null) {
            slot.lastError = failed.reason();
            slot.lastErrorAt = System.currentTimeMillis();
        }
        return this;
    }

    private Behavior<Command> onResync(ResyncFromTopic fromTopic) {
        MarketKey market = fromTopic.request().market();
        int attempt = fromTopic.request().attempt();
        if (attempt <= 1) {
            escalatedResyncs.remove(market.symbol()); // a new episode: the market got a snapshot since
        }
        Slot slot = slotBySymbol.get(market.symbol());
        if (slot != null) {
            boolean mayEscalate = settings.resyncEscalateAfter() > 0 && attempt >= settings.resyncEscalateAfter()
                    && !escalatedResyncs.contains(market.symbol());
            slot.actor.tell(new ConnectionActor.Resync(market.symbol(), fromTopic.request().reason(), mayEscalate));
        }
        return this;
    }

    private Behavior<Command> onResyncEscalated(ResyncEscalated escalated) {
        escalatedResyncs.add(escalated.symbol());
        return this;
    }
}
