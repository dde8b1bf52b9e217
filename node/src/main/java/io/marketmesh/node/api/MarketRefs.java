package io.marketmesh.node.api;

import io.marketmesh.node.market.MarketActor;
import io.marketmesh.protocol.MarketKey;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The sharded MarketActors' entity refs the API asks, kept for reuse: making one per query (it URL-encodes the entity
 * id) was a good part of a book query's garbage. An entity ref names the entity, not where it runs, so a kept one
 * stays right across rebalances. Direct-mapped and bounded: a slot holds the last market that hashed to it, so a node
 * with many more queried markets than slots just makes refs again for some.
 */
final class MarketRefs {

    private static final int SLOTS = 4096;

    private final ClusterSharding sharding;
    private final AtomicReferenceArray<EntityRef<MarketActor.Command>> slots = new AtomicReferenceArray<>(SLOTS);

    MarketRefs(ClusterSharding sharding) {
        this.sharding = sharding;
    }

    EntityRef<MarketActor.Command> of(MarketKey market) {
        String id = market.id();
        int slot = id.hashCode() & (SLOTS - 1);
        EntityRef<MarketActor.Command> ref = slots.get(slot);
        if (ref == null || !ref.getEntityId().equals(id)) {
            ref = sharding.entityRefFor(MarketActor.TYPE_KEY, id);
            slots.set(slot, ref);
        }
        return ref;
    }
}
