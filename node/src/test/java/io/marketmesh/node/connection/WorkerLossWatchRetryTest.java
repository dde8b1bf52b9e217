package io.marketmesh.node.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.market.SocketRoutes;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.util.Version;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a node is lost, the watch reads the followed markets to flag the books its connection workers fed. A first read
 * that fails (the subscriptions actor does not answer in time) is tried again after a backoff, and the lost worker's
 * live book is still flagged stale, where it used to stay served as fresh.
 */
class WorkerLossWatchRetryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private SimulatedVenues venues;
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void aFailedReadOfTheFollowedMarketsIsRetriedAndTheLostWorkersBooksAreStillFlagged() {
        venues = SimulatedVenues.startUnsigned(0, 1, 5, 3);
        VenueSimulator simulator = venues.simulator();
        String symbol = simulator.markets(Venue.KALSHI).get(0);
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.put("marketmesh.venues.polymarket.enabled", false);
        settings.put("marketmesh.venues.kalshi.markets", List.of(symbol));
        settings.put("marketmesh.connection.workers-per-venue", 1);
        node = TestNode.start(settings);
        String path = "/api/v1/markets/kalshi/" + symbol;
        node.awaitJson(path, r -> r.status() == 200 && !r.body().path("stale").asBoolean(true), WAIT);
        assertEquals(0, node.get(path).body().path("counters").path("staleEvents").asLong());

        // The followed markets, as a subscriptions actor that does not answer the first read (busy, restarting).
        AtomicInteger reads = new AtomicInteger();
        Behavior<Subscriptions.Command> flaky = Behaviors.receive(Subscriptions.Command.class)
                .onMessage(Subscriptions.GetFollowed.class, get -> {
                    if (reads.incrementAndGet() > 1) {
                        get.replyTo().tell(new Subscriptions.Followed(Map.of(Venue.KALSHI, Set.of(symbol))));
                    }
                    return Behaviors.same();
                })
                .build();
        ActorRef<Subscriptions.Command> subscriptions = node.system().systemActorOf(flaky, "flaky-subscriptions",
                Props.empty());
        ActorRef<WorkerLossWatch.Command> watch = node.system().systemActorOf(WorkerLossWatch.create(
                Set.of(Venue.KALSHI), 1, subscriptions, new WorkerLossWatch.Settings(Duration.ofMillis(300),
                        Duration.ofMillis(200), Duration.ofSeconds(1), 5)), "retrying-loss-watch", Props.empty());

        // Kalshi's worker 0 was on a node now lost (one that is no member here: gone for good). The flag names the lost
        // node's sockets by the tag in their routes; the book's writer is a socket of this node, so the lost node
        // goes by this node's tag: its sockets wrote the book.
        UniqueAddress lost = new UniqueAddress(new Address("pekko", node.system().name(), "10.255.255.1", 25520), 42L);
        int lostNodeTag = SocketRoutes.nodeTag(Cluster.get(node.system()).selfMember().uniqueAddress());
        watch.tell(new WorkerLossWatch.ReadFollowed(lost, lostNodeTag,
                List.of(new WorkerLossWatch.WorkerSlot(Venue.KALSHI, 0)), 1));

        node.awaitJson(path, r -> r.body().path("counters").path("staleEvents").asLong() >= 1, WAIT);
        assertEquals(2, reads.get(), "the first read failed, the second was answered");
        // The socket still runs here, so its next snapshot heals the book.
        node.awaitJson(path, r -> !r.body().path("stale").asBoolean(true), WAIT);
        assertTrue(node.get(path).body().path("counters").path("snapshots").asLong() >= 2);
    }

    @Test
    void aLostMemberOfABuildBeforeNodeTagsIsFlaggedForEveryBook() {
        node = TestNode.start(Map.of());
        Member self = Cluster.get(node.system()).selfMember();
        assertTrue(self.appVersion().compareTo(Version.Zero()) > 0, "this build's members say their version");
        assertEquals(SocketRoutes.nodeTag(self.uniqueAddress()), WorkerLossWatch.flagTag(self));
        // A member as an earlier build joins: Pekko's default app-version. Its sockets' routes are random.
        Member earlier = new Member(self.uniqueAddress(), self.upNumber(), self.status(), self.roles(), Version.Zero());
        assertEquals(0, WorkerLossWatch.flagTag(earlier), "a flag every book heeds, as before");
    }
}
