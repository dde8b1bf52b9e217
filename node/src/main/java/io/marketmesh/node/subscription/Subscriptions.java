package io.marketmesh.node.subscription;

import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ddata.Flag;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * This node's door to the cluster-wide set of followed markets, replicated in Pekko Distributed Data: each venue's
 * symbols in {@link SubscriptionKeys#BUCKETS} {@link ORSet}s by hash, so that no replicated entry outgrows what one
 * cluster message may carry. The HTTP API adds and removes markets through it (written to a majority of
 * nodes before it answers), connection workers watch it, and each venue is seeded once per cluster from
 * configuration or discovery (a replicated flag remembers it, so a restarted worker does not bring back markets
 * a user removed). A market a user removes ({@link Unfollow}) is also recorded in a replicated removed-by-user set
 * (bucketed the same way) that discovery's refresh ({@link AddDiscovered}) never adds back, until a user follows it
 * again ({@link Follow}); the catalogue unfollows closed markets with {@link Drop}, which records nothing. Reads are served from this node's replica, which it keeps by subscribing to every key, and
 * which it publishes after every change as a {@link FollowedMarkets} snapshot that the HTTP API reads without asking.
 */
public final class Subscriptions extends AbstractBehavior<Subscriptions.Command> {

    public sealed interface Command permits Follow, Unfollow, GetFollowed, IsFollowed, Seed, Watch, Changed, Updated, Read,
            SeedChecked, SeedFlagged, VenueStepDone, Joined, Refreshed, Flush, AddDiscovered, Drop, RemovedChanged,
            RemovedWritten {
    }

    /** A user adds markets (idempotent); any of them a user had removed is no longer recorded as removed. */
    public record Follow(Venue venue, List<String> symbols, ActorRef<FollowResult> replyTo) implements Command {
    }

    public record FollowResult(Venue venue, List<String> added, List<String> alreadyFollowed, String error) {
    }

    /**
     * A user removes a market: recorded as removed by a user, so discovery does not add it back. Answers whether it
     * was followed ({@code null} when the write failed).
     */
    public record Unfollow(Venue venue, String symbol, ActorRef<UnfollowResult> replyTo) implements Command {
    }

    public record UnfollowResult(boolean wasFollowed, String error) {
    }

    /** This node's view: every followed market per venue. */
    public record GetFollowed(ActorRef<Followed> replyTo) implements Command {
    }

    public record IsFollowed(Venue venue, String symbol, ActorRef<Boolean> replyTo) implements Command {
    }

    /** Symbols per venue, sorted; venues with none are absent. */
    public record Followed(Map<Venue, Set<String>> symbols) implements CborSerializable {

        public Set<String> of(Venue venue) {
            return symbols.getOrDefault(venue, Set.of());
        }

        public boolean contains(Venue venue, String symbol) {
            return of(venue).contains(symbol);
        }
    }

    /**
     * The first seeding of a venue in this cluster's life adds {@code symbols}; later ones do nothing. Answers with
     * whether the symbols were added.
     */
    public record Seed(Venue venue, List<String> symbols, ActorRef<Boolean> replyTo) implements Command {
    }

    /** {@code watcher} gets the venue's full symbol set now (once known) and after every change. */
    public record Watch(Venue venue, ActorRef<VenueSymbols> watcher) implements Command {
    }

    public record VenueSymbols(Venue venue, Set<String> symbols) {
    }

    /**
     * Markets discovery found (a refresh): the ones neither followed nor removed by a user are added. Answers with the
     * ones added (empty when none, or when the write failed).
     */
    public record AddDiscovered(Venue venue, List<String> symbols, ActorRef<DiscoveredAdded> replyTo) implements Command {
    }

    public record DiscoveredAdded(List<String> added) {
    }

    /** Stops following markets for the system's own reason (the venue closed them): not recorded as removed by a user. */
    public record Drop(Venue venue, List<String> symbols) implements Command {
    }

    private record Changed(Venue venue, int bucket, Set<String> symbols) implements Command {
    }

    /** A bucket of the removed-by-user set changed (here or by gossip). */
    private record RemovedChanged(Venue venue, int bucket, Set<String> symbols) implements Command {
    }

    private record RemovedWritten(Venue venue, String error, Runnable then) implements Command {
    }

    /** One bucket's write of a {@link PendingWrite} was answered. */
    private record Updated(PendingWrite write, boolean success, String error) implements Command {
    }

    private record Read(Venue venue, int bucket, Set<String> symbols, boolean found, boolean failed) implements Command {
    }

    /** Buckets of the venue changed: its whole set is rebuilt once, and watchers told, for however many changed. */
    private record Flush(Venue venue) implements Command {
    }

    private record SeedChecked(Seed seed, boolean alreadySeeded, boolean failed) implements Command {
    }

    /** The seeded flag's write was answered ({@code error} null: confirmed by a majority). */
    private record SeedFlagged(Seed seed, String error) implements Command {
    }

    /** One of a venue's start-up steps (its majority read, its configuration seed) is done. */
    private record VenueStepDone(Venue venue) implements Command {
    }

    /** This node is Up; {@code oldest}: no Up member is older, so it is the one to seed the configured markets. */
    private record Joined(boolean oldest) implements Command {
    }

    private record Refreshed(PendingWrite write, int bucket, Set<String> symbols) implements Command {
    }

    private final ReplicatorMessageAdapter<Command, ORSet<String>> sets;
    private final ReplicatorMessageAdapter<Command, Flag> flags;
    private final SelfUniqueAddress self;
    private final Duration writeTimeout;
    private final AtomicBoolean synced;
    /** Each venue's whole set, as watchers and {@link GetFollowed} see it: rebuilt from the buckets when they change. */
    private final Map<Venue, Set<String>> symbols = new EnumMap<>(Venue.class);
    /** Each venue's buckets as this replica last saw them. */
    private final Map<Venue, List<Set<String>>> buckets = new EnumMap<>(Venue.class);
    private final RemovedByUser removedByUser = new RemovedByUser();
    /** Venues with a {@link Flush} on its way. */
    private final java.util.Set<Venue> flushing = java.util.EnumSet.noneOf(Venue.class);
    /** Bucket reads still outstanding per venue at start-up, and whether one of them failed. */
    private final Map<Venue, Integer> readsPending = new EnumMap<>(Venue.class);
    private final java.util.Set<Venue> readFailed = java.util.EnumSet.noneOf(Venue.class);
    /**
     * Venues whose set this node has read (or had news of): only then are watchers told, since an empty set before
     * that would make a worker take every market for unfollowed.
     */
    private final java.util.Set<Venue> known = java.util.EnumSet.noneOf(Venue.class);
    private final Map<Venue, List<ActorRef<VenueSymbols>>> watchers;
    private final FollowedMarkets view;

    /**
     * @param timeout how long a majority read or write may take
     * @param synced  set once this node has read every venue's set from a majority (or, failing that, locally):
     *                the node reports ready only then, so it never answers "not followed" for want of gossip
     */
    /**
     * @param configured each venue's configured markets: the first node of a cluster seeds them before it reports
     *                   ready (discovered markets are seeded later, by each venue's worker 0)
     */
    /**
     * The Distributed Data keys of this actor that each node keeps on disk ({@code *} at the end: a prefix), so that a
     * restart of every node at once keeps what users followed and removed, and the seeded flags.
     */
    public static final List<String> DURABLE_KEYS = SubscriptionKeys.DURABLE_PREFIXES;

    public static Behavior<Command> create(Duration timeout, AtomicBoolean synced, Map<Venue, List<String>> configured) {
        return create(timeout, synced, configured, new FollowedMarkets());
    }

    /** @param view where the actor publishes every change of its view, for readers that must not ask (the HTTP API) */
    public static Behavior<Command> create(Duration timeout, AtomicBoolean synced, Map<Venue, List<String>> configured,
                                           FollowedMarkets view) {
        // Outside setup so that a restart (after a bug, say) keeps telling the same workers; the sets are re-read.
        Map<Venue, List<ActorRef<VenueSymbols>>> watchers = new EnumMap<>(Venue.class);
        Behavior<Command> subscriptions = Behaviors.setup(context -> DistributedData.withReplicatorMessageAdapter(
                (ReplicatorMessageAdapter<Command, ORSet<String>> sets) -> DistributedData.withReplicatorMessageAdapter(
                        (ReplicatorMessageAdapter<Command, Flag> flags) ->
                                new Subscriptions(context, sets, flags, timeout, synced, watchers, configured, view))));
        return Behaviors.supervise(subscriptions).onFailure(SupervisorStrategy.restart());
    }

    private static Key<Flag> seededKey(Venue venue) {
        return SubscriptionKeys.seededKey(venue);
    }

    private Subscriptions(ActorContext<Command> context, ReplicatorMessageAdapter<Command, ORSet<String>> sets,
                          ReplicatorMessageAdapter<Command, Flag> flags, Duration timeout, AtomicBoolean synced,
                          Map<Venue, List<ActorRef<VenueSymbols>>> watchers, Map<Venue, List<String>> configured,
                          FollowedMarkets view) {
        super(context);
        this.view = view;
        this.watchers = watchers;
        watchers.values().forEach(list -> list.forEach(context::watch));
        this.sets = sets;
        this.flags = flags;
        this.self = DistributedData.get(context.getSystem()).selfUniqueAddress();
        this.writeTimeout = timeout;
        this.synced = synced;
        this.configured = configured;
        for (Venue venue : Venue.values()) {
            symbols.put(venue, Set.of());
            buckets.put(venue, new ArrayList<>(Collections.nCopies(SubscriptionKeys.BUCKETS, Set.<String>of())));
            for (int bucket = 0; bucket < SubscriptionKeys.BUCKETS; bucket++) {
                // One function for every key: the adapter keeps one mapping per response class, not per key.
                sets.subscribe(SubscriptionKeys.key(venue, bucket), Subscriptions::changed);
                sets.subscribe(SubscriptionKeys.removedKey(venue, bucket), Subscriptions::changed);
            }
        }
        view.publish(symbols);
        // Reads and seeding wait until this node is Up: before it has joined, the replicator knows no other node and a
        // "majority" read is a local one, which would take a seeded cluster for a new one and bring back markets a
        // user removed.
        Cluster cluster = Cluster.get(context.getSystem());
        cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(SelfUp.class, up -> {
            Member self = cluster.selfMember();
            boolean oldest = true;
            for (Member member : up.currentClusterState().getMembers()) {
                if (member.status() == MemberStatus.up() && !member.equals(self) && member.isOlderThan(self)) {
                    oldest = false;
                }
            }
            return new Joined(oldest);
        }), SelfUp.class));
    }

    private Behavior<Command> onJoined(Joined joined) {
        for (Venue venue : Venue.values()) {
            readFromMajority(venue);
            startupSteps++;
            venueSteps.merge(venue, 1, Integer::sum);
            List<String> markets = configured.getOrDefault(venue, List.of());
            if (joined.oldest() && !markets.isEmpty()) {
                getContext().ask(Boolean.class, getContext().getSelf(), writeTimeout.multipliedBy(3),
                        replyTo -> new Seed(venue, markets, replyTo), (added, failure) -> new VenueStepDone(venue));
                startupSteps++;
                venueSteps.merge(venue, 1, Integer::sum);
            }
        }
        return this;
    }

    /**
     * A venue's start-up steps still outstanding: its set is known (and watchers are told) only when none is, so a
     * worker never sees the empty set of a read that came before this node's own seeding.
     */
    private final Map<Venue, Integer> venueSteps = new EnumMap<>(Venue.class);

    private Behavior<Command> onVenueStepDone(Venue venue) {
        if (venueSteps.merge(venue, -1, Integer::sum) <= 0) {
            markKnown(venue);
        }
        return onStartupStepDone();
    }

    private final Map<Venue, List<String>> configured;

    /** Majority reads and configuration seeds still outstanding; the node reports ready at 0. */
    private int startupSteps;

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Follow.class, this::onFollow)
                .onMessage(Unfollow.class, this::onUnfollow)
                .onMessage(GetFollowed.class, this::onGetFollowed)
                .onMessage(IsFollowed.class, m -> {
                    m.replyTo().tell(isFollowed(m.venue(), m.symbol()));
                    return this;
                })
                .onMessage(Seed.class, this::onSeed)
                .onMessage(SeedChecked.class, this::onSeedChecked)
                .onMessage(SeedFlagged.class, m -> {
                    if (m.error() != null) {
                        getContext().getLog().warn("subscriptions of {}: {}", m.seed().venue().id(), m.error());
                    }
                    m.seed().replyTo().tell(true);
                    return this;
                })
                .onMessage(Watch.class, this::onWatch)
                .onMessage(Changed.class, m -> {
                    buckets.get(m.venue()).set(m.bucket(), m.symbols());
                    if (flushing.add(m.venue())) {
                        getContext().getSelf().tell(new Flush(m.venue()));
                    }
                    return this;
                })
                .onMessage(Flush.class, m -> {
                    flushing.remove(m.venue());
                    rebuild(m.venue());
                    return this;
                })
                .onMessage(Read.class, this::onRead)
                .onMessage(VenueStepDone.class, m -> onVenueStepDone(m.venue()))
                .onMessage(Joined.class, this::onJoined)
                .onMessage(Refreshed.class, this::onRefreshed)
                .onMessage(Updated.class, this::onUpdated)
                .onMessage(AddDiscovered.class, this::onAddDiscovered)
                .onMessage(Drop.class, this::onDrop)
                .onMessage(RemovedChanged.class, m -> {
                    removedByUser.replicaChanged(m.venue(), m.bucket(), m.symbols());
                    return this;
                })
                .onMessage(RemovedWritten.class, m -> {
                    if (m.error() != null) {
                        getContext().getLog().warn("removed-by-user markets of {}: {}", m.venue().id(), m.error());
                    }
                    m.then().run();
                    return this;
                })
                .onSignal(Terminated.class, this::onWatcherGone)
                .build();
    }

    private void readFromMajority(Venue venue) {
        readsPending.put(venue, SubscriptionKeys.BUCKETS);
        for (int i = 0; i < SubscriptionKeys.BUCKETS; i++) {
            int bucket = i;
            Key<ORSet<String>> key = SubscriptionKeys.key(venue, bucket);
            sets.askGet(replyTo -> new Replicator.Get<>(key, new Replicator.ReadMajority(writeTimeout), replyTo),
                    response -> {
                        if (response instanceof Replicator.GetSuccess<ORSet<String>> success) {
                            return new Read(venue, bucket, Set.copyOf(success.get(key).getElements()), true, false);
                        }
                        return new Read(venue, bucket, Set.of(), false, response instanceof Replicator.GetFailure);
                    });
        }
    }

    private static Command changed(Replicator.SubscribeResponse<ORSet<String>> response) {
        SubscriptionKeys.Bucket bucket = SubscriptionKeys.bucketOf(response.key());
        // Deleted: never done here; read as empty.
        Set<String> symbols = response instanceof Replicator.Changed<ORSet<String>> c
                ? Set.copyOf(c.get(response.key()).getElements()) : Set.of();
        return bucket.removed() ? new RemovedChanged(bucket.venue(), bucket.index(), symbols)
                : new Changed(bucket.venue(), bucket.index(), symbols);
    }

    private Behavior<Command> onRead(Read read) {
        if (read.failed()) {
            readFailed.add(read.venue());
        } else if (read.found()) {
            buckets.get(read.venue()).set(read.bucket(), read.symbols());
        }
        if (readsPending.merge(read.venue(), -1, Integer::sum) > 0) {
            return this;
        }
        if (readFailed.remove(read.venue())) {
            // No majority reachable (yet): the subscription keeps this replica current as gossip arrives.
            getContext().getLog().warn("subscriptions of {}: no majority answered within {}; serving this node's replica",
                    read.venue().id(), writeTimeout);
        }
        rebuild(read.venue());
        // Found, not found (no market followed yet) or no majority (this replica, kept current by gossip).
        return onVenueStepDone(read.venue());
    }

    private boolean isFollowed(Venue venue, String symbol) {
        return buckets.get(venue).get(SubscriptionKeys.bucketOf(symbol)).contains(symbol);
    }

    private Behavior<Command> onStartupStepDone() {
        if (--startupSteps == 0) {
            synced.set(true);
        }
        return this;
    }

    private Behavior<Command> onFollow(Follow follow) {
        recordRemovedByUser(follow.venue(), follow.symbols(), false);
        List<String> added = new ArrayList<>();
        List<String> already = new ArrayList<>();
        for (String symbol : new java.util.LinkedHashSet<>(follow.symbols())) {
            (isFollowed(follow.venue(), symbol) ? already : added).add(symbol);
        }
        if (added.isEmpty()) {
            follow.replyTo().tell(new FollowResult(follow.venue(), List.of(), already, null));
            return this;
        }
        add(follow.venue(), added, () -> follow.replyTo().tell(new FollowResult(follow.venue(), added, already, null)),
                error -> follow.replyTo().tell(new FollowResult(follow.venue(), List.of(), already, error)));
        return this;
    }

    private Behavior<Command> onUnfollow(Unfollow unfollow) {
        if (!isFollowed(unfollow.venue(), unfollow.symbol())) {
            unfollow.replyTo().tell(new UnfollowResult(false, null));
            return this;
        }
        int bucket = SubscriptionKeys.bucketOf(unfollow.symbol());
        // "Removed by the user" is written (to a majority, and to disk) before the market leaves the followed set and
        // before the answer: a market out of the followed set but not yet recorded as removed would be added back by
        // discovery after a full restart.
        recordRemovedByUser(unfollow.venue(), List.of(unfollow.symbol()), true, removedError -> {
            PendingWrite write = new PendingWrite(unfollow.venue(), List.of(bucket),
                    () -> unfollow.replyTo().tell(new UnfollowResult(true, removedError)),
                    error -> unfollow.replyTo().tell(new UnfollowResult(true, error)));
            writeBucket(write, bucket, set -> set.remove(self, unfollow.symbol()));
        });
        return this;
    }

    /**
     * Adds the markets to (or takes them out of) the venue's removed-by-user set, in this node's mirror at once (so a
     * refresh right after sees it) and in the replicated set, written to a majority; a failed write is logged (it
     * spreads by gossip if this node stays up).
     */
    private void recordRemovedByUser(Venue venue, List<String> symbols, boolean removed) {
        recordRemovedByUser(venue, symbols, removed, error -> { });
    }

    /** As above, then {@code then} with null or the first write's error, once every bucket's write has answered. */
    private void recordRemovedByUser(Venue venue, List<String> symbols, boolean removed,
                                     java.util.function.Consumer<String> then) {
        var changed = removedByUser.mark(venue, symbols, removed);
        if (changed.isEmpty()) {
            then.accept(null);
            return;
        }
        int[] outstanding = {changed.size()};
        String[] firstError = {null};
        changed.forEach((bucket, inBucket) -> sets.askUpdate(
                replyTo -> new Replicator.Update<>(SubscriptionKeys.removedKey(venue, bucket), ORSet.empty(),
                        new Replicator.WriteMajority(writeTimeout), replyTo, set -> {
                            ORSet<String> result = set;
                            for (String symbol : inBucket) {
                                result = removed ? result.add(self, symbol) : result.remove(self, symbol);
                            }
                            return result;
                        }),
                response -> {
                    String error = response instanceof Replicator.UpdateSuccess ? null
                            : "not confirmed by a majority within " + writeTimeout + ": " + response;
                    // Run by the actor when the message arrives: the counters are only ever touched by it.
                    return new RemovedWritten(venue, error, () -> {
                        if (firstError[0] == null) {
                            firstError[0] = error;
                        }
                        if (--outstanding[0] == 0) {
                            then.accept(firstError[0]);
                        }
                    });
                }));
    }

    private Behavior<Command> onAddDiscovered(AddDiscovered discovered) {
        Venue venue = discovered.venue();
        List<String> fresh = discovered.symbols().stream().distinct()
                .filter(s -> !isFollowed(venue, s) && !removedByUser.contains(venue, s)).toList();
        if (fresh.isEmpty()) {
            discovered.replyTo().tell(new DiscoveredAdded(List.of()));
            return this;
        }
        add(venue, fresh, () -> discovered.replyTo().tell(new DiscoveredAdded(fresh)),
                error -> discovered.replyTo().tell(new DiscoveredAdded(List.of())));
        return this;
    }

    private Behavior<Command> onDrop(Drop drop) {
        Venue venue = drop.venue();
        Map<Integer, List<String>> byBucket = SubscriptionKeys.byBucket(
                drop.symbols().stream().distinct().filter(s -> isFollowed(venue, s)).toList());
        if (byBucket.isEmpty()) {
            return this;
        }
        PendingWrite write = new PendingWrite(venue, byBucket.keySet(), () -> { }, error -> { });
        byBucket.forEach((bucket, dropped) -> writeBucket(write, bucket, set -> {
            ORSet<String> result = set;
            for (String symbol : dropped) {
                result = result.remove(self, symbol);
            }
            return result;
        }));
        return this;
    }

    private Behavior<Command> onGetFollowed(GetFollowed get) {
        get.replyTo().tell(FollowedMarkets.sorted(symbols));
        return this;
    }

    /** Further majority reads of a venue's seeded flag after a failed one, before a seeding is given up. */
    private static final int SEED_READ_RETRIES = 5;
    private static final Duration SEED_READ_RETRY_DELAY = Duration.ofSeconds(1);
    /** Failed reads so far, per seeding in progress (only those whose read failed). */
    private final Map<Seed, Integer> seedReadRetries = new java.util.HashMap<>();

    private Behavior<Command> onSeed(Seed seed) {
        flags.askGet(replyTo -> new Replicator.Get<>(seededKey(seed.venue()), new Replicator.ReadMajority(writeTimeout), replyTo),
                response -> {
                    if (response instanceof Replicator.GetSuccess<Flag> success) {
                        return new SeedChecked(seed, success.get(seededKey(seed.venue())).enabled(), false);
                    }
                    return new SeedChecked(seed, false, !(response instanceof Replicator.NotFound));
                });
        return this;
    }

    private Behavior<Command> onSeedChecked(SeedChecked checked) {
        Seed seed = checked.seed();
        if (checked.failed()) {
            // Read again rather than give up at once: right after a start the replicator may still be loading the
            // durable state from disk (seconds on a loaded machine), and a venue never seeded would follow nothing.
            int retries = seedReadRetries.merge(seed, 1, Integer::sum);
            if (retries <= SEED_READ_RETRIES) {
                getContext().getLog().info("{}: could not read whether the cluster was seeded already; reading again "
                        + "in {} ({}/{})", seed.venue().id(), SEED_READ_RETRY_DELAY, retries, SEED_READ_RETRIES);
                getContext().scheduleOnce(SEED_READ_RETRY_DELAY, getContext().getSelf(), seed);
                return this;
            }
            seedReadRetries.remove(seed);
            seed.replyTo().tell(false);
            getContext().getLog().warn("{}: could not read whether the cluster was seeded already; not seeding now",
                    seed.venue().id());
            return this;
        }
        seedReadRetries.remove(seed);
        if (checked.alreadySeeded()) {
            seed.replyTo().tell(false);
            return this;
        }
        // A market a user removed stays removed, also when an unseeded flag (a wiped node started alone) asks to seed.
        List<String> seeding = seed.symbols().stream().filter(s -> !removedByUser.contains(seed.venue(), s)).toList();
        Runnable flagSeeded = () -> {
            flags.askUpdate(replyTo -> new Replicator.Update<>(seededKey(seed.venue()), Flag.create(),
                            new Replicator.WriteMajority(writeTimeout), replyTo, Flag::switchOn),
                    // The symbols are in; a flag not confirmed by a majority yet still spreads by gossip.
                    response -> new SeedFlagged(seed, response instanceof Replicator.UpdateSuccess ? null
                            : "seeded flag: " + response));
        };
        if (seeding.isEmpty()) {
            flagSeeded.run();
        } else {
            add(seed.venue(), seeding, flagSeeded, error -> seed.replyTo().tell(false));
        }
        return this;
    }

    /** Adds symbols to the venue's set, each bucket with one write. */
    private void add(Venue venue, List<String> symbols, Runnable onSuccess, java.util.function.Consumer<String> onFailure) {
        Map<Integer, List<String>> byBucket = SubscriptionKeys.byBucket(symbols);
        PendingWrite write = new PendingWrite(venue, byBucket.keySet(), onSuccess, onFailure);
        byBucket.forEach((bucket, added) -> writeBucket(write, bucket, set -> {
            ORSet<String> result = set;
            for (String symbol : added) {
                result = result.add(self, symbol);
            }
            return result;
        }));
    }

    private void writeBucket(PendingWrite write, int bucket, java.util.function.Function<ORSet<String>, ORSet<String>> change) {
        sets.askUpdate(replyTo -> new Replicator.Update<>(SubscriptionKeys.key(write.venue, bucket), ORSet.empty(),
                        new Replicator.WriteMajority(writeTimeout), replyTo, change::apply),
                response -> {
                    if (response instanceof Replicator.UpdateSuccess) {
                        return new Updated(write, true, null);
                    }
                    // UpdateTimeout: the change is in this replica and spreads by gossip if this node stays in the
                    // cluster, but a majority has not confirmed it, so the caller is told rather than shown success.
                    String error = response instanceof Replicator.UpdateTimeout
                            ? "written on this node but not confirmed by a majority of nodes within " + writeTimeout
                            + " (it spreads if this node stays in the cluster, and is lost if it is downed)"
                            : "write failed: " + response;
                    return new Updated(write, false, error);
                });
    }

    private Behavior<Command> onUpdated(Updated updated) {
        PendingWrite write = updated.write();
        if (!updated.success() && write.error == null) {
            write.error = updated.error();
        }
        if (--write.outstanding > 0) {
            return this;
        }
        if (write.error != null) {
            getContext().getLog().warn("subscriptions of {}: {}", write.venue.id(), write.error);
            write.onFailure.accept(write.error);
        } else {
            refresh(write);
        }
        return this;
    }

    /**
     * Re-reads the written buckets from this node's replica before answering a write, so the cache (and the workers)
     * show the set as it is, including changes other nodes made meanwhile, rather than this node's guess of it.
     */
    private void refresh(PendingWrite write) {
        write.outstanding = write.buckets.size();
        for (int bucket : write.buckets) {
            Key<ORSet<String>> key = SubscriptionKeys.key(write.venue, bucket);
            sets.askGet(replyTo -> new Replicator.Get<>(key, Replicator.readLocal(), replyTo), response ->
                    new Refreshed(write, bucket, response instanceof Replicator.GetSuccess<ORSet<String>> success
                            ? Set.copyOf(success.get(key).getElements()) : buckets.get(write.venue).get(bucket)));
        }
    }

    private Behavior<Command> onRefreshed(Refreshed refreshed) {
        PendingWrite write = refreshed.write();
        buckets.get(write.venue).set(refreshed.bucket(), refreshed.symbols());
        if (--write.outstanding == 0) {
            rebuild(write.venue);
            write.onSuccess.run();
        }
        return this;
    }

    private Behavior<Command> onWatch(Watch watch) {
        List<ActorRef<VenueSymbols>> venueWatchers = watchers.computeIfAbsent(watch.venue(), v -> new ArrayList<>());
        // A watcher restarted by its supervisor keeps its ref and asks again: told once, not twice.
        if (!venueWatchers.contains(watch.watcher())) {
            venueWatchers.add(watch.watcher());
        }
        getContext().watch(watch.watcher());
        if (known.contains(watch.venue())) {
            watch.watcher().tell(new VenueSymbols(watch.venue(), symbols.get(watch.venue())));
        }
        return this;
    }

    private void markKnown(Venue venue) {
        if (known.add(venue)) {
            for (ActorRef<VenueSymbols> watcher : watchers.getOrDefault(venue, List.of())) {
                watcher.tell(new VenueSymbols(venue, symbols.get(venue)));
            }
        }
    }

    private Behavior<Command> onWatcherGone(Terminated terminated) {
        watchers.values().forEach(list -> list.removeIf(ref -> ref.equals(terminated.getRef())));
        return this;
    }

    /** The venue's whole set from its buckets; watchers are told when it changed. */
    private void rebuild(Venue venue) {
        java.util.Set<String> all = new java.util.HashSet<>();
        buckets.get(venue).forEach(all::addAll);
        Set<String> copy = Set.copyOf(all);
        if (copy.equals(symbols.get(venue))) {
            return;
        }
        symbols.put(venue, copy);
        // Before the watchers and before a Refreshed answers its writer: whoever hears of the change can read it.
        view.publish(symbols);
        if (known.contains(venue)) {
            for (ActorRef<VenueSymbols> watcher : watchers.getOrDefault(venue, List.of())) {
                watcher.tell(new VenueSymbols(venue, copy));
            }
        }
    }
}
