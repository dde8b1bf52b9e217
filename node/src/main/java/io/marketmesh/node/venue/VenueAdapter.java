package io.marketmesh.node.venue;

import io.marketmesh.protocol.Venue;
import java.util.List;

/**
 * Everything marketmesh knows about one venue's wire protocol. Each venue package implements this once
 * and is registered in {@link VenueAdapters}; the connection layer is generic over it.
 */
public interface VenueAdapter {

    Venue venue();

    /** The HTTP upgrade request for a new socket. Called on every (re)connect, so signatures are fresh. */
    ConnectRequest connectRequest(VenueSettings settings);

    /** A new protocol state machine for one socket; it lives exactly as long as that socket. */
    VenueSession newSession(VenueSettings settings);

    /**
     * Active markets from the venue's REST API, used when no market list is configured. Blocking; called
     * off the actor threads.
     *
     * @throws Exception with a message fit for the log when the venue cannot be asked
     */
    List<String> discoverMarkets(VenueSettings settings) throws Exception;

    /** The most markets one socket may carry before the venue misbehaves; configuration above it is refused. */
    default int maxMarketsPerSocket() {
        return Integer.MAX_VALUE;
    }

    /** How fast one socket may send to the venue; the connection queues frames to keep to it. */
    default Pacing pacing() {
        return Pacing.UNLIMITED;
    }

    /**
     * Checks the venue's own settings ({@link VenueSettings#options()}) before the node starts.
     *
     * @throws IllegalArgumentException with a message naming the key when one is wrong
     */
    default void validate(VenueSettings settings) {
    }
}
