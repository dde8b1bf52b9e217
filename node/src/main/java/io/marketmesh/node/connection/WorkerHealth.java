package io.marketmesh.node.connection;

import io.marketmesh.node.serialization.CborSerializable;
import java.util.List;

/**
 * What one connection worker knows about its venue's health, reported with its status; the HTTP API combines the
 * workers' reports into the venue's {@code health} in {@code GET /api/v1/venues}.
 *
 * @param lastFrameAt       the latest frame received on any of its sockets, any incarnation (epoch ms; 0: none yet)
 * @param lastError         the latest error it saw (socket failure, refused upgrade, bad frame, venue error, discovery
 *                          failure), null when none since it started
 * @param nodeBooksStale    the venue's books served stale now by the MarketActors of the worker's node (the node's
 *                          tally, not only this worker's markets: the API counts each node once)
 * @param problems          why its share of the venue is unhealthy now, one short line each: a socket carrying markets
 *                          that is not open, or open but silent past the venue's {@code stale-after}
 */
public record WorkerHealth(long lastFrameAt, VenueError lastError, long nodeBooksStale, List<String> problems)
        implements CborSerializable {
}
