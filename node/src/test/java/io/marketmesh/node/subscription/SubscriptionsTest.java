package io.marketmesh.node.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a connection worker is told about the followed markets, and what the HTTP API reads of them. */
class SubscriptionsTest {

    private final ActorTestKit testKit = ActorTestKit.create("subscriptions", ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            """).withFallback(ConfigFactory.load()));

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void aWatcherIsToldTheFollowedMarketsOnlyOnceTheyAreReadNeverAnEmptyGuess() {
        ActorRef<Subscriptions.Command> subscriptions = testKit.spawn(Subscriptions.create(Duration.ofSeconds(5),
                new AtomicBoolean(), Map.of(Venue.KALSHI, List.of("AAA", "BBB"))));
        TestProbe<Subscriptions.VenueSymbols> worker = testKit.createTestProbe();
        // Before the node has joined nothing is read: a worker told "nothing is followed" now would drop its markets.
        subscriptions.tell(new Subscriptions.Watch(Venue.KALSHI, worker.getRef()));
        Cluster cluster = Cluster.get(testKit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        assertEquals(Set.of("AAA", "BBB"), worker.receiveMessage(Duration.ofSeconds(20)).symbols(),
                "the first view is the one read (and seeded), not the empty start");
    }

    @Test
    void theViewReadWithoutAskingAnswersAsTheActorDoesOnceAChangeIsAnswered() {
        FollowedMarkets view = new FollowedMarkets();
        ActorRef<Subscriptions.Command> subscriptions = testKit.spawn(Subscriptions.create(Duration.ofSeconds(5),
                new AtomicBoolean(), Map.of(Venue.KALSHI, List.of("BBB", "AAA")), view));
        assertFalse(view.contains(Venue.KALSHI, "AAA"), "nothing is read before the node joins");
        TestProbe<Subscriptions.VenueSymbols> worker = testKit.createTestProbe();
        subscriptions.tell(new Subscriptions.Watch(Venue.KALSHI, worker.getRef()));
        Cluster cluster = Cluster.get(testKit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        worker.receiveMessage(Duration.ofSeconds(20)); // read and seeded
        assertTrue(view.contains(Venue.KALSHI, "AAA"));

        TestProbe<Subscriptions.FollowResult> follower = testKit.createTestProbe();
        subscriptions.tell(new Subscriptions.Follow(Venue.KALSHI, List.of("CCC"), follower.getRef()));
        assertEquals(List.of("CCC"), follower.receiveMessage(Duration.ofSeconds(20)).added());
        // A client that was told its follow succeeded finds the market followed on its very next query.
        assertTrue(view.contains(Venue.KALSHI, "CCC"));
        TestProbe<Subscriptions.Followed> reader = testKit.createTestProbe();
        subscriptions.tell(new Subscriptions.GetFollowed(reader.getRef()));
        Subscriptions.Followed asked = reader.receiveMessage();
        assertEquals(asked, view.followed());
        assertEquals(List.of("AAA", "BBB", "CCC"), List.copyOf(view.followed().of(Venue.KALSHI)), "sorted, as listed");

        TestProbe<Subscriptions.UnfollowResult> unfollower = testKit.createTestProbe();
        subscriptions.tell(new Subscriptions.Unfollow(Venue.KALSHI, "AAA", unfollower.getRef()));
        assertTrue(unfollower.receiveMessage(Duration.ofSeconds(20)).wasFollowed());
        assertFalse(view.contains(Venue.KALSHI, "AAA"), "an unfollowed market is gone before the unfollow is answered");
    }

    @Test
    void discoveryNeverAddsBackAMarketAUserRemovedUntilAUserFollowsItAgainAndTheCatalogueDropsLeaveNoRecord() {
        FollowedMarkets view = new FollowedMarkets();
        ActorRef<Subscriptions.Command> subscriptions = testKit.spawn(Subscriptions.create(Duration.ofSeconds(5),
                new AtomicBoolean(), Map.of(Venue.KALSHI, List.of("AAA", "BBB")), view));
        TestProbe<Subscriptions.VenueSymbols> worker = testKit.createTestProbe();
        subscriptions.tell(new Subscriptions.Watch(Venue.KALSHI, worker.getRef()));
        Cluster cluster = Cluster.get(testKit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        worker.receiveMessage(Duration.ofSeconds(20));

        TestProbe<Subscriptions.UnfollowResult> unfollower = testKit.createTestProbe();
        subscriptions.tell(new Subscriptions.Unfollow(Venue.KALSHI, "AAA", unfollower.getRef()));
        assertTrue(unfollower.receiveMessage(Duration.ofSeconds(20)).wasFollowed());
        TestProbe<Subscriptions.DiscoveredAdded> discovery = testKit.createTestProbe();
        subscriptions.tell(new Subscriptions.AddDiscovered(Venue.KALSHI, List.of("AAA", "BBB", "NEW"),
                discovery.getRef()));
        assertEquals(List.of("NEW"), discovery.receiveMessage(Duration.ofSeconds(20)).added(),
                "the removed market stays removed, the followed one is not added twice");
        assertFalse(view.contains(Venue.KALSHI, "AAA"));

        // Closed markets the catalogue unfollows are not removed by a user: discovery may follow them again.
        subscriptions.tell(new Subscriptions.Drop(Venue.KALSHI, List.of("BBB")));
        worker.awaitAssert(Duration.ofSeconds(20), () -> {
            assertFalse(view.contains(Venue.KALSHI, "BBB"));
            return null;
        });
        subscriptions.tell(new Subscriptions.AddDiscovered(Venue.KALSHI, List.of("AAA", "BBB"), discovery.getRef()));
        assertEquals(List.of("BBB"), discovery.receiveMessage(Duration.ofSeconds(20)).added());

        // A user following it again clears the record: once dropped, discovery may follow it again.
        TestProbe<Subscriptions.FollowResult> follower = testKit.createTestProbe();
        subscriptions.tell(new Subscriptions.Follow(Venue.KALSHI, List.of("AAA"), follower.getRef()));
        assertEquals(List.of("AAA"), follower.receiveMessage(Duration.ofSeconds(20)).added());
        subscriptions.tell(new Subscriptions.Drop(Venue.KALSHI, List.of("AAA")));
        worker.awaitAssert(Duration.ofSeconds(20), () -> {
            assertFalse(view.contains(Venue.KALSHI, "AAA"));
            return null;
        });
        subscriptions.tell(new Subscriptions.AddDiscovered(Venue.KALSHI, List.of("AAA"), discovery.getRef()));
        assertEquals(List.of("AAA"), discovery.receiveMessage(Duration.ofSeconds(20)).added());
    }
}
