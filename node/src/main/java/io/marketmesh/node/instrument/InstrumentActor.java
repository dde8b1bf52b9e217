package io.marketmesh.node.instrument;

import io.marketmesh.node.catalog.CatalogView;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.market.MarketTop;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.node.subscription.FollowedMarkets;
import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.ConsolidatedBook;
import io.marketmesh.protocol.InstrumentSummary;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The sharded owner of one instrument: follows the top levels of each of its member markets ({@link
 * MarketActor.WatchTop}, wherever their actors run), keeps them in an {@link InstrumentBook}, and publishes a new
 * {@link InstrumentSummary} the moment a member's top changes, and every arbitrage step, to Kafka and to the node's
 * stream hubs. A member that cannot be trusted (its book is stale, its actor stopped, its node is unreachable, it is not
 * followed) is flagged and takes no part until its actor sends a trusted top again.
 *
 * <p>Each node's {@link InstrumentDirectory} sends every instrument its definition ({@link Define}) when it changes
 * and every {@code keep-alive}, so an actor that a rebalance or a lost node stopped starts again on its own; queries
 * carry the definition too, so one that arrives first starts it just as well (a running actor keeps its own: the
 * asking node's view may lag).
 */
public final class InstrumentActor extends AbstractBehavior<InstrumentActor.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Instrument");
    /** The close reason of the opportunities of an actor that stops to move to another node. */
    static final String CLOSED_MOVED = "moved";

    public sealed interface Command extends CborSerializable
            permits Define, Retire, GetSummary, GetBook, GetOpportunities, TopChanged, MemberStopped, Reachability,
            Timer, Stop {
    }

    /** The instrument's members (new, changed, or the same again: a keep-alive). */
    public record Define(InstrumentDefinition definition) implements Command {
    }

    /** The instrument no longer exists: its opportunities close and the actor stops. */
    public record Retire() implements Command {
    }

    public record GetSummary(InstrumentDefinition definition, ActorRef<InstrumentSummary> replyTo) implements Command {
    }

    public record GetBook(InstrumentDefinition definition, int depth, ActorRef<ConsolidatedBook> replyTo)
            implements Command {
    }

    public record GetOpportunities(InstrumentDefinition definition, ActorRef<Opportunities> replyTo)
            implements Command {
    }

    /** The open opportunities of one instrument, as {@code GET /api/v1/arbitrage} collects them. */
    public record Opportunities(String instrument, List<ArbitrageEvent> open) implements CborSerializable {
        public Opportunities {
            open = List.copyOf(open);
        }
    }

    /** A member's top, through the actor's adapter (local only). */
    private record TopChanged(MarketTop top) implements Command {
    }

    /** A member's MarketActor stopped (local only). */
    private record MemberStopped(MarketKey market, ActorRef<MarketActor.Command> actor) implements Command {
    }

    private record Reachability(Address address, boolean reachable) implements Command {
    }

    private enum Timer implements Command {
        REWATCH,
        /** The publisher may have lost records: the summary is published again (opportunities' next steps follow). */
        REPUBLISH
    }

    public enum Stop implements Command {
        INSTANCE
    }

    /**
     * What every InstrumentActor of a node shares.
     *
     * @param outputs the node's pub-sub topic towards stream hubs
     */
    public record Dependencies(InstrumentSettings settings, MarketPublisher publisher, FollowedMarkets followed,
                               CatalogView catalog, ActorRef<Topic.Command<InstrumentOutput>> outputs) {
    }

    public static void initSharding(ActorSystem<?> system, Dependencies dependencies) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), dependencies))
                .withStopMessage(Stop.INSTANCE));
    }

    public static Behavior<Command> create(String instrument, Dependencies dependencies) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new InstrumentActor(context, timers, instrument, dependencies)));
    }

    /** One member as this actor follows it. */
    private static final class Member {
        final InstrumentDefinition.Leg leg;
        final int index;
        ActorRef<MarketActor.Command> actor;
        /** A top arrived since the member was (re)watched. */
        boolean heard;
        /** The last top its market sent: carried into a new book when the membership changes. */
        MarketTop lastTop;

        Member(InstrumentDefinition.Leg leg, int index) {
            this.leg = leg;
            this.index = index;
        }
    }

    private final String instrument;
    private final Dependencies dependencies;
    private final ClusterSharding sharding;
    private final NodeMetrics metrics;
    private final ActorRef<MarketTop> topAdapter;
    private final MarketPublisher.Outlet outlet;

    private InstrumentDefinition definition;
    private InstrumentBook book;
    private final Map<MarketKey, Member> members = new HashMap<>();
    private long sequence;
    private InstrumentActor(ActorContext<Command> context, TimerScheduler<Command> timers, String instrument,
                            Dependencies dependencies) {
        super(context);
        this.instrument = instrument;
        this.dependencies = dependencies;
        this.sharding = ClusterSharding.get(context.getSystem());
        this.metrics = NodeMetrics.get(context.getSystem());
        this.topAdapter = context.messageAdapter(MarketTop.class, TopChanged::new);
        ActorRef<Command> self = context.getSelf();
        this.outlet = dependencies.publisher().open(null, instrument, () -> self.tell(Timer.REPUBLISH));
        ActorRef<ClusterEvent.ReachabilityEvent> reachability = context.messageAdapter(
                ClusterEvent.ReachabilityEvent.class, event -> new Reachability(event.member().address(),
                        event instanceof ClusterEvent.ReachableMember));
        Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(reachability,
                ClusterEvent.ReachabilityEvent.class));
        timers.startTimerWithFixedDelay(Timer.REWATCH, dependencies.settings().rewatch());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Define.class, d -> {
                    define(d.definition());
                    return this;
                })
                .onMessage(Retire.class, r -> retire())
                .onMessage(TopChanged.class, this::onTop)
                .onMessage(MemberStopped.class, this::onMemberStopped)
                .onMessage(Reachability.class, this::onReachability)
                .onMessage(GetSummary.class, this::onGetSummary)
                .onMessage(GetBook.class, this::onGetBook)
                .onMessage(GetOpportunities.class, this::onGetOpportunities)
                .onMessageEquals(Timer.REWATCH, this::rewatch)
                .onMessageEquals(Timer.REPUBLISH, () -> {
                    if (book != null) {
                        publishSummary(0);
                    }
                    return this;
                })
                .onMessageEquals(Stop.INSTANCE, () -> {
                    // Moving to another node (rebalance, hand-off, this node leaving): consumers learn its
                    // opportunities ended here; the actor on the new node opens those still paying again.
                    if (book != null) {
                        book.closeAll(CLOSED_MOVED, System.currentTimeMillis());
                    }
                    return Behaviors.stopped();
                })
                .onSignal(PostStop.class, s -> {
                    outlet.close();
                    return this;
                })
                .build();
    }

    /**
     * A new or changed membership rebuilds the book; the same one is a keep-alive. Members that stay keep their actor
     * and their last top, which goes into the new book at once (the summary never flashes them stale); members that
     * leave are let go. The open opportunities close ({@code removed}) and those still paying open again in the new
     * book at once, under new ids: the book's pairs are numbered by position, which a membership change moves.
     */
    private void define(InstrumentDefinition next) {
        if (next == null || next.equals(definition)) {
            return;
        }
        Map<MarketKey, Member> before = new HashMap<>(members);
        if (book != null) {
            closeAll();
        }
        definition = next;
        members.clear();
        List<BigDecimal> fees = new ArrayList<>();
        for (int i = 0; i < next.legs().size(); i++) {
            InstrumentDefinition.Leg leg = next.legs().get(i);
            Member member = new Member(leg, i);
            Member old = before.remove(leg.market());
            if (old != null && old.leg.yes() == leg.yes()) {
                member.actor = old.actor;
                member.heard = old.heard;
                member.lastTop = old.lastTop;
            } else if (old != null && old.actor != null) {
                // Same market, turned over: followed afresh (its top is asked for again below).
                getContext().unwatch(old.actor);
            }
            members.put(leg.market(), member);
            fees.add(dependencies.settings().takerFee(leg.market().venue()));
        }
        for (Member gone : before.values()) {
            if (gone.actor != null && !members.containsKey(gone.leg.market())) {
                gone.actor.tell(new MarketActor.UnwatchTop(topAdapter));
                getContext().unwatch(gone.actor);
            }
        }
        book = new InstrumentBook(instrument, next.legs(), fees, dependencies.settings().depth(), this::onArbitrage);
        long now = System.currentTimeMillis();
        for (Member member : members.values()) {
            book.markStale(member.index, "no book yet", now);
            if (member.lastTop != null && member.actor != null) {
                apply(member, member.lastTop, now);
            } else {
                watch(member);
            }
        }
        getContext().getLog().info("instrument {} follows {} markets ({})", instrument, members.size(), next.origin());
        publishSummary(0);
    }

    private void watch(Member member) {
        if (!dependencies.followed().contains(member.leg.market().venue(), member.leg.market().symbol())) {
            // Asking would start an actor for a market nobody feeds; the rewatch timer looks again.
            if (book.markStale(member.index, "market not followed", System.currentTimeMillis())) {
                publishSummary(0);
            }
            return;
        }
        member.heard = false;
        sharding.entityRefFor(MarketActor.TYPE_KEY, member.leg.market().id())
                .tell(new MarketActor.WatchTop(topAdapter, dependencies.settings().depth()));
    }

    private Behavior<Command> onTop(TopChanged changed) {
        MarketTop top = changed.top();
        Member member = members.get(top.market());
        if (member == null) {
            return this;   // from a membership that changed since
        }
        if (member.actor == null || !member.actor.equals(top.actor())) {
            if (member.actor != null) {
                getContext().unwatch(member.actor);
            }
            member.actor = top.actor();
            getContext().watchWith(member.actor, new MemberStopped(top.market(), member.actor));
        }
        member.heard = true;
        member.lastTop = top;
        if (apply(member, top, System.currentTimeMillis())) {
            publishSummary(top.changedNanos());
        }
        return this;
    }

    /**
     * A member's top into the book: stale when its market's book is, or when the venue has closed or delisted the
     * market (its book then freezes while it is still followed for the grace period). Whether the summary changed.
     */
    private boolean apply(Member member, MarketTop top, long now) {
        String closed = closedAtVenue(member.leg.market());
        if (closed != null) {
            return book.markStale(member.index, closed, now);
        }
        if (top.stale()) {
            return book.markStale(member.index, top.staleReason() == null ? "stale" : top.staleReason(), now);
        }
        return book.update(member.index, top.bidPrices(), top.bidSizes(), top.bidWideSizes(), top.bidPrices().length,
                top.askPrices(), top.askSizes(), top.askWideSizes(), top.askPrices().length, top.updatedAt());
    }

    /** Why the market cannot be traded, when the catalogue says the venue closed or delisted it; else null. */
    private String closedAtVenue(MarketKey market) {
        MarketMetadata metadata = dependencies.catalog().get(market);
        if (metadata == null || metadata.active()) {
            return null;
        }
        return "closed at the venue" + (metadata.status() == null || metadata.status().isEmpty() ? ""
                : " (" + metadata.status() + ")");
    }

    private Behavior<Command> onMemberStopped(MemberStopped stopped) {
        Member member = members.get(stopped.market());
        if (member == null || !stopped.actor().equals(member.actor)) {
            return this;
        }
        member.actor = null;
        if (book.markStale(member.index, "market actor stopped (moved or its node left); following it again",
                System.currentTimeMillis())) {
            publishSummary(0);
        }
        watch(member);
        return this;
    }

    private Behavior<Command> onReachability(Reachability event) {
        if (book == null) {
            return this;
        }
        for (Member member : members.values()) {
            if (member.actor != null && event.address().equals(member.actor.path().address())) {
                if (event.reachable()) {
                    // The top may have changed while unreachable: ask for it again.
                    member.actor.tell(new MarketActor.WatchTop(topAdapter, dependencies.settings().depth()));
                } else if (book.markStale(member.index, "its node " + event.address().hostPort() + " is unreachable",
                        System.currentTimeMillis())) {
                    publishSummary(0);
                }
            }
        }
        return this;
    }

    /** Members not heard from since they were watched are asked again (their actor may not have existed yet). */
    private Behavior<Command> rewatch() {
        if (book == null) {
            return this;
        }
        boolean changed = false;
        long now = System.currentTimeMillis();
        for (Member member : members.values()) {
            if (!member.heard || member.actor == null) {
                watch(member);
            } else if (member.lastTop != null) {
                // The catalogue may have marked it closed (or open again) since its last top.
                changed |= apply(member, member.lastTop, now);
            }
        }
        if (changed) {
            publishSummary(0);
        }
        return this;
    }

    private Behavior<Command> onGetSummary(GetSummary get) {
        startIfNew(get.definition());
        get.replyTo().tell(book.summary(sequence));
        return this;
    }

    private Behavior<Command> onGetBook(GetBook get) {
        startIfNew(get.definition());
        get.replyTo().tell(book.consolidated(Math.min(get.depth(), dependencies.settings().depth())));
        return this;
    }

    private Behavior<Command> onGetOpportunities(GetOpportunities get) {
        startIfNew(get.definition());
        get.replyTo().tell(new Opportunities(instrument, book.open(System.currentTimeMillis())));
        return this;
    }

    /**
     * A query's definition is the asking node's view, which may lag behind (or differ from) the one the directories
     * sent: it only starts an actor that has none. Changes come with {@link Define}.
     */
    private void startIfNew(InstrumentDefinition asked) {
        if (definition == null) {
            define(asked);
        }
    }

    private Behavior<Command> retire() {
        if (book != null) {
            closeAll();
        }
        getContext().getLog().info("instrument {} retired", instrument);
        return Behaviors.stopped();
    }

    /** The membership changed or the instrument went away: each open opportunity closes ({@code removed}). */
    private void closeAll() {
        book.remove(System.currentTimeMillis());
    }

    private void publishSummary(long changedNanos) {
        InstrumentSummary summary = book.summary(++sequence);
        if (dependencies.settings().publishSummaries()) {
            outlet.publish(Channel.SUMMARIES, sequence, summary.updatedAt(), summary);
        }
        dependencies.outputs().tell(Topic.publish(new InstrumentOutput.Summary(summary)));
        metrics.onSummaryPublished(changedNanos);
    }

    private void onArbitrage(ArbitrageEvent event) {
        outlet.publish(Channel.ARBITRAGE, 0, event.updatedAt(), event);
        dependencies.outputs().tell(Topic.publish(new InstrumentOutput.Arbitrage(event)));
        if (ArbitrageEvent.OPENED.equals(event.type()) || ArbitrageEvent.CLOSED.equals(event.type())) {
            getContext().getLog().debug("arbitrage {} {}: buy {} at {}, sell {} at {}, {} % on {}{}", event.type(),
                    instrument, event.buyMarket(), event.buyPrice(), event.sellMarket(), event.sellPrice(),
                    event.profitPercent(), event.size(),
                    event.reason() == null ? "" : " (" + event.reason() + ", lasted " + event.durationMs() + " ms)");
        }
    }
}
