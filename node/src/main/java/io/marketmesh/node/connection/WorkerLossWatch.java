package io.marketmesh.node.connection;

import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.SocketRoutes;
import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.util.Version;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * When a node becomes unreachable, the connection workers it ran feed nothing until the daemon process restarts them
 * elsewhere (after the split brain resolver downs the node). Their MarketActors normally ran on that node too
 * ({@link MarketPlacement}) and start afresh elsewhere, but one whose shard had not yet followed its worker lives on
 * another node and would keep serving its frozen book as fresh. This node-local watcher marks the books of the lost
 * workers stale at once. Only one node acts (the first reachable Up member), so each book is told once; a message to
 * a book on the lost node is simply lost with it.
 *
 * <p>Which books those are comes from the followed markets ({@link Subscriptions.GetFollowed}). A read that fails (no
 * answer within {@link Settings#readTimeout}: the subscriptions actor busy or restarting) is tried again after a
 * backoff doubling up to {@link Settings#maxBackoff}, at most {@link Settings#attempts} times in all, as long as the
 * node has not come back: giving up would leave the frozen books served as fresh. A retry may succeed after the
 * workers restarted elsewhere and their snapshots made the books fresh again: the mark names the lost node
 * ({@link MarketActor.MarkStale#socketsOf}), and a book whose writer now runs on another node ignores it.
 */
public final class WorkerLossWatch {

    private WorkerLossWatch() {
    }

    public sealed interface Command permits WorkerListing, Unreachable, ReadFollowed, MarkLostWorkers {
    }

    /**
     * How the watch reads the followed markets (config {@code marketmesh.connection.worker-loss-watch}).
     *
     * @param readTimeout how long one read may take before it counts as failed
     * @param minBackoff  the wait before the first retry, doubling for each next one
     * @param maxBackoff  the longest wait between retries
     * @param attempts    reads at most, the first included
     */
    public record Settings(Duration readTimeout, Duration minBackoff, Duration maxBackoff, int attempts) {

        public static Settings fromConfig(com.typesafe.config.Config c) {
            return new Settings(c.getDuration("read-timeout"), c.getDuration("retry-min-backoff"),
                    c.getDuration("retry-max-backoff"), Math.max(1, c.getInt("attempts")));
        }

        /** The wait before read number {@code attempt + 1}, after {@code attempt} failed ones. */
        Duration backoff(int attempt) {
            long millis = minBackoff.toMillis() << Math.min(attempt - 1, 20);
            return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
        }
    }

    private record WorkerListing(Venue venue, int worker, Set<ActorRef<ConnectionManager.Command>> refs) implements Command {
    }

    private record Unreachable(Member node) implements Command {
    }

    /**
     * Read the followed markets (read number {@code attempt}, from 1), then flag the lost workers' books.
     *
     * @param node    the lost node incarnation (one restarted on the same address is another: its sockets are new)
     * @param nodeTag the lost node's {@link SocketRoutes#nodeTag tag}: its sockets' routes carry it, so a book taken
     *                over since by a socket elsewhere ignores the flag; 0 for a node of a build before the tags (its
     *                routes are random), whose flag every book heeds
     */
    record ReadFollowed(UniqueAddress node, int nodeTag, List<WorkerSlot> lost, int attempt) implements Command {

        ReadFollowed retry() {
            return new ReadFollowed(node, nodeTag, lost, attempt + 1);
        }
    }

    private record MarkLostWorkers(ReadFollowed read, Subscriptions.Followed followed) implements Command {
    }

    record WorkerSlot(Venue venue, int worker) {
    }

    public static Behavior<Command> create(Set<Venue> venues, int workers, ActorRef<Subscriptions.Command> subscriptions,
                                           Settings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            Map<WorkerSlot, Address> placement = new HashMap<>();
            Map<ServiceKey<ConnectionManager.Command>, WorkerSlot> slots = new HashMap<>();
            // One adapter for every key: a message adapter is kept per message class, so the listing names its key.
            ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, listing -> {
                WorkerSlot slot = slots.get(listing.getKey());
                @SuppressWarnings("unchecked")
                ServiceKey<ConnectionManager.Command> key = (ServiceKey<ConnectionManager.Command>) listing.getKey();
                return new WorkerListing(slot.venue(), slot.worker(), listing.getAllServiceInstances(key));
            });
            for (Venue venue : venues) {
                for (int worker = 0; worker < workers; worker++) {
                    ServiceKey<ConnectionManager.Command> key = ConnectionWorkers.serviceKey(venue, worker);
                    slots.put(key, new WorkerSlot(venue, worker));
                    context.getSystem().receptionist().tell(Receptionist.subscribe(key, listings));
                }
            }
            Cluster cluster = Cluster.get(context.getSystem());
            cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(ClusterEvent.UnreachableMember.class,
                    event -> new Unreachable(event.member())), ClusterEvent.UnreachableMember.class));
            return Behaviors.receive(Command.class)
                    .onMessage(WorkerListing.class, listing -> {
                        WorkerSlot slot = new WorkerSlot(listing.venue(), listing.worker());
                        context.getLog().debug("connection worker {}-{} at {}", listing.venue().id(), listing.worker(),
                                listing.refs());
                        if (listing.refs().isEmpty()) {
                            placement.remove(slot);
                        } else {
                            placement.put(slot, addressOf(listing.refs().iterator().next(), cluster));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Unreachable.class, unreachable -> {
                        onUnreachable(context, cluster, placement, unreachable.node());
                        return Behaviors.same();
                    })
                    .onMessage(ReadFollowed.class, read -> {
                        context.ask(Subscriptions.Followed.class, subscriptions, settings.readTimeout(),
                                Subscriptions.GetFollowed::new, (followed, failure) -> new MarkLostWorkers(read, followed));
                        return Behaviors.same();
                    })
                    .onMessage(MarkLostWorkers.class, mark -> {
                        if (mark.followed() != null) {
                            markStale(context, mark, workers);
                        } else {
                            retryOrGiveUp(context, timers, cluster, mark.read(), settings);
                        }
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    private static void onUnreachable(ActorContext<Command> context, Cluster cluster, Map<WorkerSlot, Address> placement,
                                      Member unreachable) {
        Address node = unreachable.address();
        if (!actsFor(cluster, node)) {
            return;
        }
        List<WorkerSlot> lost = new ArrayList<>();
        placement.forEach((slot, address) -> {
            if (address.equals(node)) {
                lost.add(slot);
            }
        });
        if (lost.isEmpty()) {
            return;
        }
        context.getSelf().tell(new ReadFollowed(unreachable.uniqueAddress(), flagTag(unreachable), List.copyOf(lost), 1));
    }

    /**
     * The tag a lost member's flag names: its sockets' routes carry it. 0 (every book heeds the flag) for a member
     * without an app-version, which runs a build before node-tagged routes: its routes are random.
     */
    static int flagTag(Member member) {
        return member.appVersion().equals(Version.Zero()) ? 0 : SocketRoutes.nodeTag(member.uniqueAddress());
    }

    /** The followed markets could not be read: again after a backoff, unless the node is back or it was the last try. */
    private static void retryOrGiveUp(ActorContext<Command> context,
                                      org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers,
                                      Cluster cluster, ReadFollowed read, Settings settings) {
        String node = ConnectionWorkers.hostPort(read.node().address());
        if (reachableAgain(cluster, read.node())) {
            context.getLog().info("{} reachable again: its connection workers' books need no flag", node);
            return;
        }
        if (read.attempt() >= settings.attempts()) {
            context.getLog().warn("{} unreachable: could not read the followed markets to flag the books its connection "
                    + "workers fed ({} attempts); they stay as they are until the workers restart elsewhere and "
                    + "resubscribe", node, read.attempt());
            return;
        }
        Duration wait = settings.backoff(read.attempt());
        context.getLog().warn("{} unreachable: could not read the followed markets to flag the books its connection "
                + "workers fed (attempt {} of {}); trying again in {} ms", node, read.attempt(), settings.attempts(),
                wait.toMillis());
        // One timer per lost node: a later loss of another node does not cancel this one's retry.
        timers.startSingleTimer(read.node(), read.retry(), wait);
    }

    /**
     * Whether the node incarnation is a member again that this node reaches (flagging its workers' books would be
     * wrong now). One restarted on the same address is another incarnation: the lost one's sockets are still gone.
     */
    private static boolean reachableAgain(Cluster cluster, UniqueAddress node) {
        var state = cluster.state();
        for (Member member : state.getUnreachable()) {
            if (member.uniqueAddress().equals(node)) {
                return false;
            }
        }
        for (Member member : state.getMembers()) {
            if (member.uniqueAddress().equals(node)) {
                return member.status() == MemberStatus.up();
            }
        }
        return false;
    }

    /**
     * Whether this node is the one to act: the first Up and reachable member in Pekko's address order, leaving out
     * the lost one (the cluster's own leader field may still name the lost node when this event arrives).
     */
    private static boolean actsFor(Cluster cluster, Address lost) {
        var state = cluster.state();
        Set<Member> unreachable = new java.util.HashSet<>();
        state.getUnreachable().forEach(unreachable::add);
        List<Member> candidates = new ArrayList<>();
        for (Member member : state.getMembers()) {
            if (member.status() == MemberStatus.up() && !unreachable.contains(member) && !member.address().equals(lost)) {
                candidates.add(member);
            }
        }
        candidates.sort((a, b) -> Member.addressOrdering().compare(a.address(), b.address()));
        return !candidates.isEmpty() && candidates.get(0).address().equals(cluster.selfMember().address());
    }

    private static void markStale(ActorContext<Command> context, MarkLostWorkers mark, int workers) {
        ReadFollowed read = mark.read();
        ClusterSharding sharding = ClusterSharding.get(context.getSystem());
        int marked = 0;
        for (WorkerSlot slot : read.lost()) {
            for (String symbol : mark.followed().of(slot.venue())) {
                if (ConnectionWorkers.owner(symbol, workers) == slot.worker()) {
                    sharding.entityRefFor(MarketActor.TYPE_KEY, MarketKey.of(slot.venue(), symbol).id())
                            .tell(MarketActor.MarkStale.socketsOf(read.nodeTag(), "connection worker " + slot.worker()
                                    + " of " + slot.venue().id() + " was on unreachable node "
                                    + ConnectionWorkers.hostPort(read.node().address())));
                    marked++;
                }
            }
        }
        context.getLog().warn("node {} unreachable: connection workers {} lost until restarted elsewhere; {} book(s) they fed marked stale",
                ConnectionWorkers.hostPort(read.node().address()), read.lost().stream().map(w -> w.venue().id() + "-" + w.worker()).toList(),
                marked);
    }

    private static Address addressOf(ActorRef<?> ref, Cluster cluster) {
        Address address = ref.path().address();
        return address.hasLocalScope() ? cluster.selfMember().address() : address;
    }
}
