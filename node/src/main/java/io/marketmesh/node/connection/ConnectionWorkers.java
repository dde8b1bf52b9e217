package io.marketmesh.node.connection;

import io.marketmesh.protocol.Venue;
import java.util.Optional;
import java.util.function.IntFunction;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A venue's connection workers: N {@link ConnectionManager}s kept running somewhere in the cluster by a
 * {@code ShardedDaemonProcess} (a worker on a lost node is restarted on another), spread evenly by
 * {@link WorkerBalance}, found through the receptionist. Every node must start them with the same N. A worker's
 * markets run on its node ({@link MarketPlacement}).
 */
public final class ConnectionWorkers {

    private ConnectionWorkers() {
    }

    /**
     * @param venueIndex the venue's place among the venues this node follows (0, 1, ...), which turns the spread of
     *                   workers from venue to venue (see {@link WorkerBalance})
     */
    public static void start(ActorSystem<?> system, Venue venue, int venueIndex, int workers,
                             IntFunction<Behavior<ConnectionManager.Command>> worker) {
        ShardedDaemonProcess.get(system).init(ConnectionManager.Command.class, "connections-" + venue.id(), workers,
                worker, ShardedDaemonProcessSettings.create(system), Optional.of(ConnectionManager.Stop.INSTANCE),
                Optional.of(new WorkerBalance(system, venueIndex, workers)));
    }

    /** Every running worker of a venue registers under this key. */
    public static ServiceKey<ConnectionManager.Command> serviceKey(Venue venue) {
        return ServiceKey.create(ConnectionManager.Command.class, "connections-" + venue.id());
    }

    /** Worker {@code worker} of a venue registers under this key too, so its node can be told. */
    public static ServiceKey<ConnectionManager.Command> serviceKey(Venue venue, int worker) {
        return ServiceKey.create(ConnectionManager.Command.class, "connections-" + venue.id() + "-" + worker);
    }

    /**
     * The worker that follows a market. {@link String#hashCode()} is specified by the JLS, so every node (and
     * every JVM version) agrees.
     */
    public static int owner(String symbol, int workers) {
        return Math.floorMod(symbol.hashCode(), workers);
    }

    /** {@code host:port} of this node in the cluster. */
    public static String nodeAddress(ActorSystem<?> system) {
        return hostPort(Cluster.get(system).selfMember().address());
    }

    public static String hostPort(Address address) {
        return address.getHost().orElse("?") + ":" + address.getPort().map(String::valueOf).orElse("?");
    }
}
