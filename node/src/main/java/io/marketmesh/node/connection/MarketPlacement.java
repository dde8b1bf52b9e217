package io.marketmesh.node.connection;

import io.marketmesh.node.market.MarketActor;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.util.Timeout;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Map;
import scala.collection.immutable.Set;
import scala.concurrent.Future;

/**
 * Where a market's actor runs: on the node of the connection worker that feeds it, so a book change goes from the
 * socket to the book inside one JVM instead of crossing the network as CBOR. The markets of worker i of a venue (the
 * symbols that hash to i, see {@link ConnectionWorkers#owner}) form one shard, {@code venue-i}; each worker, when it
 * starts, tells Pekko's external shard allocation that its shard belongs on its node, and the shard coordinator
 * allocates the shard there, or moves it there at its next rebalance when the worker has moved (a node joined, left or
 * was lost). A moved market starts afresh on its new node like any rebalanced one (docs/architecture.md).
 */
public final class MarketPlacement {

    private MarketPlacement() {
    }

    /** The shard of worker {@code worker}'s markets. */
    public static String shardId(Venue venue, int worker) {
        return venue.id() + "-" + worker;
    }

    /** MarketActor entity ids ({@code venue:symbol}) to the shard of the worker that follows the market. */
    public static ShardingMessageExtractor<ShardingEnvelope<MarketActor.Command>, MarketActor.Command> messageExtractor(
            int workers) {
        return new ByWorker(workers);
    }

    /** The MarketActors' allocation strategy: each shard on the node its worker named. */
    public static ShardCoordinator.ShardAllocationStrategy allocationStrategy(ActorSystem<?> system) {
        return new OnWorkersNode(system);
    }

    /** Called by a worker as it starts: its markets' shard belongs on this node from now on. */
    static void claimShard(ActorSystem<?> system, Venue venue, int worker) {
        ExternalShardAllocation.get(system).getClient(MarketActor.TYPE_KEY.name())
                .setShardLocation(shardId(venue, worker), Cluster.get(system).selfMember().address())
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        system.log().warn("{}: could not claim shard {} for this node ({}); its markets may run on another",
                                venue.id(), shardId(venue, worker), failure.toString());
                    }
                });
    }

    /**
     * {@code venue:symbol} to {@code venue-i}, i as {@link ConnectionWorkers#owner} computes it. Called for every
     * message to a MarketActor, so it hashes the symbol in place and picks a prepared shard name.
     */
    private static final class ByWorker extends ShardingMessageExtractor<ShardingEnvelope<MarketActor.Command>,
            MarketActor.Command> {

        private final int workers;
        private final String[][] names = new String[Venue.values().length][];

        ByWorker(int workers) {
            this.workers = workers;
            for (Venue venue : Venue.values()) {
                names[venue.ordinal()] = new String[workers];
                for (int worker = 0; worker < workers; worker++) {
                    names[venue.ordinal()][worker] = MarketPlacement.shardId(venue, worker);
                }
            }
        }

        @Override
        public String entityId(ShardingEnvelope<MarketActor.Command> envelope) {
            return envelope.entityId();
        }

        @Override
        public String shardId(String entityId) {
            int colon = entityId.indexOf(':');
            int hash = 0; // String.hashCode of the symbol, without cutting it out
            for (int i = colon + 1; i < entityId.length(); i++) {
                hash = 31 * hash + entityId.charAt(i);
            }
            int worker = Math.floorMod(hash, workers);
            for (Venue venue : Venue.values()) {
                if (venue.id().length() == colon && entityId.startsWith(venue.id())) {
                    return names[venue.ordinal()][worker];
                }
            }
            return "unknown-" + worker; // not a market id: nothing sends one, but a shard id is owed
        }

        @Override
        public MarketActor.Command unwrapMessage(ShardingEnvelope<MarketActor.Command> envelope) {
            return envelope.message();
        }
    }

    /**
     * Pekko's external allocation (a shard goes where its worker said, else to the node that first asks for it), which
     * does not move shards while a member is unreachable or joining: a hand-off waits for every shard region's
     * acknowledgement, and an unreachable one would hold the shard's messages until it is downed.
     */
    private static final class OnWorkersNode extends ExternalShardAllocationStrategy {

        private final ActorSystem<?> system;

        OnWorkersNode(ActorSystem<?> system) {
            super(system, MarketActor.TYPE_KEY.name(), Timeout.create(Duration.ofSeconds(5)));
            this.system = system;
        }

        @Override
        public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> currentShardAllocations,
                                             Set<String> rebalanceInProgress) {
            if (!settled(Cluster.get(system).state())) {
                return Futures.successful(scala.collection.immutable.Set$.MODULE$.<String>empty());
            }
            return super.rebalance(currentShardAllocations, rebalanceInProgress);
        }
    }

    /** Every member Up and reachable: a shard hand-off can complete. */
    static boolean settled(ClusterEvent.CurrentClusterState state) {
        if (state.getUnreachable().iterator().hasNext()) {
            return false;
        }
        for (Member member : state.getMembers()) {
            if (member.status() != MemberStatus.up()) {
                return false;
            }
        }
        return true;
    }
}
