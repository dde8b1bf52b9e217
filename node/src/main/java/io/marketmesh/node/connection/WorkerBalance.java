package io.marketmesh.node.connection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.dispatch.Futures;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spreads one venue's connection workers (its daemon process, one shard per worker) over the members, oldest first:
 * each member runs {@code workers / members} of them, and {@code workers mod members} members run one more. Which ones
 * turns with the venue ({@code venueIndex}): venue k's extra workers go to the members at positions
 * {@code k·e, k·e+1, ...} (mod the member count, e = the extras per venue), so that over all venues every member runs its
 * share of all workers, give or take one, while each venue's coordinator sees only its own workers. Markets follow
 * their workers ({@link MarketPlacement}), so this is also how the books spread.
 *
 * <p>A new worker goes to the member furthest below its target; a rebalance moves the workers above target to those
 * below, all in one round (a handful per venue), only when every member is Up and reachable and no rebalance is under
 * way. A member that joins is appended to the order, so the others' targets stay as they were.
 */
final class WorkerBalance extends ShardCoordinator.AbstractShardAllocationStrategy {

    private final ActorSystem<?> system;
    private final int venueIndex;
    private final int workers;

    WorkerBalance(ActorSystem<?> system, int venueIndex, int workers) {
        this.system = system;
        this.venueIndex = venueIndex;
        this.workers = workers;
    }

    @Override
    public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
                                          Map<ActorRef, IndexedSeq<String>> currentShardAllocations) {
        List<ActorRef> regions = upRegionsByAge(currentShardAllocations.keySet());
        if (regions.isEmpty()) {
            return Futures.successful(requester);
        }
        int[] targets = targets(regions.size(), workers, venueIndex);
        ActorRef best = null;
        int bestRoom = Integer.MIN_VALUE;
        for (int position = 0; position < regions.size(); position++) {
            int room = targets[position] - currentShardAllocations.get(regions.get(position)).size();
            if (room > bestRoom) {
                best = regions.get(position);
                bestRoom = room;
            }
        }
        return Futures.successful(best);
    }

    @Override
    public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> currentShardAllocations,
                                         Set<String> rebalanceInProgress) {
        if (!rebalanceInProgress.isEmpty() || !MarketPlacement.settled(Cluster.get(system).state())) {
            return Futures.successful(Set.of());
        }
        List<ActorRef> regions = upRegionsByAge(currentShardAllocations.keySet());
        if (regions.size() != currentShardAllocations.size()) {
            return Futures.successful(Set.of()); // a region of a member this node does not know yet
        }
        List<List<String>> allocations = new ArrayList<>();
        regions.forEach(region -> allocations.add(CollectionConverters.asJava(currentShardAllocations.get(region))));
        return Futures.successful(overTarget(allocations, targets(regions.size(), workers, venueIndex)));
    }

    /** How many of the venue's workers each member (by position, oldest first) should run. */
    static int[] targets(int members, int workers, int venueIndex) {
        int[] targets = new int[members];
        int base = workers / members;
        int extras = workers % members;
        for (int position = 0; position < members; position++) {
            targets[position] = base + (Math.floorMod(position - venueIndex * extras, members) < extras ? 1 : 0);
        }
        return targets;
    }

    /** The shards to move: the last allocated ones of each member above its target, no more than the others lack. */
    static Set<String> overTarget(List<List<String>> allocations, int[] targets) {
        int missing = 0;
        for (int position = 0; position < targets.length; position++) {
            missing += Math.max(0, targets[position] - allocations.get(position).size());
        }
        Set<String> moving = new HashSet<>();
        for (int position = 0; position < targets.length && moving.size() < missing; position++) {
            List<String> shards = allocations.get(position);
            for (int i = shards.size() - 1; i >= targets[position] && moving.size() < missing; i--) {
                moving.add(shards.get(i));
            }
        }
        return moving;
    }

    /** The regions of Up members, oldest member first. */
    private List<ActorRef> upRegionsByAge(Set<ActorRef> regions) {
        Cluster cluster = Cluster.get(system);
        ClusterEvent.CurrentClusterState state = cluster.state();
        Map<Address, Member> members = new HashMap<>();
        state.getMembers().forEach(member -> members.put(member.address(), member));
        Address self = cluster.selfMember().address();
        List<ActorRef> known = new ArrayList<>();
        for (ActorRef region : regions) {
            Member member = memberOf(region, members, self);
            if (member != null && member.status() == MemberStatus.up()) {
                known.add(region);
            }
        }
        known.sort((a, b) -> Member.ageOrdering().compare(memberOf(a, members, self), memberOf(b, members, self)));
        return known;
    }

    private static Member memberOf(ActorRef region, Map<Address, Member> members, Address self) {
        return members.get(region.path().address().hasLocalScope() ? self : region.path().address());
    }
}
