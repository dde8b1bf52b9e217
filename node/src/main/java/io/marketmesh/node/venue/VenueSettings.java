package io.marketmesh.node.venue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;

/**
 * One venue's configuration, read from {@code marketmesh.venues.<venue>} (every key is documented in
 * reference.conf): the keys every venue has, and {@code options}, the whole block, from which a venue package reads
 * keys of its own (Kalshi's API key, say) into a settings record of its own. {@code toString} names only the common
 * keys: a venue's own may be secrets.
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
        Config options) {

    public VenueSettings {
        markets = List.copyOf(markets);
        if (marketsPerSocket < 1) {
            throw new IllegalArgumentException(venue.id() + ".markets-per-socket must be >= 1");
        }
        if (subscribeBatchSize < 1) {
            throw new IllegalArgumentException(venue.id() + ".subscribe-batch-size must be >= 1");
        }
        options = options == null ? ConfigFactory.empty() : options;
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
                c);
    }

    /** A venue-specific string key of {@code options}, or {@code ""} when absent. */
    public String option(String key) {
        return options.hasPath(key) ? options.getString(key) : "";
    }

    /**
     * The quote assets discovery keeps ({@code quote-assets}, upper case); empty when the venue has no such key.
     */
    public java.util.Set<String> quoteAssets() {
        if (!options.hasPath("quote-assets")) {
            return java.util.Set.of();
        }
        return options.getStringList("quote-assets").stream().map(q -> q.trim().toUpperCase(java.util.Locale.ROOT))
                .filter(q -> !q.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public String toString() {
        return "VenueSettings[" + venue.id() + ", enabled=" + enabled + ", ws-url=" + wsUrl + ", rest-url=" + restUrl
                + ", markets=" + markets.size() + ", markets-per-socket=" + marketsPerSocket + "]";
    }
}
