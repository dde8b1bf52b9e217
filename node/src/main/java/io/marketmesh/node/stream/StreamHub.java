package io.marketmesh.node.stream;

import io.marketmesh.node.instrument.InstrumentOutput;
import io.marketmesh.node.instrument.InstrumentsView;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.MarketFeed;
import io.marketmesh.node.subscription.FollowedMarkets;
import io.marketmesh.node.stream.ClosableWebSocket.CloseReason;
import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.InstrumentSummary;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * This node's fan-out of markets to its stream clients. It follows each market some local client wants once, whatever
 * node the market's actor runs on ({@link MarketActor.Watch}): the actor sends each change once to this node, and the
 * hub copies it to every client here, each through its own bounded buffer. It keeps a copy of each followed book, so a
 * new client gets its snapshot (or top-N view) at once and a client that fell behind gets a fresh one instead of the
 * changes it could not take. A market whose actor stops (moved by a rebalance, its node lost) is followed again through
 * sharding; its clients are told (continuity) and get the new actor's snapshot.
 *
 * <p>The hub's messages are its {@link Command}s, the markets' {@link MarketFeed} and the followed sets
 * ({@link Subscriptions.VenueSymbols}), which is why it is typed {@code Object}: every market actor and the
 * subscriptions actor reach it without an adapter in between.
 */
public final class StreamHub extends AbstractBehavior<Object> {

    public sealed interface Command permits Connect, Inbound, Disconnected, GetClients, Tick {
    }

    /** A client connected; {@code subscribe} are its channels from the start (a Server-Sent Events stream's). */
    record Connect(StreamClient client, List<StreamChannel> subscribe, int depth) implements Command {
    }

    /**
     * A message from a client: its text, or (text null) what was wrong with it.
     *
     * @param problem {@code message_too_large} or {@code bad_json} (a binary message) when {@code text} is null
     */
    record Inbound(long client, String text, String problem, String problemText) implements Command {
    }

    /** The client's stream ended (it closed, or its connection broke). */
    record Disconnected(long client, String reason) implements Command {
    }

    public record GetClients(ActorRef<ClientsReport> replyTo) implements Command {
    }

    private enum Tick implements Command {
        BEHIND, SECOND
    }

    private static final Duration BEHIND_CHECK = Duration.ofMillis(50);
    /** The close code of a client closed for its silence (an application code: RFC 6455 has none for it). */
    static final int IDLE = 4000;
    /** RFC 6455's "internal error": the hub failed and restarts. */
    static final int INTERNAL_ERROR = 1011;

    private final StreamSettings settings;
    private final FollowedMarkets followedMarkets;
    private final ClusterSharding sharding;
    private final ActorRef<MarketFeed> feed;
    private final Map<Long, StreamClient> clients = new HashMap<>();
    private final Map<MarketKey, MarketStream> markets = new HashMap<>();
    private final Map<ActorRef<?>, MarketStream> byActor = new HashMap<>();
    private final Set<MarketStream> awaitingSnapshot = new LinkedHashSet<>();
    /** Subscriptions of {@code <kind>:<venue>:*}, per venue, and of {@code all}: markets followed later join them. */
    private final Map<Venue, List<Subscription>> wildcards = new EnumMap<>(Venue.class);
    private final List<Subscription> everything = new ArrayList<>();
    /** The followed markets per venue as last told by the subscriptions actor. */
    private final Map<Venue, Set<String>> followed = new EnumMap<>(Venue.class);
    private final Set<StreamClient> behind = new LinkedHashSet<>();
    private final ClientCounters counters;
    private final InstrumentChannels instrumentChannels;

    /**
     * The hub, restarted after an unexpected failure (a bug: every known bad input is refused before it gets here): its
     * clients are closed with 1011 so they reconnect and subscribe again, and a new hub serves them. Stopping instead
     * would leave the node unable to stream until it restarts. Restarted at once, not after a backoff: a backoff
     * stashes what arrives meanwhile, at most {@code restart-stash-capacity} messages, and the closed clients' own
     * {@link Disconnected} alone can pass that, dropping the {@link Connect} of those that come back. The message that
     * failed is dropped. Its counters survive the restart.
     */
    public static Behavior<Object> create(StreamSettings settings, FollowedMarkets followedMarkets,
                                          ActorRef<Subscriptions.Command> subscriptions, InstrumentsView instruments,
                                          ActorRef<Topic.Command<InstrumentOutput>> instrumentOutputs) {
        ClientCounters counters = new ClientCounters();
        return Behaviors.supervise(hub(settings, followedMarkets, subscriptions, instruments, instrumentOutputs,
                counters)).onFailure(Exception.class, SupervisorStrategy.restart());
    }

    private static Behavior<Object> hub(StreamSettings settings, FollowedMarkets followedMarkets,
                                        ActorRef<Subscriptions.Command> subscriptions, InstrumentsView instruments,
                                        ActorRef<Topic.Command<InstrumentOutput>> instrumentOutputs,
                                        ClientCounters counters) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.BEHIND, BEHIND_CHECK);
            timers.startTimerWithFixedDelay(Tick.SECOND, Duration.ofSeconds(1));
            ActorRef<Subscriptions.VenueSymbols> self = context.getSelf().narrow();
            for (Venue venue : Venue.values()) {
                subscriptions.tell(new Subscriptions.Watch(venue, self));
            }
            Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(context.getSelf().narrow(),
                    ClusterEvent.ReachabilityEvent.class));
            return new StreamHub(context, settings, followedMarkets, instruments, instrumentOutputs, counters);
        }));
    }

    private StreamHub(ActorContext<Object> context, StreamSettings settings, FollowedMarkets followedMarkets,
                      InstrumentsView instruments, ActorRef<Topic.Command<InstrumentOutput>> instrumentOutputs,
                      ClientCounters counters) {
        super(context);
        this.settings = settings;
        this.counters = counters;
        this.followedMarkets = followedMarkets;
        this.sharding = ClusterSharding.get(context.getSystem());
        this.feed = context.getSelf().narrow();
        this.instrumentChannels = new InstrumentChannels(instruments, sharding, instrumentOutputs,
                context.getSelf().narrow(), context.getSelf().narrow(),
                MarketFeed.hostPort(context.getSystem().address()), this::deliverInstrument);
    }

    @Override
    public Receive<Object> createReceive() {
        return newReceiveBuilder()
                .onMessage(MarketFeed.Update.class, this::onUpdate)
                .onMessage(InstrumentOutput.Summary.class, m -> {
                    instrumentChannels.onSummary(m.summary(), false);
                    return this;
                })
                .onMessage(InstrumentOutput.Arbitrage.class, m -> {
                    instrumentChannels.onArbitrage(m.event());
                    return this;
                })
                .onMessage(InstrumentSummary.class, m -> {
                    instrumentChannels.onSummary(m, true);
                    return this;
                })
                .onMessage(MarketFeed.Snapshot.class, this::onSnapshot)
                .onMessage(Connect.class, this::onConnect)
                .onMessage(Inbound.class, this::onInbound)
                .onMessage(Disconnected.class, this::onDisconnected)
                .onMessage(Subscriptions.VenueSymbols.class, this::onFollowedChanged)
                .onMessage(GetClients.class, get -> {
                    get.replyTo().tell(ClientsReport.of(clients.values(), markets.size(), counters));
                    return this;
                })
                .onMessageEquals(Tick.BEHIND, this::onBehindCheck)
                .onMessageEquals(Tick.SECOND, this::onSecond)
                .onMessage(ClusterEvent.UnreachableMember.class, m -> onReachability(m.member(), false))
                .onMessage(ClusterEvent.ReachableMember.class, m -> onReachability(m.member(), true))
                .onSignal(Terminated.class, this::onActorStopped)
                .onSignal(PreRestart.class, restart -> {
                    beforeRestart();
                    return this;
                })
                .build();
    }

    // ---- clients

    private Behavior<Object> onConnect(Connect connect) {
        StreamClient client = connect.client();
        clients.put(client.id, client);
        counters.connected++;
        for (StreamChannel channel : connect.subscribe()) {
            subscribe(client, channel, connect.depth());
        }
        return this;
    }

    private Behavior<Object> onDisconnected(Disconnected gone) {
        StreamClient client = clients.remove(gone.client());
        if (client != null) {
            if (!client.closed) {
                client.closed = true;
                counters.disconnected(gone.reason());
            }
            dropClient(client);
        }
        return this;
    }

    private Behavior<Object> onInbound(Inbound inbound) {
        StreamClient client = clients.get(inbound.client());
        if (client == null || client.closed) {
            return this;
        }
        client.lastHeardNanos = System.nanoTime();
        if (inbound.text() == null) {
            reply(client, StreamMessages.error(null, inbound.problem(), inbound.problemText()));
            return this;
        }
        ClientRequest request;
        try {
            request = ClientRequest.parse(inbound.text());
        } catch (ClientRequest.Refused refused) {
            reply(client, StreamMessages.error(refused.id, refused.code, refused.getMessage()));
            return this;
        }
        switch (request.op()) {
            case "ping" -> reply(client, StreamMessages.pong(request.id()));
            case "subscribe" -> onSubscribe(client, request);
            case "unsubscribe" -> onUnsubscribe(client, request);
            default -> reply(client, StreamMessages.error(request.id(), "unknown_op",
                    "unknown op '" + io.marketmesh.node.security.ClientText.quote(request.op()) + "'"
                            + " (subscribe, unsubscribe, ping)"));
        }
        return this;
    }

    private void onSubscribe(StreamClient client, ClientRequest request) {
        int depth = request.depth();
        if (depth < 0 || depth > settings.maxDepth()) {
            reply(client, StreamMessages.error(request.id(), "bad_depth",
                    "depth must be an integer from 1 to " + settings.maxDepth() + " (or absent: the whole book)"));
            return;
        }
        Set<String> names = new LinkedHashSet<>(request.channels());
        if (client.subscriptions.size() + names.size() > settings.maxSubscriptions()) {
            reply(client, StreamMessages.error(request.id(), "too_many_subscriptions", "a client may hold "
                    + settings.maxSubscriptions() + " subscriptions; it holds " + client.subscriptions.size()
                    + " and asked for " + names.size() + " more"));
            return;
        }
        List<StreamChannel> channels = new ArrayList<>();
        for (String name : names) {
            StreamChannel channel;
            try {
                channel = StreamChannel.parse(name);
            } catch (StreamChannel.BadChannel bad) {
                reply(client, StreamMessages.error(request.id(), "bad_channel", bad.getMessage()));
                return;
            }
            if (client.subscriptions.containsKey(name)) {
                reply(client, StreamMessages.error(request.id(), "already_subscribed",
                        "already subscribed to '" + name + "' (unsubscribe first to change its depth)"));
                return;
            }
            if (channel.forInstruments()) {
                String problem = instrumentChannels.problem(channel);
                if (problem != null) {
                    reply(client, StreamMessages.error(request.id(), "unknown_instrument", problem));
                    return;
                }
            } else if (channel.kind() != StreamChannel.Kind.ALL && !channel.wildcard()
                    && !followedMarkets.contains(channel.venue(), channel.symbol())) {
                reply(client, StreamMessages.error(request.id(), "unknown_market", "'" + name + "': "
                        + channel.market().id() + " is not followed by this cluster (POST /api/v1/subscriptions)"));
                return;
            }
            channels.add(channel);
        }
        // Said before any data, so a client knows its subscription's messages from the first.
        if (!reply(client, StreamMessages.subscribed("subscribed", request.id(), request.channels()))) {
            return;
        }
        for (StreamChannel channel : channels) {
            subscribe(client, channel, depth);
        }
    }

    private void onUnsubscribe(StreamClient client, ClientRequest request) {
        for (String name : request.channels()) {
            if (!client.subscriptions.containsKey(name)) {
                reply(client, StreamMessages.error(request.id(), "not_subscribed", "not subscribed to '" + name + "'"));
                return;
            }
        }
        for (String name : request.channels()) {
            Subscription subscription = client.subscriptions.remove(name);
            if (subscription != null) {
                unsubscribe(subscription);
            }
        }
        reply(client, StreamMessages.subscribed("unsubscribed", request.id(), request.channels()));
    }

    private void subscribe(StreamClient client, StreamChannel channel, int depth) {
        Subscription subscription = new Subscription(client, channel, channel.kind() == StreamChannel.Kind.BOOK
                || channel.kind() == StreamChannel.Kind.ALL ? depth : 0);
        client.subscriptions.put(channel.name(), subscription);
        if (channel.forInstruments()) {
            instrumentChannels.subscribe(subscription);
        } else if (channel.kind() == StreamChannel.Kind.ALL) {
            everything.add(subscription);
            followed.forEach((venue, symbols) -> symbols.forEach(s -> attach(subscription, MarketKey.of(venue, s))));
        } else if (channel.wildcard()) {
            wildcards.computeIfAbsent(channel.venue(), v -> new ArrayList<>()).add(subscription);
            followed.getOrDefault(channel.venue(), Set.of()).forEach(s -> attach(subscription, MarketKey.of(channel.venue(), s)));
        } else {
            attach(subscription, channel.market());
        }
    }

    private void unsubscribe(Subscription subscription) {
        everything.remove(subscription);
        if (subscription.channel.forInstruments()) {
            instrumentChannels.unsubscribe(subscription);
        }
        if (subscription.channel.venue() != null) {
            List<Subscription> venueWide = wildcards.get(subscription.channel.venue());
            if (venueWide != null) {
                venueWide.remove(subscription);
            }
        }
        for (MarketStream market : List.copyOf(subscription.attached)) {
            detach(subscription, market);
        }
        subscription.client.forget(subscription);
    }

    private void dropClient(StreamClient client) {
        behind.remove(client);
        for (Subscription subscription : client.subscriptions.values()) {
            unsubscribe(subscription);
        }
        client.subscriptions.clear();
        counters.gone(client);
    }

    /**
     * The hub failed and restarts empty: its clients' subscriptions go with it, so each is closed and told to come
     * back, and the markets it followed stop sending it their changes (the restarted hub keeps this ref).
     */
    private void beforeRestart() {
        getContext().getLog().error("stream hub restarting after a failure: closing its {} client(s), unfollowing {} "
                + "market(s)", clients.size(), markets.size());
        CloseReason why = new CloseReason(INTERNAL_ERROR, "the node's stream hub failed and restarts: reconnect and "
                + "subscribe again");
        for (StreamClient client : clients.values()) {
            close(client, why, "hub restarted");
            counters.gone(client);
        }
        clients.clear();
        for (MarketStream market : markets.values()) {
            if (market.actor != null) {
                getContext().unwatch(market.actor);
            }
            // Through sharding, the way the next hub's Watch of the market goes: the two cannot overtake each other.
            sharding.entityRefFor(MarketActor.TYPE_KEY, market.market.id()).tell(new MarketActor.Unwatch(feed));
        }
        instrumentChannels.leaveTopic();
    }

    private void close(StreamClient client, CloseReason why, String counted) {
        if (client.closed) {
            return;
        }
        client.closed = true;
        counters.disconnected(counted);
        getContext().getLog().info("stream client {} ({}) closed: {}", client.id, client.remote, why.reason());
        client.close.complete(why);
    }

    /** A control reply: never conflated; a client with no room for one is too slow to keep. */
    private boolean reply(StreamClient client, Outgoing message) {
        if (client.offer(message)) {
            return true;
        }
        if (client.ended) {
            return false;
        }
        close(client, CloseReason.policyViolation("too slow: its buffer of " + settings.bufferMessages()
                + " messages is full"), "too slow");
        return false;
    }

    // ---- markets

    private void attach(Subscription subscription, MarketKey key) {
        MarketStream market = markets.get(key);
        if (market == null) {
            market = new MarketStream(key);
            markets.put(key, market);
            askFeed(market);
        }
        if (subscription.attached.contains(market)) {
            return;
        }
        market.subscribers.add(subscription);
        subscription.attached.add(market);
        if (subscription.wantsBook() && market.synced) {
            deliver(subscription, market, StreamMessages.snapshot(market, subscription.depth), "book_snapshot", true);
        }
    }

    private void detach(Subscription subscription, MarketStream market) {
        market.subscribers.remove(subscription);
        subscription.attached.remove(market);
        if (market.subscribers.isEmpty()) {
            markets.remove(market.market);
            awaitingSnapshot.remove(market);
            if (market.actor != null) {
                market.actor.tell(new MarketActor.Unwatch(feed));
                getContext().unwatch(market.actor);
                byActor.remove(market.actor);
            }
        }
    }

    /** Asks the market's actor, wherever it runs now, for its feed: a snapshot comes back, then its changes. */
    private void askFeed(MarketStream market) {
        market.synced = false;
        market.askedAtNanos = System.nanoTime();
        awaitingSnapshot.add(market);
        sharding.entityRefFor(MarketActor.TYPE_KEY, market.market.id()).tell(new MarketActor.Watch(feed));
    }

    private Behavior<Object> onSnapshot(MarketFeed.Snapshot snapshot) {
        MarketStream market = markets.get(snapshot.market());
        if (market == null) {
            // No client wants it any more.
            snapshot.actor().tell(new MarketActor.Unwatch(feed));
            return this;
        }
        if (market.synced && snapshot.run() == market.run && snapshot.lastUpdate() == market.lastUpdate) {
            // The answer to a second ask (asked again while the first waited for its shard): clients have this book.
            awaitingSnapshot.remove(market);
            return this;
        }
        if (market.actor != null && !market.actor.equals(snapshot.actor())) {
            getContext().unwatch(market.actor);
            byActor.remove(market.actor);
        }
        String healed = market.staleSaidByHub;
        market.reset(snapshot);
        awaitingSnapshot.remove(market);
        getContext().watch(market.actor);
        byActor.put(market.actor, market);
        if (!market.synced) {
            getContext().getLog().warn("{}: the feed's snapshot could not be copied; asking again", market.market);
            askFeed(market);
            return this;
        }
        if (healed != null && market.stale && market.book.isEmpty()) {
            // A moved market's new actor has no book yet: clients keep their last one, already told it is stale, until
            // the venue's snapshot (a client subscribing meanwhile gets this empty, stale one).
            market.staleSaidByHub = healed;
            return this;
        }
        String whole = null;
        for (Subscription subscription : List.copyOf(market.subscribers)) {
            if (subscription.wantsBook()) {
                String message;
                if (subscription.depth == 0) {
                    whole = whole != null ? whole : StreamMessages.snapshot(market, 0);
                    message = whole;
                } else {
                    message = StreamMessages.snapshot(market, subscription.depth);
                }
                deliver(subscription, market, message, "book_snapshot", true);
            }
        }
        if (healed != null && !market.stale) {
            // The hub said the book went stale (its actor stopped): the fresh snapshot is its resync, said as such.
            long now = System.currentTimeMillis();
            fanOut(market, Channel.CONTINUITY, StreamMessages.record(market, Channel.CONTINUITY, now,
                    new Continuity(market.market.venue(), market.market, Continuity.Kind.BOOK_RESYNCED,
                            "fresh snapshot after: " + healed, now)), "book_resynced", false);
        } else if (healed != null) {
            market.staleSaidByHub = healed;
        }
        return this;
    }

    private Behavior<Object> onUpdate(MarketFeed.Update update) {
        counters.feedUpdatesReceived++;
        MarketStream market = markets.get(update.market());
        if (market == null || !market.synced || update.run() != market.run) {
            // Not wanted, waiting for a snapshot, or from an actor that has been replaced: the snapshot covers it.
            return this;
        }
        if (update.number() != market.lastUpdate + 1) {
            getContext().getLog().warn("{}: feed update {} arrived after {}: a message was lost on the way; asking for "
                    + "a fresh snapshot", market.market, update.number(), market.lastUpdate);
            askFeed(market);
            return this;
        }
        market.lastUpdate = update.number();
        market.bookSequence = update.bookSequence();
        switch (update.channel()) {
            case BOOK -> {
                if (update.event() instanceof BookDelta delta) {
                    onDelta(market, delta);
                } else if (update.event() instanceof BookReset reset) {
                    market.book.clear();
                    market.stale = true;
                    market.staleReason = reset.reason();
                    // Never conflated: a client behind may get no snapshot to replace it (the market unfollowed), and
                    // must not keep the book it holds as fresh.
                    fanOut(market, Channel.BOOK, StreamMessages.record(market, Channel.BOOK, update.receivedTimestamp(),
                            reset), "book_reset", false);
                }
            }
            case CONTINUITY -> {
                Continuity continuity = update.continuity();
                if (continuity.kind() == Continuity.Kind.BOOK_STALE) {
                    market.stale = true;
                    market.staleReason = continuity.reason();
                }
                fanOut(market, Channel.CONTINUITY, StreamMessages.record(market, Channel.CONTINUITY,
                        update.receivedTimestamp(), continuity), continuity.kind().name().toLowerCase(), false);
            }
            default -> fanOut(market, update.channel(), StreamMessages.record(market, update.channel(),
                    update.receivedTimestamp(), update.event()), eventType(update.channel()), false);
        }
        return this;
    }

    private void onDelta(MarketStream market, BookDelta delta) {
        int window = market.deepestWindow();
        List<PriceLevel> bidsBefore = window > 0 ? market.bids(window) : null;
        List<PriceLevel> asksBefore = window > 0 ? market.asks(window) : null;
        if (!market.apply(delta)) {
            getContext().getLog().warn("{}: a feed change does not apply to the copied book; asking for a fresh "
                    + "snapshot", market.market);
            askFeed(market);
            return;
        }
        String whole = null;
        Map<Integer, String> windows = null;
        List<PriceLevel> bidsAfter = window > 0 ? market.bids(window) : null;
        List<PriceLevel> asksAfter = window > 0 ? market.asks(window) : null;
        List<Subscription> subscribers = market.subscribers;
        for (int i = 0; i < subscribers.size(); i++) {
            Subscription subscription = subscribers.get(i);
            if (!subscription.wantsBook()) {
                continue;
            }
            String message;
            if (subscription.depth == 0) {
                if (whole == null) {
                    whole = StreamMessages.record(market, Channel.BOOK, delta.receivedAt(), delta);
                }
                message = whole;
            } else {
                if (windows == null) {
                    windows = new HashMap<>(4);
                }
                message = windows.computeIfAbsent(subscription.depth, depth -> {
                    var changed = BookWindow.diff(bidsBefore, bidsAfter, asksBefore, asksAfter, depth);
                    return changed.isEmpty() ? "" : StreamMessages.record(market, Channel.BOOK, delta.receivedAt(),
                            new BookDelta(market.market, BookDelta.Mode.ABSOLUTE, changed, delta.venueSequence(),
                                    delta.venueTimestamp(), delta.receivedAt()));
                });
                if (message.isEmpty()) {
                    // The change was below this client's window.
                    continue;
                }
            }
            deliver(subscription, market, message, "book_delta", true);
        }
    }

    private void fanOut(MarketStream market, Channel channel, String record, String event, boolean book) {
        List<Subscription> subscribers = market.subscribers;
        for (int i = 0; i < subscribers.size(); i++) {
            Subscription subscription = subscribers.get(i);
            if (subscription.carries(channel)) {
                deliver(subscription, market, record, event, book);
            }
        }
    }

    /**
     * Queues one message for one subscription. A book message for a client that is behind is held back (the client
     * gets a fresh snapshot when it has caught up); any other message that finds the buffer full closes the client.
     */
    private void deliver(Subscription subscription, MarketStream market, String record, String event, boolean book) {
        StreamClient client = subscription.client;
        if (client.closed || client.ended) {
            return;
        }
        if (book) {
            if (client.behind) {
                client.conflate(subscription, market);
                return;
            }
            if (client.queued() >= settings.conflateAbove()) {
                fallBehind(client, subscription, market);
                return;
            }
        }
        // Book changes are timed from their venue frame to the client's socket (StreamClient#render).
        long timed = book && event.equals("book_delta") ? market.receivedAt : 0;
        if (client.offer(new Outgoing(event, record, subscription, timed))) {
            return;
        }
        if (client.ended) {
            // It left (not too slow): its Disconnected lets it go.
            return;
        }
        if (book) {
            fallBehind(client, subscription, market);
        } else {
            close(client, CloseReason.policyViolation("too slow: its buffer of " + settings.bufferMessages()
                    + " messages is full"), "too slow");
        }
    }

    /**
     * Queues one instrument message. A summary (complete state) is skipped for a client that is behind, counted as a
     * conflation: the next one carries everything. An arbitrage step that finds the buffer full closes the client.
     */
    private void deliverInstrument(Subscription subscription, String record, String event, boolean skippable) {
        StreamClient client = subscription.client;
        if (client.closed || client.ended) {
            return;
        }
        if (skippable && (client.behind || client.queued() >= settings.conflateAbove())) {
            client.conflations++;
            return;
        }
        if (client.offer(new Outgoing(event, record, subscription, 0)) || client.ended) {
            return;
        }
        if (!skippable) {
            close(client, CloseReason.policyViolation("too slow: its buffer of " + settings.bufferMessages()
                    + " messages is full"), "too slow");
        }
    }

    private void fallBehind(StreamClient client, Subscription subscription, MarketStream market) {
        if (settings.closeWhenFull()) {
            close(client, CloseReason.policyViolation("too slow: more than " + settings.conflateAbove()
                    + " messages waiting"), "too slow");
            return;
        }
        client.behind = true;
        client.behindSinceNanos = System.nanoTime();
        behind.add(client);
        client.conflate(subscription, market);
    }

    private Behavior<Object> onBehindCheck() {
        if (behind.isEmpty()) {
            return this;
        }
        long now = System.nanoTime();
        long closeAfter = settings.slowClientCloseAfter().toNanos();
        for (StreamClient client : List.copyOf(behind)) {
            if (client.closed) {
                behind.remove(client);
            } else if (client.queued() <= settings.resumeBelow()) {
                catchUp(client);
            } else if (closeAfter > 0 && now - client.behindSinceNanos > closeAfter) {
                behind.remove(client);
                close(client, CloseReason.policyViolation("too slow: behind for more than "
                        + settings.slowClientCloseAfter().toSeconds() + " s"), "too slow");
            }
        }
        return this;
    }

    /** The client has room again: each book it missed changes of comes as one fresh snapshot. */
    private void catchUp(StreamClient client) {
        behind.remove(client);
        client.behind = false;
        List<StreamClient.Conflated> missed = List.copyOf(client.conflated);
        client.conflated.clear();
        for (StreamClient.Conflated c : missed) {
            Subscription subscription = c.subscription();
            MarketStream market = c.market();
            if (client.subscriptions.get(subscription.channel.name()) == subscription
                    && subscription.attached.contains(market) && market.synced) {
                client.conflations++;
                counters.conflations++;
                deliver(subscription, market, StreamMessages.snapshot(market, subscription.depth), "book_snapshot",
                        true);
            }
        }
    }

    private Behavior<Object> onSecond() {
        long now = System.nanoTime();
        long idle = settings.idleTimeout().toNanos();
        if (idle > 0) {
            for (StreamClient client : List.copyOf(clients.values())) {
                // A client reading its subscriptions is not idle, whether or not it pings.
                if (!client.sse && !client.closed && client.subscriptions.isEmpty()
                        && now - client.lastHeardNanos > idle) {
                    close(client, new CloseReason(IDLE, "idle: no subscription and nothing received for "
                            + settings.idleTimeout().toSeconds() + " s"), "idle");
                }
            }
        }
        long resubscribeAfter = settings.resubscribeAfter().toNanos();
        for (MarketStream market : List.copyOf(awaitingSnapshot)) {
            if (now - market.askedAtNanos > resubscribeAfter) {
                if (followedMarkets.contains(market.market.venue(), market.market.symbol())) {
                    askFeed(market);
                } else {
                    awaitingSnapshot.remove(market);
                }
            }
        }
        return this;
    }

    private Behavior<Object> onActorStopped(Terminated stopped) {
        MarketStream market = byActor.remove(stopped.getRef());
        if (market == null || markets.get(market.market) != market) {
            return this;
        }
        market.actor = null;
        market.synced = false;
        if (followedMarkets.contains(market.market.venue(), market.market.symbol()) && market.staleSaidByHub != null) {
            // Already said (its node became unreachable first): follow it again, silently.
            askFeed(market);
        } else if (followedMarkets.contains(market.market.venue(), market.market.symbol())) {
            String reason = "the market's actor on " + market.source
                    + " stopped (moved to another node, or its node left); following it again";
            market.stale = true;
            market.staleReason = reason;
            market.staleSaidByHub = reason;
            long now = System.currentTimeMillis();
            fanOut(market, Channel.CONTINUITY, StreamMessages.record(market, Channel.CONTINUITY, now,
                    new Continuity(market.market.venue(), market.market, Continuity.Kind.BOOK_STALE, reason, now)),
                    "book_stale", false);
            askFeed(market);
        } else {
            // Unfollowed: wildcard subscriptions let it go (they take it again if it is followed again).
            for (Subscription subscription : List.copyOf(market.subscribers)) {
                if (subscription.channel.wildcard() || subscription.channel.kind() == StreamChannel.Kind.ALL) {
                    detach(subscription, market);
                }
            }
        }
        return this;
    }

    /**
     * A node holding markets this hub follows became unreachable: nothing comes from it, and nothing says whether its
     * books still change, so their clients are told they are stale now rather than when the node is downed (a fresh
     * snapshot heals them: the actor's, asked again when the node is reachable, or the new actor's after it moved).
     */
    private Behavior<Object> onReachability(Member member, boolean reachable) {
        String node = MarketFeed.hostPort(member.address());
        for (MarketStream market : List.copyOf(markets.values())) {
            if (!node.equals(market.source) || market.actor == null) {
                continue;
            }
            if (!reachable && market.synced && market.staleSaidByHub == null) {
                String reason = "the node holding the market (" + node + ") is unreachable";
                market.stale = true;
                market.staleReason = reason;
                market.staleSaidByHub = reason;
                long now = System.currentTimeMillis();
                fanOut(market, Channel.CONTINUITY, StreamMessages.record(market, Channel.CONTINUITY, now,
                        new Continuity(market.market.venue(), market.market, Continuity.Kind.BOOK_STALE, reason, now)),
                        "book_stale", false);
            } else if (reachable && market.staleSaidByHub != null && !awaitingSnapshot.contains(market)) {
                askFeed(market);
            }
        }
        return this;
    }

    private Behavior<Object> onFollowedChanged(Subscriptions.VenueSymbols now) {
        Set<String> before = followed.getOrDefault(now.venue(), Set.of());
        followed.put(now.venue(), now.symbols());
        List<Subscription> venueWide = wildcards.getOrDefault(now.venue(), List.of());
        for (String symbol : now.symbols()) {
            if (before.contains(symbol)) {
                continue;
            }
            MarketKey key = MarketKey.of(now.venue(), symbol);
            venueWide.forEach(s -> attach(s, key));
            everything.forEach(s -> attach(s, key));
            MarketStream market = markets.get(key);
            if (market != null && market.actor == null && !awaitingSnapshot.contains(market)) {
                // Followed again: explicit subscriptions kept waiting for it.
                askFeed(market);
            }
        }
        return this;
    }

    private static String eventType(Channel channel) {
        return switch (channel) {
            case TRADES -> "trade";
            case TICKERS -> "ticker";
            case STATUS -> "status";
            default -> channel.name().toLowerCase();
        };
    }

    /** Totals over every client this node has served. */
    static final class ClientCounters {
        long connected;
        long messagesOfGone;
        long bytesOfGone;
        long conflations;
        /** Updates taken from market actors: one per change of a followed market, whatever its clients here. */
        long feedUpdatesReceived;
        final Map<String, Long> disconnects = new TreeMap<>();

        void disconnected(String reason) {
            disconnects.merge(reason, 1L, Long::sum);
        }

        void gone(StreamClient client) {
            messagesOfGone += client.messages.get();
            bytesOfGone += client.characters.get();
        }
    }
}
