package io.marketmesh.node.venue.okx;

import io.marketmesh.node.venue.VenueSettings;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * OKX's own keys of {@code marketmesh.venues.okx} (documented in reference.conf), read from {@link
 * VenueSettings#options()} and checked against the venue's limits before the node starts.
 *
 * @param instTypes       instrument types discovery lists: {@code SPOT}, and {@code SWAP} for the linear perpetuals
 * @param requestsPerHour subscribe/unsubscribe frames one socket sends in any hour (the venue allows 480)
 */
record OkxSettings(Set<String> instTypes, int requestsPerHour) {

    static final String INST_TYPES = "inst-types";
    static final String REQUESTS_PER_HOUR = "requests-per-hour";
    /** OKX: 480 subscribe, unsubscribe or login requests per hour and connection. */
    static final int VENUE_REQUESTS_PER_HOUR = 480;
    /** OKX closes a socket that carried nothing for 30 s. */
    static final Duration VENUE_IDLE_CLOSE = Duration.ofSeconds(30);
    /** The most the heartbeat may wait: a ping goes out within 1.25 heartbeat intervals of silence (see OkxSession). */
    static final Duration MAX_HEARTBEAT_INTERVAL = Duration.ofSeconds(20);
    private static final Set<String> KNOWN_TYPES = Set.of("SPOT", "SWAP");

    static final OkxSettings DEFAULT = new OkxSettings(Set.of("SPOT", "SWAP"), 450);

    OkxSettings {
        instTypes = Set.copyOf(instTypes);
    }

    /**
     * @throws IllegalArgumentException naming the key when a value breaks the venue's limits
     */
    static OkxSettings of(VenueSettings settings) {
        var options = settings.options();
        Set<String> types = DEFAULT.instTypes;
        if (options.hasPath(INST_TYPES)) {
            List<String> listed = options.getStringList(INST_TYPES);
            Set<String> read = new LinkedHashSet<>();
            for (String t : listed) {
                String type = t.trim().toUpperCase(Locale.ROOT);
                if (!KNOWN_TYPES.contains(type)) {
                    throw new IllegalArgumentException(key(INST_TYPES) + " lists '" + t
                            + "': only SPOT and SWAP (linear perpetual swaps) are followed");
                }
                read.add(type);
            }
            if (read.isEmpty()) {
                throw new IllegalArgumentException(key(INST_TYPES) + " must list SPOT, SWAP or both");
            }
            types = read;
        }
        int perHour = options.hasPath(REQUESTS_PER_HOUR) ? options.getInt(REQUESTS_PER_HOUR) : DEFAULT.requestsPerHour;
        if (perHour < 2 || perHour > VENUE_REQUESTS_PER_HOUR) {
            throw new IllegalArgumentException(key(REQUESTS_PER_HOUR) + " = " + perHour + " must be within 2.."
                    + VENUE_REQUESTS_PER_HOUR + " (OKX allows " + VENUE_REQUESTS_PER_HOUR
                    + " subscribe/unsubscribe requests per hour and connection)");
        }
        return new OkxSettings(types, perHour);
    }

    /** The common keys OKX's rules bound. */
    static void validateCommon(VenueSettings settings) {
        if (settings.heartbeatInterval().compareTo(MAX_HEARTBEAT_INTERVAL) > 0) {
            throw new IllegalArgumentException(key("heartbeat-interval") + " = " + settings.heartbeatInterval()
                    .toSeconds() + "s is above " + MAX_HEARTBEAT_INTERVAL.toSeconds() + "s: OKX closes a socket silent for "
                    + VENUE_IDLE_CLOSE.toSeconds() + " s, and a ping goes out within 1.25 intervals of silence");
        }
    }

    private static String key(String name) {
        return "marketmesh.venues.okx." + name;
    }
}
