package io.marketmesh.node.cluster;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Refuses a node whose connection-worker count differs from the cluster's: each worker picks its markets by
 * {@code hash mod workers-per-venue}, and a market's shard is its worker's, so two counts at once would feed some markets
 * from two sockets and others from none, and give a market two actors. Likewise a node whose MarketActors are sharded
 * another way ({@code marketmesh.cluster.market-shards}: an earlier release's). Registered under
 * {@code pekko.cluster.configuration-compatibility-check.checkers}.
 */
public final class WorkersCompatChecker extends JoinConfigCompatChecker {

    private static final scala.collection.immutable.Seq<String> KEYS =
            CollectionConverters.asScala(List.of("marketmesh.connection.workers-per-venue",
            "marketmesh.cluster.market-shards")).toList();

    public WorkersCompatChecker() {
    }

    public WorkersCompatChecker(ActorSystem system) {
    }

    @Override
    public scala.collection.immutable.Seq<String> requiredKeys() {
        return KEYS;
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        return JoinConfigCompatChecker.fullMatch(KEYS, toCheck, actualConfig);
    }
}
