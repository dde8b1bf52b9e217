package io.marketmesh.node.cluster;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * {@code marketmesh.cluster}: how a node finds its cluster (seed nodes, Cluster Bootstrap, or alone) and serves
 * pekko-management. Every key is documented in reference.conf.
 */
public record ClusterSettings(boolean management, boolean bootstrap, Duration subscriptionsTimeout) {

    public ClusterSettings {
        if (bootstrap && !management) {
            throw new IllegalArgumentException("marketmesh.cluster.bootstrap.enabled = true needs "
                    + "marketmesh.cluster.management.enabled = true (Cluster Bootstrap talks over pekko-management)");
        }
    }

    public static ClusterSettings fromConfig(Config config) {
        Config c = config.getConfig("marketmesh.cluster");
        return new ClusterSettings(c.getBoolean("management.enabled"), c.getBoolean("bootstrap.enabled"),
                c.getDuration("subscriptions-timeout"));
    }

    /** Neither seed nodes nor Cluster Bootstrap: the node is a cluster of its own, which others may join. */
    public boolean joinSelf(Config config) {
        return !bootstrap && config.getStringList("pekko.cluster.seed-nodes").isEmpty();
    }

    public void startManagement(ActorSystem<?> system) {
        if (management) {
            PekkoManagement.get(system.classicSystem()).start();
        }
        if (bootstrap) {
            ClusterBootstrap.get(system.classicSystem()).start();
        }
    }
}
