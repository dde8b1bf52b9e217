package io.marketmesh.node.connection;

import io.marketmesh.node.market.MarketActor;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The markets one socket carries, and the way to their MarketActors. Only carried markets get anything from the
 * socket; a market it stops carrying is told {@link MarketActor.Unfollow} as the very last thing the socket sends it,
 * so (messages from one sender through one shard region keeping their order) nothing of the socket's can follow and
 * bring the actor back. Owned by the socket's actor.
 */
final class MarketRouter {

    private final Venue venue;
    private final int socket;
    private final ClusterSharding sharding;
    private final Set<String> symbols = new LinkedHashSet<>();
    private final Map<String, EntityRef<MarketActor.Command>> refs = new HashMap<>();

    MarketRouter(Venue venue, int socket, ClusterSharding sharding) {
        this.venue = venue;
        this.socket = socket;
        this.sharding = sharding;
    }

    /** @return the ones not carried before */
    List<String> carry(List<String> markets) {
        List<String> added = new ArrayList<>();
        for (String symbol : markets) {
            if (symbols.add(symbol)) {
                added.add(symbol);
            }
        }
        return added;
    }

    /**
     * Stops routing to these markets and tells each one's actor it is unfollowed.
     *
     * @return the ones that were carried (the venue must be told to stop sending them)
     */
    List<String> drop(List<String> markets) {
        List<String> removed = new ArrayList<>();
        for (String symbol : markets) {
            if (symbols.remove(symbol)) {
                removed.add(symbol);
            }
            ref(symbol).tell(new MarketActor.Unfollow(socket));
            refs.remove(symbol);
        }
        return removed;
    }

    boolean carries(String symbol) {
        return symbols.contains(symbol);
    }

    Set<String> symbols() {
        return symbols;
    }

    int size() {
        return symbols.size();
    }

    void route(MarketEvent event, long receivedNanos) {
        String symbol = event.market().symbol();
        if (symbols.contains(symbol)) {
            ref(symbol).tell(new MarketActor.Apply(event, receivedNanos, socket));
        }
    }

    void markStale(String symbol, String reason) {
        if (symbols.contains(symbol)) {
            ref(symbol).tell(new MarketActor.MarkStale(reason));
        }
    }

    void markAllStale(String reason) {
        for (String symbol : symbols) {
            ref(symbol).tell(new MarketActor.MarkStale(reason));
        }
    }

    private EntityRef<MarketActor.Command> ref(String symbol) {
        return refs.computeIfAbsent(symbol,
                s -> sharding.entityRefFor(MarketActor.TYPE_KEY, MarketKey.of(venue, s).id()));
    }
}
