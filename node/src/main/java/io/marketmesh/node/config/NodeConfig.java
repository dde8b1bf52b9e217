package io.marketmesh.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import io.marketmesh.node.api.HttpSettings;
import io.marketmesh.node.connection.ConnectionSettings;
import io.marketmesh.node.market.MarketSettings;
import io.marketmesh.node.publish.KafkaSettings;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.registry.VenueAdapters;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Loads a node's configuration, highest precedence first: system properties, the user's file
 * ({@code -Dconfig.file=}, or application.conf), the caller's overrides, the node's Pekko settings
 * (marketmesh-node.conf), then every library's reference.conf. The node's Pekko settings are kept out of
 * reference.conf on purpose: concatenated reference.conf files in a fat jar would let a library's
 * default silently win over ours.
 */
public final class NodeConfig {

    private NodeConfig() {
    }

    public static Config load() {
        return load(ConfigFactory.empty());
    }

    public static Config load(Config overrides) {
        ConfigFactory.invalidateCaches();
        return ConfigFactory.defaultOverrides()
                .withFallback(ConfigFactory.defaultApplication())
                .withFallback(overrides)
                .withFallback(seedNodes(System.getenv("MARKETMESH_SEED_NODES")))
                .withFallback(ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "marketmesh-node.conf"))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    /**
     * {@code pekko.cluster.seed-nodes} from a comma-separated list such as the environment variable
     * {@code MARKETMESH_SEED_NODES} ({@code pekko://marketmesh@10.0.0.1:7355,pekko://marketmesh@10.0.0.2:7355}):
     * HOCON cannot split one variable into a list. Empty or absent: no setting.
     */
    static Config seedNodes(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return ConfigFactory.empty();
        }
        List<String> seeds = Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String seed : seeds) {
            if (!seed.startsWith("pekko://")) {
                throw new IllegalArgumentException("MARKETMESH_SEED_NODES: '" + seed
                        + "' is not a seed node address like pekko://marketmesh@host:7355");
            }
        }
        return ConfigFactory.parseMap(java.util.Map.of("pekko.cluster.seed-nodes", seeds), "MARKETMESH_SEED_NODES");
    }

    /**
     * Reads every setting the node will use, so a mistake stops the start with one clear message instead of
     * failing inside an actor later.
     *
     * @throws com.typesafe.config.ConfigException for a missing key or a value of the wrong type (names the key)
     * @throws IllegalArgumentException for a value out of range (names the key)
     */
    public static void validate(Config config) {
        ConnectionSettings.fromConfig(config.getConfig("marketmesh.connection"));
        io.marketmesh.node.cluster.ClusterSettings.fromConfig(config);
        MarketSettings.fromConfig(config.getConfig("marketmesh.market"));
        HttpSettings.fromConfig(config.getConfig("marketmesh.http"));
        // Reads the tokens file too: a malformed line stops the start here, naming the line (never its token).
        io.marketmesh.node.api.SecuritySettings.fromConfig(config.getConfig("marketmesh.http")).tokens();
        KafkaSettings.fromConfig(config.getConfig("marketmesh.kafka"));
        for (Venue venue : Venue.values()) {
            Optional<VenueAdapter> adapter = VenueAdapters.forVenue(venue);
            if (adapter.isEmpty() || !config.hasPath("marketmesh.venues." + venue.id())) {
                continue;
            }
            VenueSettings settings = venue(config, venue);
            int max = adapter.get().maxMarketsPerSocket();
            if (settings.enabled() && settings.marketsPerSocket() > max) {
                throw new IllegalArgumentException("marketmesh.venues." + venue.id() + ".markets-per-socket = "
                        + settings.marketsPerSocket() + " is above the venue's limit of " + max + " per socket");
            }
            if (settings.enabled()) {
                adapter.get().validate(settings);
            }
        }
    }

    public static VenueSettings venue(Config config, Venue venue) {
        Config c = config.getConfig("marketmesh.venues." + venue.id());
        // `markets` may be a list or one comma-separated string (handy from -D and environment variables).
        if (c.hasPath("markets") && c.getValue("markets").valueType() == ConfigValueType.STRING) {
            List<String> markets = Arrays.stream(c.getString("markets").split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList();
            c = ConfigFactory.parseMap(java.util.Map.of("markets", markets)).withFallback(c);
        }
        return VenueSettings.fromConfig(venue, c);
    }
}
