package io.marketmesh.node.connection;

import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.SocketRoutes;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The markets one socket carries, and the way to their MarketActors. Only carried markets get anything from the
 * socket; each change is numbered per market, so the actor notices one lost or overtaken on the way (around a shard's
 * move to another node, see {@code SocketOrder}); a market it stops carrying is told {@link MarketActor.Unfollow} as the very last thing the socket sends it,
 * so (messages from one sender on one path keeping their order) nothing of the socket's can follow and bring the
 * actor back. Owned by the socket's actor.
 *
 * <p>Every message first goes through the shard region, which finds the market's actor wherever it runs. When that
 * actor runs in this JVM, routing each delta through the region and its shard costs two actor hops of the three; so
 * the router asks each market {@link MarketActor.Locate where it is}, and a local actor answers with its own ref. The
 * router then tells it directly. It switches only when the answer shows that nothing it sent through the region is
 * still on its way (the answer echoes how many messages had been sent when it was asked; if more went since, it asks
 * again), so the market's messages never overtake each other. The socket watches the direct ref: when the actor
 * stops (its shard moved to another node, the node is leaving), messages told to it meanwhile are lost, so the
 * router goes back to the region, asks the venue for a fresh snapshot and tells the market its book is stale, the
 * way a lost delta is healed.
 */
final class MarketRouter {

    /** How one market is reached: through the region, counting what was sent that way, until a direct ref is known. */
    private static final class Route {
        final EntityRef<MarketActor.Command> region;
        ActorRef<MarketActor.Command> direct;
        /** Messages sent through the region, the last {@link MarketActor.Locate} included. */
        long sentThroughRegion;

        Route(EntityRef<MarketActor.Command> region) {
            this.region = region;
        }
    }

    private final Venue venue;
    /** Who sends, as each message says it ({@link MarketActor.Apply}): the book's writer is known by it. */
    private final int worker;
    private final int socket;
    private final ClusterSharding sharding;
    private final ActorContext<ConnectionActor.Command> context;
    private final ActorRef<MarketActor.Located> locatedTo;
    /** Tells this socket's answers from those an earlier incarnation asked for. */
    private final long token;
    private final Set<String> symbols = new LinkedHashSet<>();
    private final Map<String, Route> routes = new HashMap<>();
    /**
     * The number of the last change sent to each market ever carried here: kept when a market is dropped, so that
     * should it come back to this socket, its numbering goes on rising.
     */
    private final Map<String, long[]> changesSent = new HashMap<>();
    /** This socket incarnation's numbering of its changes (never 0, which means "not numbered"): names its node. */
    private final long numbering;
    private long directRoutesLost;

    /**
     * @param worker the index of the connection worker running the socket
     * @param token  the socket actor's generation: tells its answers from an earlier incarnation's, and names it
     */
    MarketRouter(Venue venue, int worker, int socket, ClusterSharding sharding, ActorContext<ConnectionActor.Command> context,
                 ActorRef<MarketActor.Located> locatedTo, long token) {
        this.venue = venue;
        this.worker = worker;
        this.socket = socket;
        this.sharding = sharding;
        this.context = context;
        this.locatedTo = locatedTo;
        this.token = token;
        this.numbering = SocketRoutes.next(SocketRoutes.nodeTag(
                Cluster.get(context.getSystem()).selfMember().uniqueAddress()));
    }

    /** @return the ones not carried before */
    List<String> carry(List<String> markets) {
        List<String> added = new ArrayList<>();
        for (String symbol : markets) {
            if (symbols.add(symbol)) {
                added.add(symbol);
                route(symbol);
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
            Route route = routes.remove(symbol);
            if (route == null) {
                // Not carried here: the region still reaches an actor a stray message may have brought back.
                newRoute(symbol).region.tell(new MarketActor.Unfollow(socket, numbering));
            } else {
                tell(route, new MarketActor.Unfollow(socket, numbering));
                if (route.direct != null) {
                    context.unwatch(route.direct);
                }
            }
        }
        return removed;
    }

    /** This socket incarnation's numbering of its messages: the books it writes know it by it. */
    long numbering() {
        return numbering;
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
            long[] sent = changesSent.computeIfAbsent(symbol, s -> new long[1]);
            tell(route(symbol), new MarketActor.Apply(event, receivedNanos, worker, socket, token, numbering,
                    ++sent[0]));
        }
    }

    void markStale(String symbol, String reason) {
        if (symbols.contains(symbol)) {
            tell(route(symbol), new MarketActor.MarkStale(reason, numbering));
        }
    }

    void markAllStale(String reason) {
        for (String symbol : symbols) {
            tell(route(symbol), new MarketActor.MarkStale(reason, numbering));
        }
    }

    /** A market's actor answered where it is: tell it directly from now on if nothing sent is still on its way. */
    void located(MarketActor.Located located) {
        Route route = located.token() == token ? routes.get(located.market().symbol()) : null;
        if (route == null || route.direct != null) {
            return;
        }
        if (located.sent() == route.sentThroughRegion) {
            route.direct = located.actor();
            context.watchWith(located.actor(), new ConnectionActor.DirectRouteLost(located.market().symbol(),
                    located.actor()));
        } else {
            locate(route);
        }
    }

    /**
     * The actor told directly has stopped; what was told to it since is lost.
     *
     * @return whether the market is still carried here (its book must then be healed)
     */
    boolean directRouteLost(String symbol, ActorRef<MarketActor.Command> actor) {
        Route route = routes.get(symbol);
        if (route == null || route.direct == null || !route.direct.equals(actor)) {
            return false;
        }
        directRoutesLost++;
        route.direct = null;
        locate(route);
        return true;
    }

    /** Markets told directly (their actor runs in this JVM). */
    int directRoutes() {
        int direct = 0;
        for (Route route : routes.values()) {
            if (route.direct != null) {
                direct++;
            }
        }
        return direct;
    }

    long directRoutesLost() {
        return directRoutesLost;
    }

    private Route route(String symbol) {
        Route route = routes.get(symbol);
        if (route == null) {
            route = newRoute(symbol);
            routes.put(symbol, route);
            locate(route);
        }
        return route;
    }

    private Route newRoute(String symbol) {
        return new Route(sharding.entityRefFor(MarketActor.TYPE_KEY, MarketKey.of(venue, symbol).id()));
    }

    private void locate(Route route) {
        route.sentThroughRegion++;
        route.region.tell(new MarketActor.Locate(route.sentThroughRegion, token, locatedTo));
    }

    private static void tell(Route route, MarketActor.Command command) {
        if (route.direct != null) {
            route.direct.tell(command);
        } else {
            route.sentThroughRegion++;
            route.region.tell(command);
        }
    }
}
