package io.marketmesh.node.connection;

import io.marketmesh.node.serialization.CborSerializable;

/**
 * The latest thing that went wrong with a venue, as {@code GET /api/v1/venues} shows it in each venue's
 * {@code health.lastError}.
 *
 * @param kind    what went wrong: {@link #SOCKET} (a socket failed or was reopened: closed by the venue, network error,
 *                feed silent past {@code stale-after}, no snapshot after resyncs), {@link #UPGRADE_REFUSED} (the venue
 *                answered the WebSocket upgrade with an HTTP error, e.g. 401 for a bad signature), {@link #BAD_FRAME}
 *                (a frame that could not be read, skipped), {@link #VENUE_ERROR} (the venue refused a request or sent
 *                an error message; its REST snapshot fetch failed) or {@link #DISCOVERY} (market discovery failed)
 * @param at      when, epoch ms
 * @param worker  the connection worker that saw it
 * @param socket  the socket it happened on; null for discovery
 */
public record VenueError(String kind, String message, long at, int worker, Integer socket) implements CborSerializable {

    public static final String SOCKET = "socket";
    public static final String UPGRADE_REFUSED = "upgrade_refused";
    public static final String BAD_FRAME = "bad_frame";
    public static final String VENUE_ERROR = "venue_error";
    public static final String DISCOVERY = "discovery";

    /** The later of two errors, either of which may be null. */
    public static VenueError latest(VenueError a, VenueError b) {
        if (a == null) {
            return b;
        }
        return b == null || a.at >= b.at ? a : b;
    }
}
