package io.marketmesh.node.instrument;

import io.marketmesh.node.catalog.CatalogView;
import io.marketmesh.node.subscription.FollowedMarkets;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * This node's list of instruments, and the keeper of their actors. Instruments come from three places: crypto spot
 * markets grouped by {@code BASE-QUOTE} from the catalogue (followed markets only), those declared in configuration
 * ({@code marketmesh.instruments.links}), and those added at runtime ({@code POST /api/v1/instruments}), which live in
 * Distributed Data so every node knows them. A declared or added id wins over an automatic one of the same name.
 *
 * <p>It recomputes the list when the catalogue or the followed markets move (checked every second, from their
 * published views) and publishes it as an {@link InstrumentsView}. The directory of the oldest Up member (one writer,
 * so that two nodes whose replicas differ for a moment do not redefine an instrument back and forth) tells each
 * instrument's sharded actor its definition when it changes and again every {@code keep-alive} (an actor that a
 * rebalance stopped starts again; a new oldest member takes over within one), and retires instruments that went away.
 */
public final class InstrumentDirectory extends AbstractBehavior<InstrumentDirectory.Command> {

    public sealed interface Command permits Add, Remove, Tick, KeepAlive, RuntimeChanged, Written {
    }

    /** Adds (or replaces) an instrument at runtime; answers null on success, else why not. */
    public record Add(InstrumentDefinition definition, ActorRef<Result> replyTo) implements Command {
    }

    /** Removes an instrument added at runtime. */
    public record Remove(String id, ActorRef<Result> replyTo) implements Command {
    }

    /**
     * @param status HTTP-like: 200 done, 404 unknown, 409 not removable or taken, 503 the write did not reach a
     *               majority of nodes in time
     */
    public record Result(int status, String error) {
    }

    private enum Tick implements Command {
        INSTANCE
    }

    private enum KeepAlive implements Command {
        INSTANCE
    }

    private record RuntimeChanged(Map<String, InstrumentDefinition> runtime) implements Command {
    }

    private record Written(ActorRef<Result> replyTo, Result result) implements Command {
    }

    /** The Distributed Data key of the instruments added at runtime, which each node also keeps on disk. */
    public static final String DURABLE_KEY = "instruments-runtime";
    private static final Key<LWWMap<String, InstrumentDefinition>> RUNTIME_KEY = LWWMapKey.create(DURABLE_KEY);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);

    public static Behavior<Command> create(InstrumentSettings settings, CatalogView catalog, FollowedMarkets followed,
                                           InstrumentsView view) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> DistributedData.withReplicatorMessageAdapter(
                (ReplicatorMessageAdapter<Command, LWWMap<String, InstrumentDefinition>> replicator) ->
                        new InstrumentDirectory(context, timers, replicator, settings, catalog, followed, view))));
    }

    private final ReplicatorMessageAdapter<Command, LWWMap<String, InstrumentDefinition>> replicator;
    private final SelfUniqueAddress selfAddress;
    private final InstrumentSettings settings;
    private final CatalogView catalog;
    private final FollowedMarkets followed;
    private final InstrumentsView view;
    private final ClusterSharding sharding;
    private final InstrumentIds ids;
    private final Cluster cluster;

    private Map<String, InstrumentDefinition> runtime = Map.of();
    private Map<String, InstrumentDefinition> current = Map.of();
    private long catalogVersion = -1;
    private long followedVersion = -1;
    private boolean runtimeMoved = true;

    private InstrumentDirectory(ActorContext<Command> context, TimerScheduler<Command> timers,
                                ReplicatorMessageAdapter<Command, LWWMap<String, InstrumentDefinition>> replicator,
                                InstrumentSettings settings, CatalogView catalog, FollowedMarkets followed,
                                InstrumentsView view) {
        super(context);
        this.replicator = replicator;
        this.selfAddress = DistributedData.get(context.getSystem()).selfUniqueAddress();
        this.settings = settings;
        this.catalog = catalog;
        this.followed = followed;
        this.view = view;
        this.sharding = ClusterSharding.get(context.getSystem());
        this.ids = new InstrumentIds(settings.assetAliases());
        this.cluster = Cluster.get(context.getSystem());
        replicator.subscribe(RUNTIME_KEY, response -> response instanceof Replicator.Changed<LWWMap<String, InstrumentDefinition>> c
                ? new RuntimeChanged(Map.copyOf(c.get(RUNTIME_KEY).getEntries()))
                : new RuntimeChanged(Map.of()));
        timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
        timers.startTimerWithFixedDelay(KeepAlive.INSTANCE, settings.keepAlive());
        recompute();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Add.class, this::onAdd)
                .onMessage(Remove.class, this::onRemove)
                .onMessage(Written.class, w -> {
                    w.replyTo().tell(w.result());
                    return this;
                })
                .onMessage(RuntimeChanged.class, c -> {
                    runtime = c.runtime();
                    runtimeMoved = true;
                    recompute();
                    return this;
                })
                .onMessageEquals(Tick.INSTANCE, () -> {
                    recompute();
                    return this;
                })
                .onMessageEquals(KeepAlive.INSTANCE, () -> {
                    if (leading()) {
                        current.values().forEach(this::define);
                    }
                    return this;
                })
                .build();
    }

    private Behavior<Command> onAdd(Add add) {
        InstrumentDefinition definition = add.definition();
        InstrumentDefinition existing = current.get(definition.id());
        if (existing != null && !InstrumentDefinition.RUNTIME.equals(existing.origin())) {
            add.replyTo().tell(new Result(409, "instrument '" + definition.id() + "' is "
                    + (InstrumentDefinition.CONFIG.equals(existing.origin()) ? "declared in configuration"
                    : "found automatically from the catalogue") + "; choose another id"));
            return this;
        }
        InstrumentDefinition stored = new InstrumentDefinition(definition.id(), definition.legs(),
                InstrumentDefinition.RUNTIME);
        replicator.askUpdate(replyTo -> new Replicator.Update<>(RUNTIME_KEY, LWWMap.create(),
                        new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo, map -> map.put(selfAddress, stored.id(), stored)),
                response -> new Written(add.replyTo(), response instanceof Replicator.UpdateSuccess
                        ? new Result(200, null)
                        : new Result(503, "not confirmed by a majority of nodes in time; it may still spread")));
        return this;
    }

    private Behavior<Command> onRemove(Remove remove) {
        InstrumentDefinition existing = current.get(remove.id());
        if (existing == null) {
            remove.replyTo().tell(new Result(404, "no instrument '" + remove.id() + "'"));
            return this;
        }
        if (!InstrumentDefinition.RUNTIME.equals(existing.origin())) {
            remove.replyTo().tell(new Result(409, "instrument '" + remove.id() + "' was not added at runtime ("
                    + existing.origin() + "): it cannot be removed here"));
            return this;
        }
        replicator.askUpdate(replyTo -> new Replicator.Update<>(RUNTIME_KEY, LWWMap.create(),
                        new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo, map -> map.remove(selfAddress, remove.id())),
                response -> new Written(remove.replyTo(), response instanceof Replicator.UpdateSuccess
                        ? new Result(200, null)
                        : new Result(503, "not confirmed by a majority of nodes in time; it may still spread")));
        return this;
    }

    private void recompute() {
        long c = catalog.version();
        long f = followed.version();
        if (c == catalogVersion && f == followedVersion && !runtimeMoved) {
            return;
        }
        catalogVersion = c;
        followedVersion = f;
        runtimeMoved = false;
        Map<String, InstrumentDefinition> next = new TreeMap<>(automatic());
        for (InstrumentDefinition link : settings.links()) {
            next.put(link.id(), link);
        }
        runtime.forEach((id, definition) -> {
            if (!(next.containsKey(id) && InstrumentDefinition.CONFIG.equals(next.get(id).origin()))) {
                next.put(id, definition);
            }
        });
        Map<String, InstrumentDefinition> before = current;
        current = Map.copyOf(next);
        view.publish(current);
        if (leading()) {
            for (InstrumentDefinition definition : current.values()) {
                if (!definition.equals(before.get(definition.id()))) {
                    define(definition);
                }
            }
        }
        // Every node that saw an instrument go says so: the oldest member may have left meanwhile.
        for (String id : before.keySet()) {
            if (!current.containsKey(id)) {
                sharding.entityRefFor(InstrumentActor.TYPE_KEY, id).tell(new InstrumentActor.Retire());
            }
        }
        if (!before.keySet().equals(current.keySet())) {
            getContext().getLog().info("{} instruments ({} found from the catalogue)", current.size(),
                    current.values().stream().filter(d -> InstrumentDefinition.AUTO.equals(d.origin())).count());
        }
    }

    /** Followed crypto spot markets grouped by their canonical pair. */
    private Map<String, InstrumentDefinition> automatic() {
        if (!settings.autoCrypto()) {
            return Map.of();
        }
        Map<String, List<InstrumentDefinition.Leg>> groups = new HashMap<>();
        for (Map.Entry<MarketKey, MarketMetadata> entry : catalog.all().entrySet()) {
            MarketKey market = entry.getKey();
            if (!followed.contains(market.venue(), market.symbol())) {
                continue;
            }
            String id = ids.canonicalId(entry.getValue());
            if (id != null) {
                groups.computeIfAbsent(id, k -> new ArrayList<>()).add(new InstrumentDefinition.Leg(market, true));
            }
        }
        Map<String, InstrumentDefinition> out = new HashMap<>();
        groups.forEach((id, legs) -> {
            if (legs.size() >= settings.autoMinMarkets()) {
                legs.sort(Comparator.comparing((InstrumentDefinition.Leg l) -> l.market().venue())
                        .thenComparing(l -> l.market().symbol()));
                out.put(id, new InstrumentDefinition(id, legs, InstrumentDefinition.AUTO));
            }
        });
        return out;
    }

    /** Whether this node is the oldest Up member: the one whose directory defines the instruments' actors. */
    private boolean leading() {
        Member self = cluster.selfMember();
        if (self.status() != MemberStatus.up()) {
            return false;
        }
        for (Member member : cluster.state().getMembers()) {
            if (member.status() == MemberStatus.up() && !member.equals(self) && member.isOlderThan(self)) {
                return false;
            }
        }
        return true;
    }

    private void define(InstrumentDefinition definition) {
        sharding.entityRefFor(InstrumentActor.TYPE_KEY, definition.id()).tell(new InstrumentActor.Define(definition));
    }

}
