package io.marketmesh.node.venue;

import com.typesafe.config.Config;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;

/**
 * One venue's configuration, read from {@code marketmesh.venues.<venue>} (every key is documented in
 * reference.conf). {@code privateKeyFile} is a path, never the key itself; {@code toString} hides it anyway.
 */
public record VenueSettings(
        Venue venue,
        boolean enabled,
        String wsUrl,
        String restUrl,
        List<String> markets,
        int discoveryLimit,
        int marketsPerSocket,
        int subscribeBatchSize,
        Duration heartbeatInterval,
        Duration staleAfter,
        Duration connectTimeout,
        String keyId,
        String privateKeyFile) {

    public VenueSettings {
        markets = List.copyOf(markets);
        if (marketsPerSocket < 1) {
            throw new IllegalArgumentException(venue.id() + ".markets-per-socket must be >= 1");
        }
        if (subscribeBatchSize < 1) {
            throw new IllegalArgumentException(venue.id() + ".subscribe-batch-size must be >= 1");
        }
    }

    public static VenueSettings fromConfig(Venue venue, Config c) {
        return new VenueSettings(
                venue,
                c.getBoolean("enabled"),
                c.getString("ws-url"),
                c.getString("rest-url"),
                c.getStringList("markets").stream().map(String::trim).filter(s -> !s.isEmpty()).toList(),
                c.getInt("discovery-limit"),
                c.getInt("markets-per-socket"),
                c.getInt("subscribe-batch-size"),
                c.getDuration("heartbeat-interval"),
                c.getDuration("stale-after"),
                c.getDuration("connect-timeout"),
                c.hasPath("key-id") ? c.getString("key-id") : "",
                c.hasPath("private-key-file") ? c.getString("private-key-file") : "");
    }

    public boolean hasCredentials() {
        return !keyId.isBlank() && !privateKeyFile.isBlank();
    }

    @Override
    public String toString() {
        return "VenueSettings[" + venue.id() + ", enabled=" + enabled + ", ws-url=" + wsUrl + ", rest-url=" + restUrl
                + ", markets=" + markets.size() + ", markets-per-socket=" + marketsPerSocket
                + ", credentials=" + (hasCredentials() ? "configured" : "none") + "]";
    }
}
