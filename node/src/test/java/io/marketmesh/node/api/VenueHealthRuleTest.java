package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.connection.ConnectionManager.WorkerStatus;
import io.marketmesh.node.connection.VenueError;
import io.marketmesh.node.connection.WorkerHealth;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health rule of docs/http-api.md, from the workers' reports to the venue's {@code health}. */
class VenueHealthRuleTest {

    private static final String NODE_A = "10.0.0.1:7355";
    private static final String NODE_B = "10.0.0.2:7355";

    @Test
    void everyWorkerRunningWithOpenFedSocketsAndFreshBooksIsHealthy() {
        VenueHealth health = VenueHealth.of(8, 2, "done: 8 markets from discovery", List.of(
                worker(0, NODE_A, 4, 1000, null, 0), worker(1, NODE_B, 4, 1200, null, 0)));
        assertTrue(health.healthy(), health.toString());
        assertEquals(List.of(), health.reasons());
        assertEquals(1200, health.lastUpdate(), "the latest frame over every worker");
        assertNull(health.lastError());
        assertEquals(0, health.booksStale());
    }

    @Test
    void aNodesStaleBooksCountOnceHoweverManyOfTheVenuesWorkersRunThere() {
        // Workers 0 and 2 share node A (3 stale books there); worker 1 on node B has 1.
        VenueHealth health = VenueHealth.of(12, 3, null, List.of(worker(0, NODE_A, 4, 1000, null, 3),
                worker(1, NODE_B, 4, 1000, null, 1), worker(2, NODE_A, 4, 1000, null, 3)));
        assertEquals(4, health.booksStale());
        assertFalse(health.healthy());
        assertEquals(List.of("4 books stale"), health.reasons());
    }

    @Test
    void theLatestErrorOfAnyWorkerIsShownAndAPastErrorAloneLeavesTheVenueHealthy() {
        VenueError older = new VenueError(VenueError.BAD_FRAME, "bad frame skipped: truncated", 500, 0, 0);
        VenueError newer = new VenueError(VenueError.SOCKET, "venue closed the socket", 900, 1, 1);
        VenueHealth health = VenueHealth.of(2, 2, null, List.of(worker(0, NODE_A, 1, 1000, older, 0),
                worker(1, NODE_B, 1, 1000, newer, 0)));
        assertEquals(newer, health.lastError());
        assertTrue(health.healthy(), "it works again: " + health);
    }

    @Test
    void missingWorkersSocketProblemsUncarriedMarketsAndFailedDiscoveryEachSayWhy() {
        WorkerStatus down = new WorkerStatus(Venue.KALSHI, 0, NODE_A, "wss://x", 3, "failed: HTTP 503 (retrying in 30s)",
                List.of(), new WorkerHealth(0, null, 0, List.of("socket 0 down: venue closed the socket")));
        VenueHealth health = VenueHealth.of(5, 2, down.discovery(), List.of(down));
        assertFalse(health.healthy());
        assertEquals(List.of("1 of 2 connection workers answered", "socket 0 down: venue closed the socket",
                "no frame received yet", "discovery failed: HTTP 503 (retrying in 30s)"), health.reasons());

        VenueHealth uncarried = VenueHealth.of(5, 1, null, List.of(worker(0, NODE_A, 3, 1000, null, 0)));
        assertEquals(List.of("2 of 5 followed markets on no socket"), uncarried.reasons());

        VenueHealth nothing = VenueHealth.of(0, 1, "done: 0 markets from discovery", List.of(worker(0, NODE_A, 0, 0, null, 0)));
        assertEquals(List.of("no market followed"), nothing.reasons());
    }

    @Test
    void manySocketProblemsAreListedUpToAFewAndCounted() {
        List<String> problems = new ArrayList<>();
        for (int socket = 0; socket < 8; socket++) {
            problems.add("socket " + socket + " connecting");
        }
        WorkerStatus worker = new WorkerStatus(Venue.BINANCE, 0, NODE_A, "wss://x", 80, null, List.of(),
                new WorkerHealth(1000, null, 0, problems));
        VenueHealth health = VenueHealth.of(80, 1, null, List.of(worker));
        assertEquals(VenueHealth.SOCKET_PROBLEMS_LISTED + 1, health.reasons().size(), health.reasons().toString());
        assertEquals("and 3 more sockets not open or silent", health.reasons().get(VenueHealth.SOCKET_PROBLEMS_LISTED));
    }

    private static WorkerStatus worker(int index, String node, int markets, long lastFrameAt, VenueError lastError,
                                       long nodeBooksStale) {
        return new WorkerStatus(Venue.POLYMARKET, index, node, "wss://x", markets, null, List.of(),
                new WorkerHealth(lastFrameAt, lastError, nodeBooksStale, List.of()));
    }
}
