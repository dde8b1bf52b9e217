package io.marketmesh.node.connection;

import io.marketmesh.node.market.MarketActor;
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
 */
public final class WorkerLossWatch {

    private WorkerLossWatch() {
    }

    public sealed interface Command permits WorkerListing, Unreachable, MarkLostWorkers {
    }

    private record WorkerListing(Venue venue, int worker, Set<ActorRef<ConnectionManager.Command>> refs) implements Command {
    }

    private record Unreachable(Address node) implements Command {
    }

    private record MarkLostWorkers(Address node, List<WorkerSlot> lost, Subscriptions.Followed followed) implements Command {
    }

    private record WorkerSlot(Venue venue, int worker) {
    }

    public static Behavior<Command> create(Set<Venue> venues, int workers, ActorRef<Subscriptions.Command> subscriptions) {
        return Behaviors.setup(context -> {
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
                    event -> new Unreachable(event.member().address())), ClusterEvent.UnreachableMember.class));
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
                        onUnreachable(context, cluster, placement, unreachable.node(), subscriptions);
                        return Behaviors.same();
                    })
                    .onMessage(MarkLostWorkers.class, mark -> {
                        markStale(context, mark, workers);
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static void onUnreachable(ActorContext<Command> context, Cluster cluster, Map<WorkerSlot, Address> placement,
                                      Address node, ActorRef<Subscriptions.Command> subscriptions) {
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
        context.ask(Subscriptions.Followed.class, subscriptions, Duration.ofSeconds(5), Subscriptions.GetFollowed::new,
                (followed, failure) -> new MarkLostWorkers(node, lost, followed));
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
        if (mark.followed() == null) {
            context.getLog().warn("{} unreachable: could not read the followed markets to flag the books its connection "
                    + "workers fed; they stay as they are until the workers restart elsewhere and resubscribe", mark.node());
            return;
        }
        ClusterSharding sharding = ClusterSharding.get(context.getSystem());
        int marked = 0;
        for (WorkerSlot slot : mark.lost()) {
            for (String symbol : mark.followed().of(slot.venue())) {
                if (ConnectionWorkers.owner(symbol, workers) == slot.worker()) {
                    sharding.entityRefFor(MarketActor.TYPE_KEY, MarketKey.of(slot.venue(), symbol).id())
                            .tell(new MarketActor.MarkStale("connection worker " + slot.worker() + " of " + slot.venue().id()
                                    + " was on unreachable node " + ConnectionWorkers.hostPort(mark.node())));
                    marked++;
                }
            }
        }
        context.getLog().warn("node {} unreachable: connection workers {} lost until restarted elsewhere; {} book(s) they fed marked stale",
                ConnectionWorkers.hostPort(mark.node()), mark.lost().stream().map(w -> w.venue().id() + "-" + w.worker()).toList(),
                marked);
    }

    private static Address addressOf(ActorRef<?> ref, Cluster cluster) {
        Address address = ref.path().address();
        return address.hasLocalScope() ? cluster.selfMember().address() : address;
    }
}
