package io.marketmesh.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.util.Arrays;
import java.util.List;

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
                .withFallback(ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "marketmesh-node.conf"))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
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
