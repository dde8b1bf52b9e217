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
 * person on call would check first, docs/http-api.md): healthy when every configured worker answers, the venue follows
 * markets and every one of them is on a socket, every socket that carries markets is open and has received something
 * within the venue's {@code stale-after}, no book of the venue is served stale, and market discovery (when used) has not
 * failed. {@code reasons} says which of these does not hold;
 * past errors alone ({@code lastError}) do not make a venue unhealthy once it works again.
 *
 * @param lastUpdate the latest frame from the venue over all its sockets (epoch ms; 0: none yet)
 * @param lastError  the latest error over all its workers, null when none since they started
 * @param booksStale the venue's books served stale now, each node's MarketActors counted once
 */
record VenueHealth(boolean healthy, long lastUpdate, VenueError lastError, long booksStale, List<String> reasons) {

    /** Socket problems listed one by one up to this many; the rest are counted (a venue of 200 sockets, all down). */
    static final int SOCKET_PROBLEMS_LISTED = 5;

    /**
     * @param followed  how many markets of the venue the cluster follows
     * @param discovery worker 0's account of discovery, or null
     * @param statuses  the workers that answered
     */
    static VenueHealth of(int followed, int workersConfigured, String discovery,
                          List<ConnectionManager.WorkerStatus> statuses) {
        List<String> reasons = new ArrayList<>();
        if (statuses.size() < workersConfigured) {
            reasons.add(statuses.size() + " of " + workersConfigured + " connection workers answered");
        }
        if (followed == 0) {
            reasons.add("no market followed");
        }
        int carried = statuses.stream().mapToInt(ConnectionManager.WorkerStatus::markets).sum();
        if (statuses.size() == workersConfigured && carried < followed) {
            // Just followed (a socket takes it within a moment), or a symbol the venue's adapter refuses (logged).
            reasons.add((followed - carried) + " of " + followed + " followed markets on no socket");
        }
        long lastUpdate = 0;
        VenueError lastError = null;
        // Several of the venue's workers may share a node: its tally counts once (each worker read it at its own moment;
        // the highest is kept).
        Map<String, Long> staleByNode = new HashMap<>();
        List<String> socketProblems = new ArrayList<>();
        for (ConnectionManager.WorkerStatus status : statuses) {
            WorkerHealth health = status.health();
            if (health == null) {
                continue; // a worker of an earlier release, during a rolling upgrade: it has nothing to say about health
            }
            lastUpdate = Math.max(lastUpdate, health.lastFrameAt());
            lastError = VenueError.latest(lastError, health.lastError());
            staleByNode.merge(status.node(), health.nodeBooksStale(), Math::max);
            socketProblems.addAll(health.problems());
        }
        if (socketProblems.size() > SOCKET_PROBLEMS_LISTED) {
            int more = socketProblems.size() - SOCKET_PROBLEMS_LISTED;
            socketProblems = new ArrayList<>(socketProblems.subList(0, SOCKET_PROBLEMS_LISTED));
            socketProblems.add("and " + more + " more socket" + (more == 1 ? "" : "s") + " not open or silent");
        }
        reasons.addAll(socketProblems);
        if (followed > 0 && lastUpdate == 0) {
            reasons.add("no frame received yet");
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
