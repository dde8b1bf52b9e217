package io.marketmesh.node.api;

import io.marketmesh.node.connection.ConnectionManager;
import io.marketmesh.node.connection.VenueError;
import io.marketmesh.node.connection.WorkerHealth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A venue's health in {@code GET /api/v1/venues}, over all its connection workers on every node. The rule (what a
 * person on call would check first, docs/http-api.md): healthy when every configured worker answers, every socket that
 * carries markets is open and has received something within the venue's {@code stale-after}, no book of the venue is
 * served stale, and market discovery (when used) has not failed. {@code reasons} says which of these does not hold;
 * past errors alone ({@code lastError}) do not make a venue unhealthy once it works again.
 *
 * @param lastUpdate the latest frame from the venue over all its sockets (epoch ms; 0: none yet)
 * @param lastError  the latest error over all its workers, null when none since they started
 * @param booksStale the venue's books served stale now, each node's MarketActors counted once
 */
record VenueHealth(boolean healthy, long lastUpdate, VenueError lastError, long booksStale, List<String> reasons) {

    /** @param statuses the workers that answered; {@code discovery} worker 0's account of discovery, or null */
    static VenueHealth of(int workersConfigured, String discovery, List<ConnectionManager.WorkerStatus> statuses) {
        List<String> reasons = new ArrayList<>();
        if (statuses.size() < workersConfigured) {
            reasons.add(statuses.size() + " of " + workersConfigured + " connection workers answered");
        }
        long lastUpdate = 0;
        VenueError lastError = null;
        // Several of the venue's workers may share a node: its tally counts once (each worker read it at its own moment;
        // the highest is kept).
        Map<String, Long> staleByNode = new HashMap<>();
        for (ConnectionManager.WorkerStatus status : statuses) {
            WorkerHealth health = status.health();
            if (health == null) {
                continue; // a worker of an earlier release, during a rolling upgrade: it has nothing to say about health
            }
            lastUpdate = Math.max(lastUpdate, health.lastFrameAt());
            lastError = VenueError.latest(lastError, health.lastError());
            staleByNode.merge(status.node(), health.nodeBooksStale(), Math::max);
            reasons.addAll(health.problems());
        }
        long booksStale = staleByNode.values().stream().mapToLong(Long::longValue).sum();
        if (booksStale > 0) {
            reasons.add(booksStale + (booksStale == 1 ? " book" : " books") + " stale");
        }
        if (discovery != null && discovery.startsWith("failed")) {
            reasons.add("discovery " + discovery);
        }
        return new VenueHealth(reasons.isEmpty(), lastUpdate, lastError, booksStale, List.copyOf(reasons));
    }
}
