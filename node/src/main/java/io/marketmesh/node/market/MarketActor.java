package io.marketmesh.node.market;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.metrics.VenueCounters;
import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.BookView;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketState;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The one owner of a market's book: a cluster-sharded entity with id {@code venue:symbol}.
 *
 * <p>It applies snapshots and deltas (each whole or not at all), keeps last trade, ticker and lifecycle, and guards
 * integrity: a negative level, a failed check of what the venue promised ({@link io.marketmesh.protocol.BookClaim}:
 * top of book, checksum), a gap reported by the connection or a lost connection make the book {@link BookState#STALE}
 * (still served, flagged), changes are ignored until a fresh snapshot arrives, and a snapshot is requested over the
 * venue's resync topic, again with backoff while none comes. A market that has never had a snapshot asks for one on
 * its first message.
 *
 * <p>When its market is unfollowed, the socket that fed it sends {@link Unfollow} after it stopped routing to it (the
 * same sender, so nothing it sent before can arrive after): the actor tells Kafka consumers to drop the book and
 * passivates. An actor re-created by a stray message for an unfollowed market asks for a snapshot like any new one;
 * the worker that would carry the market answers {@link NotFollowed}, and it passivates again.
 */
public final class MarketActor extends AbstractBehavior<MarketActor.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Market");

    /** Where the book stands; every other field's meaning follows from it. */
    enum BookState {
        /** No book yet: a new actor waiting for the venue's first snapshot (a book from Kafka may come first). */
        EMPTY,
        /** Serving the last book published to Kafka, flagged stale, until the venue's snapshot replaces it. */
        BOOTSTRAPPED,
        /** The venue's book, kept exact by its changes: served fresh. */
        LIVE,
        /** The venue's book, no longer trusted (gap, failed check, lost connection): served stale until a snapshot. */
        STALE,
        /** The venue dropped the book (a reset): empty until its next snapshot; a book from Kafka is known wrong. */
        RESET,
        /** No longer followed: passivating, deaf to the venue. */
        UNFOLLOWED;

        boolean hasBook() {
            return this == BOOTSTRAPPED || this == LIVE || this == STALE;
        }

        /** Served flagged stale (the node's per-venue tally of stale books counts it); an unfollowed one is leaving. */
        boolean servedStale() {
            return this != LIVE && this != UNFOLLOWED;
        }
    }

    public sealed interface Command extends CborSerializable
            permits Apply, Bootstrap, MarkStale, GetState, GetBook, Unfollow, NotFollowed, Locate, Watch, Unwatch, WatchTop, UnwatchTop, Stop,
            Timer, RecordsLost {
    }

    /**
     * A parsed venue change for this market.
     *
     * @param receivedNanos {@code System.nanoTime()} when its frame was received, for the node's latency metrics;
     *                      0 when unknown. Only meaningful in the JVM that stamped it, so never serialized: a message
     *                      sent to another node arrives with 0 and is not timed.
     * @param worker        the index of the connection worker whose socket sent it; -1 when unknown
     * @param socket        the venue socket it came from (socket ids are unique per venue); -1 when unknown
     * @param generation    that socket actor's incarnation on its node (a restarted socket has a new one); 0: unknown
     * @param route         that socket incarnation's numbering of its messages to this market (random, unique per
     *                      socket incarnation in the cluster; 0: not numbered), and {@code seq} this message's number
     *                      in it, so that a message lost or overtaken on the way is noticed, and so that only the
     *                      book's writer changes it ({@link SocketOrder})
     */
    public record Apply(MarketEvent event, @JsonIgnore long receivedNanos, int worker, int socket, long generation,
                        long route, long seq) implements Command {

        public Apply(MarketEvent event) {
            this(event, 0, -1);
        }

        public Apply(MarketEvent event, long receivedNanos, int socket) {
            this(event, receivedNanos, socket, 0, 0);
        }

        public Apply(MarketEvent event, long receivedNanos, int socket, long route, long seq) {
            this(event, receivedNanos, -1, socket, 0, route, seq);
        }
    }

    /**
     * A book an earlier run of the node published to Kafka ({@code publishedAt}, epoch ms). Served, flagged stale
     * and bootstrapped, until the venue's own snapshot replaces it; ignored once the venue has said anything.
     */
    public record Bootstrap(BookSnapshot book, long publishedAt) implements Command {
    }

    /**
     * The connection cannot vouch for this book any more (gap, lost socket); it has asked for a snapshot.
     *
     * @param route the numbering of the socket that says so ({@link Apply#route}): a socket that is not the book's
     *              writer cannot vouch for it either way and is not heeded; 0 (a worker stopped or lost, not one
     *              socket): heeded, as {@code node} says
     * @param node  with {@code route} 0: the {@link SocketRoutes#nodeTag tag} of the node whose sockets were lost or
     *              stopped; heeded only while the writer is one of them (a socket elsewhere that took the book over
     *              since vouches for it); 0: always heeded
     */
    public record MarkStale(String reason, long route, int node) implements Command {

        public MarkStale(String reason) {
            this(reason, 0, 0);
        }

        public MarkStale(String reason, long route) {
            this(reason, route, 0);
        }

        /** Every socket of the node tagged {@code node} is gone or going: books they wrote cannot be trusted. */
        public static MarkStale socketsOf(int node, String reason) {
            return new MarkStale(reason, 0, node);
        }
    }

    public record GetState(ActorRef<MarketState> replyTo) implements Command {
    }

    public record GetBook(int depth, ActorRef<BookView> replyTo) implements Command {
    }

    /**
     * The market is no longer followed; sent by the socket that carried it, after it stopped routing to it. A LIVE book
     * whose writer is another socket (the market was followed again meanwhile and went elsewhere, or two workers fed
     * it across a partition) ignores it.
     *
     * @param socket the socket that sends it; -1 for any
     * @param route  that socket incarnation's numbering ({@link Apply#route}); 0 when unknown (then the socket id is
     *               compared)
     */
    public record Unfollow(int socket, long route) implements Command {

        public Unfollow() {
            this(-1, 0);
        }

        public Unfollow(int socket) {
            this(socket, 0);
        }
    }

    /**
     * From a socket routing this market's messages through the shard region: where does the actor run? One in the
     * socket's JVM answers {@link Located} with its own ref, so the socket can skip the region and the shard.
     *
     * @param sent  the messages the socket had sent through the region, this one included: echoed, it shows whether
     *              any are still on their way
     * @param token the asking socket incarnation's, echoed
     */
    public record Locate(long sent, long token, ActorRef<Located> replyTo) implements Command {
    }

    /** The answer to {@link Locate}: only ever sent within one JVM. */
    public record Located(MarketKey market, ActorRef<Command> actor, long sent, long token) {
    }

    /**
     * From a node's stream hub: send it this market live ({@link MarketFeed}): a snapshot now, then every change. Asking
     * again (it missed an update) gets a fresh snapshot. The actor watches the follower and forgets it when it stops.
     */
    public record Watch(ActorRef<MarketFeed> follower) implements Command {
    }

    /** The follower no longer wants the market. */
    public record Unwatch(ActorRef<MarketFeed> follower) implements Command {
    }

    /**
     * From an instrument actor: send it this market's top {@code depth} levels a side ({@link MarketTop}) now and
     * whenever they change (or the book's trust does). Asking again gets the top again. The actor watches the follower
     * and forgets it when it stops.
     */
    public record WatchTop(ActorRef<MarketTop> follower, int depth) implements Command {
    }

    /** The follower of the top no longer wants it. */
    public record UnwatchTop(ActorRef<MarketTop> follower) implements Command {
    }

    /** From the worker that would carry this market, answering a resync request: it does not follow it. */
    public record NotFollowed() implements Command {
    }

    /** The shard's stop message, once it has agreed to passivate this actor. */
    public enum Stop implements Command {
        INSTANCE
    }

    private enum Timer implements Command {
        RESYNC, SNAPSHOT, UNFOLLOWED_RETRY
    }

    /** The publisher may have lost records this market handed over (only ever sent locally). */
    private enum RecordsLost implements Command {
        INSTANCE
    }

    /**
     * What every MarketActor of a node shares.
     *
     * @param publisher        where records go ({@link MarketPublisher#NONE}: nowhere)
     * @param snapshotInterval how often a market with changes republishes its full book (when publishing)
     * @param bookSource       asked for the last published book whenever a MarketActor starts on this node
     */
    public record Dependencies(ResyncTopics resyncTopics, MarketSettings settings, MarketPublisher publisher,
                               Duration snapshotInterval, BookSource bookSource) {

        /** Markets that publish nothing and start empty: a node without Kafka. */
        public static Dependencies withoutKafka(ResyncTopics resyncTopics, MarketSettings settings) {
            return new Dependencies(resyncTopics, settings, MarketPublisher.NONE, Duration.ofMinutes(1), BookSource.NONE);
        }
    }

    /**
     * @param shards     entity id to shard id: which markets share a shard
     * @param allocation where each shard runs
     */
    public static void initSharding(ActorSystem<?> system, Dependencies dependencies,
                                    ShardingMessageExtractor<ShardingEnvelope<Command>, Command> shards,
                                    ShardCoordinator.ShardAllocationStrategy allocation) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, entityContext -> create(
                        MarketKey.parse(entityContext.getEntityId()), dependencies, entityContext.getShard()))
                .withMessageExtractor(shards)
                .withAllocationStrategy(allocation)
                .withStopMessage(Stop.INSTANCE));
    }

    /** @param shard the shard to ask for passivation; null outside sharding (the actor then simply stops) */
    public static Behavior<Command> create(MarketKey market, Dependencies dependencies,
                                           ActorRef<ClusterSharding.ShardCommand> shard) {
        return Behaviors.setup(context -> {
            // New here (node start, or moved by a rebalance): the last published book serves until the venue's.
            dependencies.bookSource().request(market, context.getSelf());
            return Behaviors.withTimers(timers -> new MarketActor(context, timers, market, dependencies, shard));
        });
    }

    private final TimerScheduler<Command> timers;
    private final MarketKey market;
    private final Dependencies dependencies;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final OrderBook book = new OrderBook();
    /** Why a resync was wanted when the backoff made it wait; sent with it when the timer asks. */
    private String delayedResyncReason;
    private final BookVerifier verifier = new BookVerifier();
    private final BookPublication publication;
    private final FeedFollowers feed;
    private final TopFollowers tops;
    private final MarketCounters counters = new MarketCounters();
    /** The venue's counters on this node ({@code GET /metrics}). */
    private final VenueCounters venueCounters;
    /** Counted as a resync requested and not yet healed ({@link #moveTo}). */
    private boolean inResyncEpisode;
    private final NodeMetrics metrics;

    private BookState state = BookState.EMPTY;
    private String staleReason = "no snapshot yet";
    /** When the book served came from Kafka (BOOTSTRAPPED): its publish time. */
    private long bootstrappedFrom;
    /** Levels per side the venue keeps in this book (its latest snapshot's window); 0 = the whole book. */
    private int depthLimit;

    private final ResyncSchedule resync;
    /** The socket whose snapshot the book is (-1: unknown). */
    private int feedingSocket = -1;
    /** The book's writer (the socket whose snapshot it is) and the order of its messages. */
    private final SocketOrder order = new SocketOrder();
    /** The non-writer socket whose dropped changes were last said in the log (0: none), so each is said once. */
    private long dropLoggedRoute;

    private MarketStatus status = MarketStatus.UNKNOWN;
    private Trade lastTrade;
    private Ticker ticker;
    /** Changes applied to this book since this actor started. */
    private long sequence;
    private long venueSequence;
    private long venueTimestamp;
    private long updatedAt;
    private long snapshotAt;

    private MarketActor(ActorContext<Command> context, TimerScheduler<Command> timers, MarketKey market,
                        Dependencies dependencies, ActorRef<ClusterSharding.ShardCommand> shard) {
        super(context);
        this.timers = timers;
        this.market = market;
        this.dependencies = dependencies;
        this.shard = shard;
        this.metrics = NodeMetrics.get(context.getSystem());
        this.venueCounters = metrics.venue(market.venue());
        metrics.onMarketActorStarted();
        venueCounters.onBook(true);
        metrics.onBookStale(market.venue(), state.servedStale());
        ActorRef<Command> self = context.getSelf();
        this.publication = new BookPublication(market, dependencies.publisher(), () -> self.tell(RecordsLost.INSTANCE));
        // The system's address is its cluster member's: a unit test's actor, without a cluster, can have followers too.
        this.feed = new FeedFollowers(market, self, () -> MarketFeed.hostPort(context.getSystem().address()),
                () -> sequence);
        this.tops = new TopFollowers(market, self);
        this.resync = new ResyncSchedule(dependencies.settings());
        if (publication.enabled()) {
            timers.startTimerWithFixedDelay(Timer.SNAPSHOT, dependencies.snapshotInterval());
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Apply.class, this::onApply)
                .onMessage(MarkStale.class, this::onMarkStale)
                .onMessage(Bootstrap.class, this::onBootstrap)
                .onMessage(GetState.class, this::onGetState)
                .onMessage(GetBook.class, this::onGetBook)
                .onMessage(Unfollow.class, this::onUnfollow)
                .onMessage(Locate.class, this::onLocate)
                .onMessage(Watch.class, this::onWatch)
                .onMessage(Unwatch.class, m -> {
                    feed.remove(m.follower());
                    getContext().unwatch(m.follower());
                    return this;
                })
                .onMessage(WatchTop.class, this::onWatchTop)
                .onMessage(UnwatchTop.class, m -> {
                    tops.remove(m.follower());
                    getContext().unwatch(m.follower());
                    return this;
                })
                .onMessage(NotFollowed.class, m -> state == BookState.LIVE ? this : unfollow("not followed by its worker"))
                .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
                .onMessageEquals(Timer.RESYNC, this::onResyncTimer)
                .onMessageEquals(Timer.UNFOLLOWED_RETRY, this::passivateOnceConsumersAreTold)
                .onMessageEquals(Timer.SNAPSHOT, () -> {
                    if (state == BookState.LIVE) {
                        publication.periodic(book, venueSequence, venueTimestamp);
                    }
                    return this;
                })
                .onMessageEquals(RecordsLost.INSTANCE, () -> {
                    publication.lost(book, state == BookState.LIVE, venueSequence, venueTimestamp);
                    return this;
                })
                .onSignal(Terminated.class, s -> {
                    feed.remove(s.getRef().unsafeUpcast());
                    tops.remove(s.getRef().unsafeUpcast());
                    return this;
                })
                .onSignal(PostStop.class, s -> {
                    metrics.onMarketActorStopped();
                    venueCounters.onBook(false);
                    if (state == BookState.LIVE) {
                        metrics.onBookLive(false);
                    }
                    if (state.servedStale()) {
                        metrics.onBookStale(market.venue(), false);
                    }
                    publication.close();
                    return this;
                })
                .build();
    }

    private Behavior<Command> onApply(Apply apply) {
        MarketEvent event = apply.event();
        if (state == BookState.UNFOLLOWED) {
            return this;
        }
        if (event instanceof BookSnapshot snapshot && order.hasWriter() && apply.route() != 0
                && apply.route() != order.writerRoute()
                && OrderBook.check(snapshot.bids(), snapshot.asks()) != OrderBook.Result.APPLIED) {
            // A broken snapshot from another socket takes nothing over: the writer's book stays as it is.
            droppedFromOtherWriter(apply);
            return this;
        }
        switch (order.arrive(apply.route(), apply.seq(), event instanceof BookSnapshot)) {
            case LATE -> {
                // Overtaken on the way (a shard hand-off): the snapshot the book is built on already includes it.
                counters.droppedLate++;
                venueCounters.onChangeDropped(VenueCounters.DropReason.LATE);
                getContext().getLog().debug("{} dropped a change that arrived after later ones from its socket", market);
                return this;
            }
            case OTHER_WRITER -> {
                droppedFromOtherWriter(apply);
                return this;
            }
            case GAP -> untrusted("a change from its socket was lost on the way to the book", true);
            case TAKE_OVER -> takeOver(apply);
            default -> {
            }
        }
        if (event instanceof BookDelta delta) {
            if (onDelta(delta, apply.receivedNanos())) {
                metrics.onDeltaApplied(apply.receivedNanos());
            }
        } else if (event instanceof BookSnapshot snapshot) {
            onSnapshot(snapshot, apply.socket());
        } else if (event instanceof Trade trade) {
            lastTrade = trade;
            counters.trades++;
            publication.event(Channel.TRADES, trade);
            feed.event(Channel.TRADES, trade);
        } else if (event instanceof Ticker t) {
            ticker = t;
            publication.event(Channel.TICKERS, t);
            feed.event(Channel.TICKERS, t);
        } else if (event instanceof StatusUpdate update) {
            if (update.status() != status) {
                publication.event(Channel.STATUS, update);
                feed.event(Channel.STATUS, update);
            }
            status = update.status();
        } else if (event instanceof BookReset reset) {
            onReset(reset);
        }
        return this;
    }

    /**
     * Not the writer's: the book stays as it is (fresh if it was). Said once per socket in the log, counted always
     * (the market's state, {@code marketmesh_book_changes_dropped_total}).
     */
    private void droppedFromOtherWriter(Apply apply) {
        counters.droppedFromOtherWriter++;
        venueCounters.onChangeDropped(VenueCounters.DropReason.OTHER_WRITER);
        if (apply.route() != dropLoggedRoute) {
            dropLoggedRoute = apply.route();
            getContext().getLog().warn("{} drops changes from worker {} socket {} generation {}: the book's writer is "
                            + "worker {} socket {} generation {} (a snapshot from the other socket would take over)",
                    market, apply.worker(), apply.socket(), apply.generation(), order.writerWorker(),
                    order.writerSocket(), order.writerGeneration());
        }
    }

    /** A snapshot from another socket than the writer's: that socket writes the book from now on. */
    private void takeOver(Apply apply) {
        if (order.writerSince() > 0) {
            getContext().getLog().info("{} book taken over by worker {} socket {} generation {} (its snapshot replaces the "
                            + "book); the former writer, worker {} socket {} generation {}, is dropped from now on",
                    market, apply.worker(), apply.socket(), apply.generation(), order.writerWorker(),
                    order.writerSocket(), order.writerGeneration());
        } else {
            getContext().getLog().debug("{} book written by worker {} socket {} generation {}", market, apply.worker(),
                    apply.socket(), apply.generation());
        }
        order.writerIs(apply.worker(), apply.socket(), apply.generation(), System.currentTimeMillis());
        // The former writer's drops are said once too.
        dropLoggedRoute = 0;
    }

    /** Who writes the book, as {@code GET /api/v1/markets/{venue}/{symbol}} shows it; null before any snapshot. */
    private MarketState.Writer writer() {
        if (!order.hasWriter()) {
            return null;
        }
        return new MarketState.Writer(order.writerWorker(), order.writerSocket(), order.writerGeneration(),
                Long.toHexString(order.writerRoute()), order.writerSince(), order.takeOvers());
    }

    private Behavior<Command> onLocate(Locate locate) {
        // A ref from another node would make a direct route cross the network anyway: the region path stays.
        if (state != BookState.UNFOLLOWED && locate.replyTo().path().address().hasLocalScope()) {
            locate.replyTo().tell(new Located(market, getContext().getSelf(), locate.sent(), locate.token()));
        }
        return this;
    }

    private Behavior<Command> onWatch(Watch watch) {
        if (state == BookState.UNFOLLOWED) {
            // Passivating: the follower, watching this actor, follows the market again once it is followed again.
            return this;
        }
        if (feed.add(watch.follower())) {
            getContext().watch(watch.follower());
        }
        feed.snapshotTo(watch.follower(), book, state != BookState.LIVE, staleReason, venueSequence, venueTimestamp,
                updatedAt);
        if (state == BookState.EMPTY) {
            requestResyncIfNotPending("no snapshot yet");
        }
        return this;
    }

    private Behavior<Command> onWatchTop(WatchTop watch) {
        if (state == BookState.UNFOLLOWED) {
            return this;
        }
        if (tops.add(watch.follower(), Math.max(1, Math.min(watch.depth(), dependencies.settings().maxDepth())))) {
            getContext().watch(watch.follower());
        }
        tops.sendTo(watch.follower(), book, state != BookState.LIVE, staleReason, updatedAt);
        if (state == BookState.EMPTY) {
            requestResyncIfNotPending("no snapshot yet");
        }
        return this;
    }

    /** The top's followers learn of any change of the book's top levels or of its trust; a no-op without followers. */
    private void topChanged(long changedNanos) {
        tops.changed(book, state != BookState.LIVE, staleReason, updatedAt, changedNanos);
    }

    /** Every change of state goes through here, so that the node's counts of live and stale books stay right. */
    private void moveTo(BookState next) {
        if ((state == BookState.LIVE) != (next == BookState.LIVE)) {
            metrics.onBookLive(next == BookState.LIVE);
        }
        if (state.servedStale() != next.servedStale()) {
            metrics.onBookStale(market.venue(), next.servedStale());
        }
        // A resync episode: a trusted book lost trust and needs a fresh snapshot, until one makes it trusted again
        // (counted once however often it is asked; a first snapshot, of a new or Kafka-bootstrapped book, is none).
        if (!inResyncEpisode && state == BookState.LIVE && (next == BookState.STALE || next == BookState.RESET)) {
            inResyncEpisode = true;
            venueCounters.onResyncRequested();
        } else if (inResyncEpisode && next == BookState.LIVE) {
            inResyncEpisode = false;
            venueCounters.onResyncHealed();
        }
        state = next;
    }

    private Behavior<Command> onBootstrap(Bootstrap bootstrap) {
        // Only into a market the venue has said nothing about yet: after a reset the old book is known to be wrong.
        if (state != BookState.EMPTY || book.replace(bootstrap.book().bids(), bootstrap.book().asks()) != OrderBook.Result.APPLIED) {
            return this;
        }
        moveTo(BookState.BOOTSTRAPPED);
        bootstrappedFrom = bootstrap.publishedAt();
        staleReason = "bootstrapped from Kafka (published " + Instant.ofEpochMilli(bootstrap.publishedAt())
                + "); waiting for the venue's snapshot";
        venueSequence = bootstrap.book().venueSequence();
        touch(bootstrap.book().venueTimestamp(), bootstrap.book().receivedAt());
        feed.snapshot(book, true, staleReason, venueSequence, venueTimestamp, updatedAt);
        topChanged(System.nanoTime());
        getContext().getLog().info("{} serving a book bootstrapped from Kafka ({} bids, {} asks) until the venue's snapshot",
                market, book.bidDepth(), book.askDepth());
        return this;
    }

    private void onSnapshot(BookSnapshot snapshot, int socket) {
        boolean compare = (publication.enabled() || feed.active()) && state.hasBook();
        List<PriceLevel> bidsBefore = compare ? book.topBids(Integer.MAX_VALUE) : null;
        List<PriceLevel> asksBefore = compare ? book.topAsks(Integer.MAX_VALUE) : null;
        if (book.replace(snapshot.bids(), snapshot.asks()) != OrderBook.Result.APPLIED) {
            untrusted("snapshot with a negative size or a price at or below zero", true);
            return;
        }
        depthLimit = snapshot.depthLimit();
        if (depthLimit > 0) {
            book.keepBest(depthLimit);
        }
        BookState before = state;
        bootstrappedFrom = 0;
        feedingSocket = socket;
        counters.snapshots++;
        sequence++;
        venueSequence = snapshot.venueSequence();
        snapshotAt = snapshot.receivedAt();
        touch(snapshot.venueTimestamp(), snapshot.receivedAt());
        String failed = verify(snapshot.claim());
        if (failed != null) {
            // Held, served stale, never published: the venue itself says this is not its book.
            publication.withheld();
            if (state != BookState.LIVE) {
                moveTo(BookState.STALE);
            }
            untrusted("snapshot " + failed, true);
            // Followers get the book as it is served: the venue's, flagged.
            feed.snapshot(book, true, staleReason, venueSequence, venueTimestamp, snapshot.receivedAt());
            topChanged(System.nanoTime());
            return;
        }
        moveTo(BookState.LIVE);
        staleReason = null;
        resync.trusted(System.currentTimeMillis());
        timers.cancel(Timer.RESYNC);
        boolean unchanged = compare && bidsBefore.equals(book.topBids(Integer.MAX_VALUE))
                && asksBefore.equals(book.topAsks(Integer.MAX_VALUE));
        if (publication.enabled()) {
            publication.snapshot(snapshot, unchanged, book);
        }
        if (!(before == BookState.LIVE && unchanged)) {
            feed.snapshot(book, false, null, venueSequence, venueTimestamp, snapshot.receivedAt());
        }
        topChanged(System.nanoTime());
        if (before == BookState.STALE || before == BookState.RESET) {
            getContext().getLog().info("{} book resynced from a fresh snapshot ({} bids, {} asks)",
                    market, book.bidDepth(), book.askDepth());
        }
    }

    /** @return whether the delta was applied to the book (not ignored while awaiting a snapshot) */
    private boolean onDelta(BookDelta delta, long receivedNanos) {
        if (state != BookState.LIVE) {
            counters.ignoredWhileAwaitingSnapshot++;
            requestResyncIfNotPending(state.hasBook() ? staleReason : "change arrived before any snapshot");
            return false;
        }
        OrderBook.Result result = book.apply(delta.updates(), delta.mode() == BookDelta.Mode.RELATIVE);
        if (result != OrderBook.Result.APPLIED) {
            // The book is untouched: the frame was applied not at all.
            untrusted(switch (result) {
                case NEGATIVE_SIZE -> "a change would take a level below zero";
                case INVALID_SIZE -> "a change carried a negative size";
                case INVALID_PRICE -> "a change carried a price at or below zero";
                default -> "a change would take a size beyond " + io.marketmesh.protocol.Decimals.DIGITS
                        + " significant digits";
            }, true);
            return false;
        }
        if (depthLimit > 0) {
            book.keepBest(depthLimit);
        }
        counters.deltas++;
        sequence++;
        venueSequence = delta.venueSequence();
        touch(delta.venueTimestamp(), delta.receivedAt());
        String failed = verify(delta.claim());
        if (failed != null) {
            // The venue says the book is wrong after this change: consumers do not get it; the resync heals them.
            publication.withheld();
            untrusted(failed, true);
        } else if (publication.enabled() || feed.active()) {
            BookDelta changed = BookPublication.absolute(market, delta, book.changes());
            if (changed != null) {
                publication.delta(changed, book, receivedNanos);
                feed.book(changed);
            } else {
                publication.unchanged();
            }
        }
        topChanged(receivedNanos);
        return true;
    }

    private void onReset(BookReset reset) {
        book.clear();
        touch(reset.venueTimestamp(), reset.receivedAt());
        sequence++;
        publication.reset(reset);
        feed.book(reset);
        untrusted(reset.reason(), false);
        moveTo(BookState.RESET);
        bootstrappedFrom = 0;
        topChanged(System.nanoTime());
    }

    private Behavior<Command> onMarkStale(MarkStale m) {
        if (state == BookState.UNFOLLOWED) {
            return this;
        }
        if (!order.fromWriter(m.route())) {
            // A socket that does not write this book (the loser of two feeding it, one whose snapshot is yet to come)
            // cannot vouch for it either way: the writer's book stays as it is.
            getContext().getLog().info("{} ignores a stale mark from a socket that is not the book's writer: {}", market,
                    m.reason());
            return this;
        }
        if (m.node() != 0 && order.hasWriter() && SocketRoutes.nodeOf(order.writerRoute()) != m.node()) {
            // Those sockets wrote this book once; since then a socket on another node took it over with its snapshot.
            getContext().getLog().info("{} ignores a stale mark for sockets it no longer takes changes from (its "
                    + "writer, route {}, runs on another node): {}", market, Long.toHexString(order.writerRoute()),
                    m.reason());
            return this;
        }
        // The connection has already asked the venue for a snapshot: only ask again if none comes.
        untrusted(m.reason(), false);
        resync.pending = true;
        resync.askedByConnection(System.currentTimeMillis());
        timers.startSingleTimer(Timer.RESYNC, resync.checkAfter());
        return this;
    }

    /**
     * The book cannot be trusted now: a LIVE book becomes STALE (said once, in the log and to Kafka consumers); any
     * other state keeps waiting for its snapshot, with the newer reason.
     */
    private void untrusted(String reason, boolean requestResync) {
        if (state == BookState.LIVE) {
            moveTo(BookState.STALE);
            counters.staleEvents++;
            resync.untrusted(System.currentTimeMillis());
            getContext().getLog().warn("{} book marked stale: {}", market, reason);
            publication.stale(reason);
            feed.stale(reason);
        }
        staleReason = reason;
        topChanged(System.nanoTime());
        if (requestResync) {
            resync.pending = false;
            requestResyncIfNotPending(reason);
        }
    }

    private Behavior<Command> onUnfollow(Unfollow unfollow) {
        boolean otherSocket = unfollow.route() != 0 && order.hasWriter() ? unfollow.route() != order.writerRoute()
                : unfollow.socket() >= 0 && feedingSocket >= 0 && unfollow.socket() != feedingSocket;
        if (state == BookState.LIVE && otherSocket) {
            // Late, from a socket that no longer carries the market (it was followed again and is fed elsewhere), or
            // from one that never wrote this book: its writer still feeds it.
            getContext().getLog().info("{} ignores an unfollow from socket {}: socket {} writes it", market,
                    unfollow.socket(), feedingSocket);
            return this;
        }
        return unfollow("unfollowed");
    }

    private Behavior<Command> unfollow(String why) {
        if (state == BookState.UNFOLLOWED) {
            return this;
        }
        moveTo(BookState.UNFOLLOWED);
        staleReason = "market " + why;
        timers.cancelAll();
        getContext().getLog().info("{} {}: book dropped", market, why);
        feed.book(new BookReset(market, "no longer followed", 0, System.currentTimeMillis()));
        topChanged(System.nanoTime());
        return passivateOnceConsumersAreTold();
    }

    /** Stops once Kafka has taken the record that tells consumers to drop the book (retried while the queue is full). */
    private Behavior<Command> passivateOnceConsumersAreTold() {
        if (!publication.unfollowed()) {
            timers.startSingleTimer(Timer.UNFOLLOWED_RETRY, Duration.ofSeconds(1));
            return this;
        }
        if (shard == null) {
            return Behaviors.stopped();
        }
        // Through the shard, so that a message for it arriving meanwhile starts a clean actor instead of being lost.
        shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
        return this;
    }

    /** What is wrong with the book by the venue's claim, or null (also when there is no claim); checksums counted. */
    private String verify(io.marketmesh.protocol.BookClaim claim) {
        if (claim == null) {
            return null;
        }
        String failed = verifier.verify(claim, book);
        if (claim instanceof io.marketmesh.protocol.BookClaim.Checksum) {
            venueCounters.onChecksumChecked(failed == null);
        }
        return failed;
    }

    private void requestResyncIfNotPending(String reason) {
        if (resync.pending || state == BookState.UNFOLLOWED) {
            return;
        }
        resync.pending = true;
        long now = System.currentTimeMillis();
        long wait = resync.waitBeforeAsking(now);
        if (wait > 0) {
            // Asked a moment ago (a snapshot came and failed again): the timer asks when the backoff allows, with this
            // reason, so the socket learns what failed (it counts checksum mismatches by it).
            delayedResyncReason = reason;
            timers.startSingleTimer(Timer.RESYNC, Duration.ofMillis(wait));
            return;
        }
        counters.resyncRequests++;
        dependencies.resyncTopics().publish(new ResyncRequest(market, reason, resync.asked(now), getContext().getSelf()));
        timers.startSingleTimer(Timer.RESYNC, resync.checkAfter());
    }

    private Behavior<Command> onResyncTimer() {
        if (state != BookState.LIVE && state != BookState.UNFOLLOWED) {
            resync.pending = false;
            String reason = delayedResyncReason != null ? delayedResyncReason
                    : "still no trusted snapshot (" + staleReason + ")";
            delayedResyncReason = null;
            requestResyncIfNotPending(reason);
        }
        return this;
    }

    private Behavior<Command> onGetState(GetState get) {
        if (state == BookState.EMPTY) {
            requestResyncIfNotPending("no snapshot yet");
        }
        get.replyTo().tell(new MarketState(market, status, state != BookState.LIVE, staleReason, state.hasBook(),
                book.bestBid(), book.bestBidExactSize(), book.bestAsk(), book.bestAskExactSize(),
                book.bidDepth(), book.askDepth(), book.isCrossed(), lastTrade, ticker, sequence, venueSequence,
                venueTimestamp, updatedAt, snapshotAt, counters.toState(publication), bootstrappedFrom, feed.nodes(),
                writer()));
        return this;
    }

    private Behavior<Command> onGetBook(GetBook get) {
        if (state == BookState.EMPTY) {
            requestResyncIfNotPending("no snapshot yet");
        }
        int depth = Math.min(get.depth(), dependencies.settings().maxDepth());
        get.replyTo().tell(new BookView(market, book.topBids(depth), book.topAsks(depth), state != BookState.LIVE,
                staleReason, status, sequence, venueSequence, venueTimestamp, updatedAt, snapshotAt, bootstrappedFrom));
        return this;
    }

    private void touch(long venueTs, long receivedAt) {
        if (venueTs > 0) {
            venueTimestamp = venueTs;
        }
        updatedAt = receivedAt;
    }
}
