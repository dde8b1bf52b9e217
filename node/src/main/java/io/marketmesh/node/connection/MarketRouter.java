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
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The markets one socket carries, and the way to their MarketActors. Only carried markets get anything from the
 * socket; each change is numbered per market, so the actor notices one lost or overtaken on the way (around a shard's
 * move to another node). A market it stops carrying is told {@link MarketActor.Unfollow} as the very last thing the
 * socket sends it, so (messages from one sender through one shard region keeping their order) nothing of the socket's
 * can follow and bring the actor back. Owned by the socket's actor.
 */
final class MarketRouter {

    private final Venue venue;
    private final int socket;
    private final ClusterSharding sharding;
    private final Set<String> symbols = new LinkedHashSet<>();
    private final Map<String, Route> routes = new HashMap<>();
    /** This socket incarnation's numbering of its changes to each market (never 0, which means "not numbered"). */
    private final long route = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);

    /** The way to one market's actor, and the number of the last change sent on it. */
    private static final class Route {
        final EntityRef<MarketActor.Command> ref;
        long seq;

        Route(EntityRef<MarketActor.Command> ref) {
            this.ref = ref;
        }
    }

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
            // The route stays: should the market come back to this socket, its numbering must go on rising.
            ref(symbol).tell(new MarketActor.Unfollow(socket));
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
            Route to = routeTo(symbol);
            to.ref.tell(new MarketActor.Apply(event, receivedNanos, socket, route, ++to.seq));
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
        return routeTo(symbol).ref;
    }

    private Route routeTo(String symbol) {
        return routes.computeIfAbsent(symbol,
                s -> new Route(sharding.entityRefFor(MarketActor.TYPE_KEY, MarketKey.of(venue, s).id())));
    }
}
