package io.marketmesh.node.market;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.BookView;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketState;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.time.Duration;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The one owner of a market's book: a cluster-sharded entity with id {@code venue:symbol}.
 *
 * <p>It applies snapshots and deltas, keeps last trade, ticker and lifecycle, and guards integrity: a
 * negative level, a failed top-of-book cross-check, a gap reported by the connection or a lost
 * connection marks the book stale (still served, flagged), changes are ignored until a fresh snapshot
 * arrives, and a snapshot is requested over the venue's resync topic, again with backoff while none
 * comes. A market that has never had a snapshot asks for one on its first message.
 */
public final class MarketActor extends AbstractBehavior<MarketActor.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Market");

    public sealed interface Command extends CborSerializable
            permits Apply, MarkStale, GetState, GetBook, Unfollow, ResyncTimer, SnapshotTimer, Bootstrap {
    }

    /**
     * A parsed venue change for this market.
     *
     * @param receivedNanos {@code System.nanoTime()} when its frame was received, for the node's latency metrics;
     *                      0 when unknown. Only meaningful in the JVM that stamped it, so never serialized: a message
     *                      sent to another node arrives with 0 and is not timed.
     */
    public record Apply(MarketEvent event, @JsonIgnore long receivedNanos) implements Command {

        public Apply(MarketEvent event) {
            this(event, 0);
        }
    }

    /**
     * A book an earlier run of the node published to Kafka ({@code publishedAt}, epoch ms). Served, flagged stale
     * and bootstrapped, until the venue's own snapshot replaces it; ignored once the venue has sent one.
     */
    public record Bootstrap(BookSnapshot book, long publishedAt) implements Command {
    }

    /** The connection cannot vouch for this book any more (gap, lost socket); it has asked for a snapshot. */
    public record MarkStale(String reason) implements Command {
    }

    public record GetState(ActorRef<MarketState> replyTo) implements Command {
    }

    public record GetBook(int depth, ActorRef<BookView> replyTo) implements Command {
    }

    /** The market is no longer followed: stop and free the book. */
    public record Unfollow() implements Command {
    }

    private enum ResyncTimer implements Command {
        INSTANCE
    }

    private enum SnapshotTimer implements Command {
        INSTANCE
    }

    public static void initSharding(ActorSystem<?> system, ResyncTopics resyncTopics, MarketSettings settings) {
        initSharding(system, resyncTopics, settings, MarketPublisher.NONE, Duration.ofMinutes(1));
    }

    /** @param snapshotInterval how often a market with changes republishes its full book (when publishing) */
    public static void initSharding(ActorSystem<?> system, ResyncTopics resyncTopics, MarketSettings settings,
                                    MarketPublisher publisher, Duration snapshotInterval) {
        initSharding(system, resyncTopics, settings, publisher, snapshotInterval, BookSource.NONE);
    }

    /** @param bookSource asked for the last published book whenever a MarketActor starts on this node */
    public static void initSharding(ActorSystem<?> system, ResyncTopics resyncTopics, MarketSettings settings,
                                    MarketPublisher publisher, Duration snapshotInterval, BookSource bookSource) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, entityContext -> create(
                MarketKey.parse(entityContext.getEntityId()), resyncTopics, settings, publisher, snapshotInterval,
                bookSource)));
    }

    public static Behavior<Command> create(MarketKey market, ResyncTopics resyncTopics, MarketSettings settings) {
        return create(market, resyncTopics, settings, MarketPublisher.NONE, Duration.ofMinutes(1));
    }

    public static Behavior<Command> create(MarketKey market, ResyncTopics resyncTopics, MarketSettings settings,
                                           MarketPublisher publisher, Duration snapshotInterval) {
        return create(market, resyncTopics, settings, publisher, snapshotInterval, BookSource.NONE);
    }

    public static Behavior<Command> create(MarketKey market, ResyncTopics resyncTopics, MarketSettings settings,
                                           MarketPublisher publisher, Duration snapshotInterval, BookSource bookSource) {
        return Behaviors.setup(context -> {
            // New here (node start, or moved by a rebalance): the last published book serves until the venue's.
            bookSource.request(market, context.getSelf());
            return Behaviors.withTimers(timers -> new MarketActor(context, timers, market,
                    resyncTopics, settings, new BookPublication(market, publisher), snapshotInterval));
        });
    }

    private final TimerScheduler<Command> timers;
    private final MarketKey market;
    private final ResyncTopics resyncTopics;
    private final MarketSettings settings;
    private final OrderBook book = new OrderBook();
    private final BookPublication publication;
    private final NodeMetrics metrics;

    private boolean hasBook;
    /** A venue snapshot or reset has arrived: a book from Kafka can only be older. */
    private boolean venueSpoke;
    /** True from the moment the book stopped being trustworthy until a snapshot replaces it. */
    private boolean awaitingSnapshot = true;
    private boolean stale = true;
    private String staleReason = "no snapshot yet";
    private boolean resyncRequested;
    private Duration nextResyncBackoff;

    private MarketStatus status = MarketStatus.UNKNOWN;
    private Trade lastTrade;
    private Ticker ticker;
    private long sequence;
    private long venueSequence;
    private long venueTimestamp;
    private long updatedAt;
    private long snapshotAt;
    /** When the book served came from Kafka: its publish time; 0 once the venue's snapshot replaced it. */
    private long bootstrappedFrom;

    private long snapshots;
    private long deltas;
    private long trades;
    private long staleEvents;
    private long resyncRequests;
    /** Resync requests since the last snapshot; the connection escalates when they keep going unanswered. */
    private int unansweredResyncs;
    private long ignoredWhileAwaitingSnapshot;

    private MarketActor(ActorContext<Command> context, TimerScheduler<Command> timers, MarketKey market,
                        ResyncTopics resyncTopics, MarketSettings settings, BookPublication publication,
                        Duration snapshotInterval) {
        super(context);
        this.publication = publication;
        this.metrics = NodeMetrics.get(context.getSystem());
        if (publication.enabled()) {
            timers.startTimerWithFixedDelay(SnapshotTimer.INSTANCE, snapshotInterval);
        }
        this.timers = timers;
        this.market = market;
        this.resyncTopics = resyncTopics;
        this.settings = settings;
        this.nextResyncBackoff = settings.resyncMinBackoff();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Apply.class, this::onApply)
                .onMessage(MarkStale.class, this::onMarkStale)
                .onMessage(Bootstrap.class, this::onBootstrap)
                .onMessage(GetState.class, this::onGetState)
                .onMessage(GetBook.class, this::onGetBook)
                .onMessage(Unfollow.class, m -> Behaviors.stopped())
                .onMessageEquals(ResyncTimer.INSTANCE, this::onResyncTimer)
                .onMessageEquals(SnapshotTimer.INSTANCE, () -> {
                    if (!awaitingSnapshot) {
                        publication.periodic(book, hasBook, venueSequence, venueTimestamp);
                    }
                    return this;
                })
                .build();
    }

    private Behavior<Command> onApply(Apply apply) {
        MarketEvent event = apply.event();
        if (event instanceof BookSnapshot || event instanceof BookReset) {
            venueSpoke = true;
        }
        if (event instanceof BookDelta delta) {
            if (onDelta(delta, apply.receivedNanos())) {
                metrics.onDeltaApplied(apply.receivedNanos());
            }
        } else if (event instanceof BookSnapshot snapshot) {
            onSnapshot(snapshot);
        } else if (event instanceof Trade trade) {
            lastTrade = trade;
            trades++;
            publication.event(MarketRecord.CHANNEL_TRADES, trade);
        } else if (event instanceof Ticker t) {
            ticker = t;
            publication.event(MarketRecord.CHANNEL_TICKERS, t);
        } else if (event instanceof StatusUpdate update) {
            if (update.status() != status) {
                publication.event(MarketRecord.CHANNEL_STATUS, update);
            }
            status = update.status();
        } else if (event instanceof BookReset reset) {
            book.clear();
            hasBook = false;
            bootstrappedFrom = 0;
            touch(reset.venueTimestamp(), reset.receivedAt());
            sequence++;
            publication.reset(reset);
            becomeStale(reset.reason(), false);
        }
        return this;
    }

    private Behavior<Command> onBootstrap(Bootstrap bootstrap) {
        // Only into a market the venue has said nothing about yet: after a reset the old book is known to be wrong.
        if (hasBook || venueSpoke || book.replace(bootstrap.book().bids(), bootstrap.book().asks()) != OrderBook.Result.APPLIED) {
            return this;
        }
        hasBook = true;
        bootstrappedFrom = bootstrap.publishedAt();
        awaitingSnapshot = true;
        stale = true;
        staleReason = "bootstrapped from Kafka (published " + java.time.Instant.ofEpochMilli(bootstrap.publishedAt())
                + "); waiting for the venue's snapshot";
        venueSequence = bootstrap.book().venueSequence();
        touch(bootstrap.book().venueTimestamp(), bootstrap.book().receivedAt());
        getContext().getLog().info("{} serving a book bootstrapped from Kafka ({} bids, {} asks) until the venue's snapshot",
                market, book.bidDepth(), book.askDepth());
        return this;
    }

    private void onSnapshot(BookSnapshot snapshot) {
        List<PriceLevel> bidsBefore = publication.enabled() && hasBook ? book.topBids(Integer.MAX_VALUE) : null;
        List<PriceLevel> asksBefore = bidsBefore == null ? null : book.topAsks(Integer.MAX_VALUE);
        if (book.replace(snapshot.bids(), snapshot.asks()) != OrderBook.Result.APPLIED) {
            becomeStale("snapshot with a negative size", true);
            return;
        }
        if (publication.enabled()) {
            boolean unchanged = bidsBefore != null
                    && bidsBefore.equals(book.topBids(Integer.MAX_VALUE)) && asksBefore.equals(book.topAsks(Integer.MAX_VALUE));
            publication.snapshot(snapshot, unchanged, book);
            if (stale && hasBook) {
                // Only after a stale book: the first snapshot of a market is no resync.
                publication.continuity(Continuity.Kind.BOOK_RESYNCED, "fresh snapshot after: " + staleReason);
            }
        }
        boolean wasStale = stale && hasBook;
        bootstrappedFrom = 0;
        hasBook = true;
        awaitingSnapshot = false;
        stale = false;
        staleReason = null;
        resyncRequested = false;
        unansweredResyncs = 0;
        nextResyncBackoff = settings.resyncMinBackoff();
        timers.cancel(ResyncTimer.INSTANCE);
        snapshots++;
        sequence++;
        venueSequence = snapshot.venueSequence();
        snapshotAt = snapshot.receivedAt();
        touch(snapshot.venueTimestamp(), snapshot.receivedAt());
        if (wasStale) {
            getContext().getLog().info("{} book resynced from a fresh snapshot ({} bids, {} asks)",
                    market, book.bidDepth(), book.askDepth());
        }
    }

    /** @return whether the delta was applied to the book (not ignored while awaiting a snapshot) */
    private boolean onDelta(BookDelta delta, long receivedNanos) {
        if (awaitingSnapshot) {
            ignoredWhileAwaitingSnapshot++;
            requestResyncIfNotPending(hasBook ? staleReason : "change arrived before any snapshot");
            return false;
        }
        long[] sizesBefore = publication.enabled() ? sizesOf(delta) : null;
        OrderBook.Result result = book.apply(delta.updates(), delta.mode() == BookDelta.Mode.RELATIVE);
        if (sizesBefore != null && result == OrderBook.Result.APPLIED) {
            publication.delta(delta, sizesBefore, book, receivedNanos);
        }
        deltas++;
        sequence++;
        venueSequence = delta.venueSequence();
        touch(delta.venueTimestamp(), delta.receivedAt());
        if (result == OrderBook.Result.NEGATIVE_SIZE) {
            becomeStale("a change took a level below zero", true);
        } else if (result == OrderBook.Result.INVALID_SIZE) {
            becomeStale("a change carried a negative size", true);
        } else if (delta.hasExpectation() && !topMatches(delta)) {
            becomeStale("top of book disagrees with the venue: have " + describeTop()
                    + ", venue says " + describe(delta.expectedBestBid()) + "/" + describe(delta.expectedBestAsk()), true);
        }
        return true;
    }

    /** {@code 0} in an expectation means "that side is empty"; {@link Decimals#NONE} means no claim. */
    private boolean topMatches(BookDelta delta) {
        return sideMatches(delta.expectedBestBid(), book.bestBid()) && sideMatches(delta.expectedBestAsk(), book.bestAsk());
    }

    private static boolean sideMatches(long expected, long actual) {
        if (expected == Decimals.NONE) {
            return true;
        }
        if (expected == 0) {
            return actual == Decimals.NONE;
        }
        return expected == actual;
    }

    private Behavior<Command> onMarkStale(MarkStale m) {
        // The connection has already asked the venue for a snapshot: only ask again if none comes.
        becomeStale(m.reason(), false);
        resyncRequested = true;
        scheduleResyncCheck();
        return this;
    }

    private void becomeStale(String reason, boolean requestResync) {
        if (!stale) {
            staleEvents++;
            getContext().getLog().warn("{} book marked stale: {}", market, reason);
            publication.continuity(Continuity.Kind.BOOK_STALE, reason);
        }
        stale = true;
        staleReason = reason;
        awaitingSnapshot = true;
        if (requestResync) {
            resyncRequested = false;
            requestResyncIfNotPending(reason);
        }
    }

    private void requestResyncIfNotPending(String reason) {
        if (resyncRequested) {
            return;
        }
        resyncRequested = true;
        resyncRequests++;
        resyncTopics.publish(new ResyncRequest(market, reason, ++unansweredResyncs));
        scheduleResyncCheck();
    }

    private void scheduleResyncCheck() {
        timers.startSingleTimer(ResyncTimer.INSTANCE, nextResyncBackoff);
        Duration doubled = nextResyncBackoff.multipliedBy(2);
        nextResyncBackoff = doubled.compareTo(settings.resyncMaxBackoff()) > 0 ? settings.resyncMaxBackoff() : doubled;
    }

    private Behavior<Command> onResyncTimer() {
        if (awaitingSnapshot) {
            resyncRequested = false;
            requestResyncIfNotPending("no snapshot arrived after asking (" + staleReason + ")");
        }
        return this;
    }

    private Behavior<Command> onGetState(GetState get) {
        if (!hasBook) {
            requestResyncIfNotPending("no snapshot yet");
        }
        get.replyTo().tell(new MarketState(market, status, stale, staleReason, hasBook,
                book.bestBid(), book.bestBidSize(), book.bestAsk(), book.bestAskSize(),
                book.bidDepth(), book.askDepth(), book.isCrossed(), lastTrade, ticker, sequence, venueSequence,
                venueTimestamp, updatedAt, snapshotAt,
                new MarketState.Counters(snapshots, deltas, trades, staleEvents, resyncRequests,
                        ignoredWhileAwaitingSnapshot, publication.published(), publication.refused(),
                        publication.skippedUnchanged()), bootstrappedFrom));
        return this;
    }

    private Behavior<Command> onGetBook(GetBook get) {
        if (!hasBook) {
            requestResyncIfNotPending("no snapshot yet");
        }
        int depth = Math.min(get.depth(), settings.maxDepth());
        get.replyTo().tell(new BookView(market, book.topBids(depth), book.topAsks(depth), stale, staleReason, status,
                sequence, venueSequence, venueTimestamp, updatedAt, snapshotAt, bootstrappedFrom));
        return this;
    }

    private long[] sizesOf(BookDelta delta) {
        long[] sizes = new long[delta.updates().size()];
        for (int i = 0; i < sizes.length; i++) {
            LevelUpdate update = delta.updates().get(i);
            sizes[i] = book.sizeAt(update.side(), update.price());
        }
        return sizes;
    }

    private void touch(long venueTs, long receivedAt) {
        if (venueTs > 0) {
            venueTimestamp = venueTs;
        }
        updatedAt = receivedAt;
    }

    private String describeTop() {
        return describe(book.bestBid()) + "/" + describe(book.bestAsk());
    }

    private static String describe(long price) {
        return price == Decimals.NONE ? "none" : price == 0 ? "empty" : Decimals.toString(price);
    }
}
