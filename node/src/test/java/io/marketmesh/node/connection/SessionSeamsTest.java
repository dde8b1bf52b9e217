package io.marketmesh.node.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.node.venue.Pacing;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.BookView;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection layer's seams for venues that need more than a socket, on a real socket and a real node: a session
 * that buffers diffs, fetches a REST snapshot through the connection, fetches again on a timer when the first is too
 * old, and splices, ends with the venue's exact book; its frames go out paced and in order; a binary frame is
 * counted and reported, and the socket lives on.
 */
class SessionSeamsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private TestNode node;
    private SpliceVenue venue;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (venue != null) {
            venue.close();
        }
    }

    @Test
    void aSessionFetchesASnapshotAgainWhenTooOldThenSplicesItIntoTheDiffStream() throws Exception {
        // Two frames per 300 ms: the session's four subscribe frames must wait for their turn.
        TestProbe<ConnectionManager.Command> manager = startSocket(new Pacing(2, Duration.ofMillis(300)));

        TestNode.await(() -> !book().stale(), WAIT, "the spliced book is live");
        venue.pause();
        TestNode.await(() -> {
            BookView view = book();
            return !view.stale() && view.bids().equals(venue.bids()) && view.asks().equals(venue.asks());
        }, WAIT, "the node's book equals the venue's");
        assertTrue(venue.restCalls() >= 2, "the first snapshot was older than the diffs and was fetched again");

        TestNode.await(() -> venue.received.stream().filter(t -> t.contains("SUBSCRIBE")).count() == 4, WAIT,
                "every paced frame reaches the venue");
        List<String> subscribes = venue.received.stream().filter(t -> t.contains("SUBSCRIBE")).toList();
        for (int i = 0; i < 4; i++) {
            assertTrue(subscribes.get(i).endsWith("\"id\":" + (i + 1) + "}"), "in order: " + subscribes);
        }

        ConnectionManager.SocketStatusUpdate status = (ConnectionManager.SocketStatusUpdate) manager.fishForMessage(WAIT,
                m -> m instanceof ConnectionManager.SocketStatusUpdate s && s.binaryFrames() == 1
                        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
        assertEquals("open", status.state(), "a binary frame does not end the socket");
        assertTrue(status.badFrames() >= 1, "the binary frame is also counted as a bad frame");
    }

    @Test
    void aSessionThatThrowsEndsItsSocketLikeAnyFailureAndItsBooksGoStale() throws Exception {
        TestProbe<ConnectionManager.Command> manager = startSocket(Pacing.UNLIMITED);
        TestNode.await(() -> !book().stale(), WAIT, "the book is live");

        // A frame the session has a bug with: it throws while reading it.
        venue.poison();
        ConnectionManager.SocketFailed failed = (ConnectionManager.SocketFailed) manager.fishForMessage(WAIT,
                m -> m instanceof ConnectionManager.SocketFailed ? FishingOutcomes.complete()
                        : FishingOutcomes.continueAndIgnore()).get(0);
        assertTrue(failed.reason().startsWith("venue session failed"), failed.reason());
        TestNode.await(() -> state().counters().staleEvents() >= 1, WAIT, "the book was marked stale");
        // A fresh socket and session rebuild it.
        ((ConnectionManager.SocketStarting) manager.fishForMessage(WAIT, m -> m instanceof ConnectionManager.SocketStarting
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0)).self()
                .tell(new ConnectionActor.Subscribe(List.of(SpliceSession.SYMBOL)));
        TestNode.await(() -> !book().stale(), WAIT, "the book is live again");
    }

    /**
     * A node without venues, the test venue, and one socket to it with the test session, spawned with a probe as its
     * connection worker; the socket carries the test market.
     */
    private TestProbe<ConnectionManager.Command> startSocket(Pacing pacing) throws Exception {
        node = TestNode.start(Map.of("marketmesh.venues.polymarket.enabled", false,
                "marketmesh.venues.kalshi.enabled", false, "marketmesh.connection.min-backoff", "200ms"));
        venue = new SpliceVenue();
        VenueSettings settings = new VenueSettings(Venue.BINANCE, true, venue.wsUrl(), venue.restUrl(),
                List.of(SpliceSession.SYMBOL), 0, 10, 10, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(5), ConfigFactory.empty());
        ConnectionSettings connection = ConnectionSettings.fromConfig(
                node.system().settings().config().getConfig("marketmesh.connection"));
        TestProbe<ConnectionManager.Command> manager = TestProbe.create(node.system());
        node.system().systemActorOf(ConnectionActor.create(new ConnectionActor.Dependencies(
                new SpliceSession.Adapter(venue.restUrl(), pacing), settings, connection, MarketPublisher.NONE),
                0, manager.getRef()), "splice-socket", Props.empty());
        ActorRef<ConnectionActor.Command> socket =
                manager.expectMessageClass(ConnectionManager.SocketStarting.class, WAIT).self();
        socket.tell(new ConnectionActor.Subscribe(List.of(SpliceSession.SYMBOL)));
        return manager;
    }

    private io.marketmesh.protocol.MarketState state() {
        return ClusterSharding.get(node.system())
                .entityRefFor(MarketActor.TYPE_KEY, SpliceSession.MARKET.id())
                .<io.marketmesh.protocol.MarketState>ask(MarketActor.GetState::new, Duration.ofSeconds(5))
                .toCompletableFuture().join();
    }

    private BookView book() {
        return ClusterSharding.get(node.system())
                .entityRefFor(MarketActor.TYPE_KEY, SpliceSession.MARKET.id())
                .<BookView>ask(replyTo -> new MarketActor.GetBook(100, replyTo), Duration.ofSeconds(5))
                .toCompletableFuture().join();
    }
}
