package io.marketmesh.node.catalog;

import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one venue's part of the market catalogue current; a child of the venue's connection worker 0, so it runs once
 * per cluster and moves with it. It watches the venue's followed markets and:
 * <ul>
 *   <li>puts what discovery said about them into the catalogue ({@link Discovered}, from the worker's discovery and
 *       from each refresh);</li>
 *   <li>describes followed markets the catalogue knows nothing about (configured markets, markets a user added) with
 *       {@link VenueAdapter#describe}, gathered for {@code describe-debounce} and asked in batches; a venue that cannot
 *       describe leaves them bare and never closes any;</li>
 *   <li>forgets the entries of markets no longer followed;</li>
 *   <li>every {@code refresh-interval}: discovers again (when the venue is in discovery mode) and has the markets that
 *       are new followed (unless a user removed them, see {@link Subscriptions.AddDiscovered}), describes every
 *       followed market discovery did not list, marks the ones the venue no longer lists closed ("delisted"), and logs
 *       one line with the counts;</li>
 *   <li>unfollows ({@link Subscriptions.Drop}) markets closed for longer than {@code closed-grace}.</li>
 * </ul>
 * Venue calls block, on the blocking dispatcher, one at a time.
 */
public final class CatalogFeeder extends AbstractBehavior<CatalogFeeder.Command> {

    public sealed interface Command permits Discovered, Followed, DescribeDue, Described, Refresh, Rediscovered,
            AddedNew, SweepClosed {
    }

    /** What discovery said about the venue's markets, as of {@code at} (epoch ms). */
    public record Discovered(List<MarketInfo> markets, long at) implements Command {
    }

    private record Followed(Set<String> symbols) implements Command {
    }

    private enum DescribeDue implements Command {
        INSTANCE
    }

    /** {@code infos} null: the call failed ({@code error}); {@code unsupported}: the venue cannot describe. */
    private record Described(List<String> asked, List<MarketInfo> infos, String error, boolean unsupported, long at)
            implements Command {
    }

    private enum Refresh implements Command {
        INSTANCE
    }

    private record Rediscovered(List<MarketInfo> infos, String error, long at) implements Command {
    }

    private record AddedNew(List<String> symbols) implements Command {
    }

    private enum SweepClosed implements Command {
        INSTANCE
    }

    public record Dependencies(VenueAdapter adapter, VenueSettings venue, CatalogSettings settings,
                               ActorRef<MarketCatalog.Command> catalog, CatalogView view,
                               ActorRef<Subscriptions.Command> subscriptions) {
    }

    /**
     * The feeder, restarted with a backoff after an unexpected failure (a bug; a venue's failing call is an answer,
     * not a failure): what it holds comes back from the followed set (watched again) and the next refresh, whereas
     * stopping would leave the venue's catalogue unrefreshed until its worker moves.
     */
    public static Behavior<Command> create(Dependencies dependencies) {
        return Behaviors.supervise(Behaviors.<Command>setup(context -> Behaviors.withTimers(timers ->
                        new CatalogFeeder(context, timers, dependencies))))
                .onFailure(Exception.class, SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1),
                        Duration.ofMinutes(1), 0.2));
    }

    /** Named here: the actor's own logger takes its name from where it was spawned (a sharding daemon's stack). */
    private static final Logger LOG = LoggerFactory.getLogger(CatalogFeeder.class);

    private final TimerScheduler<Command> timers;
    private final Dependencies deps;
    private final Venue venue;
    private final Executor blocking;
    /** The venue's followed markets; null until Subscriptions told the first time. */
    private Set<String> followed;
    /** What the last discovery said, for markets not followed yet (their entries are put once they are). */
    private Map<String, MarketInfo> discovered = Map.of();
    private final Set<String> toDescribe = new LinkedHashSet<>();
    private boolean describing;
    private boolean cannotDescribe;
    /** A refresh is under way: its line is logged when its describes are done. */
    private boolean refreshing;
    private int refreshDiscovered;
    private int refreshAdded;
    private int refreshDescribed;
    private int refreshClosed;
    private int unfollowedSinceLastRefresh;
    /** The refresh's new markets are being added: it ends when that is answered too. */
    private boolean addingNew;
    /** Markets this feeder unfollowed that the followed set still shows (the change is on its way). */
    private final Set<String> dropping = new HashSet<>();

    private CatalogFeeder(ActorContext<Command> context, TimerScheduler<Command> timers, Dependencies deps) {
        super(context);
        this.timers = timers;
        this.deps = deps;
        this.venue = deps.venue().venue();
        this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
        deps.subscriptions().tell(new Subscriptions.Watch(venue, context.messageAdapter(Subscriptions.VenueSymbols.class,
                symbols -> new Followed(symbols.symbols()))));
        CatalogSettings settings = deps.settings();
        if (settings.refreshes()) {
            timers.startTimerWithFixedDelay(Refresh.INSTANCE, settings.refreshInterval());
        }
        // Closed markets are looked at a few times per grace period: unfollowed at most a quarter of it late.
        Duration sweep = settings.closedGrace().dividedBy(4);
        sweep = sweep.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500)
                : sweep.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : sweep;
        timers.startTimerWithFixedDelay(SweepClosed.INSTANCE, sweep);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Discovered.class, this::onDiscovered)
                .onMessage(Followed.class, this::onFollowed)
                .onMessageEquals(DescribeDue.INSTANCE, this::describeNext)
                .onMessage(Described.class, this::onDescribed)
                .onMessageEquals(Refresh.INSTANCE, this::onRefresh)
                .onMessage(Rediscovered.class, this::onRediscovered)
                .onMessage(AddedNew.class, added -> {
                    refreshAdded += added.symbols().size();
                    addingNew = false;
                    return describeNext();
                })
                .onMessageEquals(SweepClosed.INSTANCE, () -> {
                    sweepClosed();
                    return this;
                })
                .build();
    }

    private Behavior<Command> onDiscovered(Discovered found) {
        Map<String, MarketInfo> bySymbol = new HashMap<>();
        for (MarketInfo info : found.markets()) {
            // A bare answer (a venue without metadata discovery) says nothing the catalogue can show.
            if (!info.equals(MarketInfo.bare(info.symbol()))) {
                bySymbol.put(info.symbol(), info);
            }
        }
        discovered = bySymbol;
        if (followed != null) {
            put(bySymbol.values().stream().filter(i -> followed.contains(i.symbol())).toList(), found.at());
        }
        return this;
    }

    private Behavior<Command> onFollowed(Followed now) {
        Set<String> before = followed == null ? Set.of() : followed;
        followed = now.symbols();
        dropping.retainAll(followed);
        forgetUnfollowed();
        List<MarketInfo> known = new ArrayList<>();
        for (String symbol : followed) {
            if (before.contains(symbol)) {
                continue;
            }
            MarketInfo info = discovered.get(symbol);
            if (info != null) {
                known.add(info);
            } else if (needsDescribing(symbol)) {
                toDescribe.add(symbol);
            }
        }
        put(known, System.currentTimeMillis());
        toDescribe.retainAll(followed);
        if (!toDescribe.isEmpty() && !describing && !timers.isTimerActive(DescribeDue.INSTANCE)) {
            timers.startSingleTimer(DescribeDue.INSTANCE, deps.settings().describeDebounce());
        }
        return this;
    }

    /**
     * Entries of markets no longer followed go (unfollowed here, or before this worker started: also looked at after
     * each refresh, as this node's replica may not have had every entry yet when the followed markets first came).
     */
    private void forgetUnfollowed() {
        List<String> gone = new ArrayList<>();
        for (MarketKey market : deps.view().all().keySet()) {
            if (market.venue() == venue && !followed.contains(market.symbol())) {
                gone.add(market.symbol());
            }
        }
        if (!gone.isEmpty()) {
            deps.catalog().tell(new MarketCatalog.Forget(venue, gone));
        }
    }

    private boolean needsDescribing(String symbol) {
        MarketMetadata entry = deps.view().get(MarketKey.of(venue, symbol));
        return entry == null || entry.updatedAt() == 0;
    }

    private void put(List<MarketInfo> infos, long at) {
        if (!infos.isEmpty()) {
            deps.catalog().tell(new MarketCatalog.Put(venue, List.copyOf(infos), at));
        }
    }

    /** Asks the venue about the next batch of markets to describe, if none is being asked now. */
    private Behavior<Command> describeNext() {
        if (describing) {
            return this;
        }
        if (followed != null) {
            toDescribe.retainAll(followed);
        }
        if (toDescribe.isEmpty()) {
            if (refreshing && !addingNew) {
                endRefresh();
            }
            return this;
        }
        if (cannotDescribe) {
            // Bare entries, so that the catalogue (and its topic) lists every followed market all the same.
            put(toDescribe.stream().filter(s -> deps.view().get(MarketKey.of(venue, s)) == null)
                    .map(MarketInfo::bare).toList(), 0);
            toDescribe.clear();
            return describeNext();
        }
        List<String> batch = new ArrayList<>();
        var it = toDescribe.iterator();
        while (it.hasNext() && batch.size() < deps.settings().describeBatch()) {
            batch.add(it.next());
            it.remove();
        }
        describing = true;
        long at = System.currentTimeMillis();
        CompletableFuture<List<MarketInfo>> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return deps.adapter().describe(deps.venue(), batch);
            } catch (UnsupportedOperationException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }, blocking);
        getContext().pipeToSelf(answer, (infos, failure) -> {
            if (failure == null) {
                return new Described(batch, infos, null, false, at);
            }
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return new Described(batch, null, cause.getMessage(), cause instanceof UnsupportedOperationException, at);
        });
        return this;
    }

    private Behavior<Command> onDescribed(Described described) {
        describing = false;
        if (described.unsupported()) {
            if (!cannotDescribe) {
                LOG.info("{} cannot describe markets ({}): markets without metadata stay bare",
                        venue.id(), described.error());
            }
            cannotDescribe = true;
            toDescribe.addAll(described.asked());
        } else if (described.infos() == null) {
            // Tried again at the next refresh; never taken for closed.
            LOG.warn("{} could not describe {} markets: {}", venue.id(), described.asked().size(),
                    described.error());
        } else {
            Set<String> listed = new HashSet<>();
            List<MarketInfo> wanted = new ArrayList<>();
            for (MarketInfo info : described.infos()) {
                listed.add(info.symbol());
                if (followed == null || followed.contains(info.symbol())) {
                    wanted.add(info);
                }
                if (!info.active()) {
                    refreshClosed++;
                }
            }
            put(wanted, described.at());
            List<String> delisted = described.asked().stream()
                    .filter(s -> !listed.contains(s) && (followed == null || followed.contains(s))).toList();
            if (!delisted.isEmpty()) {
                refreshClosed += delisted.size();
                deps.catalog().tell(new MarketCatalog.MarkClosed(venue, delisted, "delisted", described.at()));
            }
            refreshDescribed += described.infos().size();
        }
        return describeNext();
    }

    private Behavior<Command> onRefresh() {
        if (refreshing || followed == null) {
            return this; // the last one is still under way, or nothing is known to refresh yet
        }
        refreshing = true;
        refreshDiscovered = refreshAdded = refreshDescribed = refreshClosed = 0;
        if (!deps.venue().markets().isEmpty()) {
            return describeAll(Set.of());
        }
        long at = System.currentTimeMillis();
        CompletableFuture<List<MarketInfo>> found = CompletableFuture.supplyAsync(() -> {
            try {
                return deps.adapter().discover(deps.venue());
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }, blocking);
        getContext().pipeToSelf(found, (infos, failure) -> failure == null ? new Rediscovered(infos, null, at)
                : new Rediscovered(null, (failure.getCause() != null ? failure.getCause() : failure).getMessage(), at));
        return this;
    }

    private Behavior<Command> onRediscovered(Rediscovered result) {
        if (!refreshing || followed == null) {
            // Asked by this actor before a restart: the next refresh asks again.
            return this;
        }
        if (result.infos() == null) {
            LOG.warn("{} catalogue refresh: discovery failed: {}", venue.id(), result.error());
            return describeAll(Set.of());
        }
        refreshDiscovered = result.infos().size();
        onDiscovered(new Discovered(result.infos(), result.at()));
        List<String> fresh = result.infos().stream().filter(MarketInfo::active).map(MarketInfo::symbol)
                .filter(s -> !followed.contains(s)).toList();
        if (!fresh.isEmpty()) {
            addingNew = true;
            getContext().ask(Subscriptions.DiscoveredAdded.class, deps.subscriptions(), Duration.ofSeconds(30),
                    replyTo -> new Subscriptions.AddDiscovered(venue, fresh, replyTo),
                    (added, failure) -> new AddedNew(added == null ? List.of() : added.added()));
        }
        Set<String> listed = new HashSet<>();
        result.infos().forEach(i -> listed.add(i.symbol()));
        return describeAll(listed);
    }

    /** Queues every followed market discovery did not just describe. */
    private Behavior<Command> describeAll(Set<String> alreadyDescribed) {
        for (String symbol : followed) {
            if (!alreadyDescribed.contains(symbol)) {
                toDescribe.add(symbol);
            }
        }
        if (cannotDescribe) {
            toDescribe.clear();
        }
        return describeNext();
    }

    private void endRefresh() {
        refreshing = false;
        forgetUnfollowed();
        sweepClosed();
        LOG.info("{} catalogue refresh: {} markets followed, {} discovered, {} newly followed, "
                        + "{} described, {} closed or delisted, {} unfollowed (closed for longer than {})", venue.id(),
                followed.size(), refreshDiscovered, refreshAdded, refreshDescribed, refreshClosed,
                unfollowedSinceLastRefresh, deps.settings().closedGrace());
        unfollowedSinceLastRefresh = 0;
    }

    /** Unfollows the markets closed for longer than the grace period (not as removed by a user). */
    private void sweepClosed() {
        if (followed == null) {
            return;
        }
        long cutoff = System.currentTimeMillis() - deps.settings().closedGrace().toMillis();
        List<String> expired = new ArrayList<>();
        deps.view().all().forEach((market, entry) -> {
            if (market.venue() == venue && entry.closedSince() > 0 && entry.closedSince() <= cutoff
                    && followed.contains(market.symbol()) && !dropping.contains(market.symbol())) {
                expired.add(market.symbol());
            }
        });
        if (!expired.isEmpty()) {
            dropping.addAll(expired);
            unfollowedSinceLastRefresh += expired.size();
            LOG.info("{}: unfollowing {} markets closed for longer than {}: {}", venue.id(),
                    expired.size(), deps.settings().closedGrace(), expired.size() <= 10 ? expired : "");
            deps.subscriptions().tell(new Subscriptions.Drop(venue, expired));
        }
    }
}
