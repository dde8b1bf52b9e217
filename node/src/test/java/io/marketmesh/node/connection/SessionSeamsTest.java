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
        node = TestNode.start(Map.of("marketmesh.venues.polymarket.enabled", false,
                "marketmesh.venues.kalshi.enabled", false));
        venue = new SpliceVenue();
        VenueSettings settings = new VenueSettings(Venue.BINANCE, true, venue.wsUrl(), venue.restUrl(),
                List.of(SpliceSession.SYMBOL), 0, 10, 10, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(5), ConfigFactory.empty());
        ConnectionSettings connection = ConnectionSettings.fromConfig(
                node.system().settings().config().getConfig("marketmesh.connection"));
        // Two frames per 300 ms: the session's four subscribe frames must wait for their turn.
        SpliceSession.Adapter adapter = new SpliceSession.Adapter(venue.restUrl(), new Pacing(2, Duration.ofMillis(300)));
        TestProbe<ConnectionManager.Command> manager = TestProbe.create(node.system());
        node.system().systemActorOf(ConnectionActor.create(
                new ConnectionActor.Dependencies(adapter, settings, connection, MarketPublisher.NONE), 0, manager.getRef()),
                "splice-socket", Props.empty());
        ConnectionManager.SocketStarting starting = manager.expectMessageClass(ConnectionManager.SocketStarting.class, WAIT);
        ActorRef<ConnectionActor.Command> socket = starting.self();
        socket.tell(new ConnectionActor.Subscribe(List.of(SpliceSession.SYMBOL)));

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

    private BookView book() {
        return ClusterSharding.get(node.system())
                .entityRefFor(MarketActor.TYPE_KEY, SpliceSession.MARKET.id())
                .<BookView>ask(replyTo -> new MarketActor.GetBook(100, replyTo), Duration.ofSeconds(5))
                .toCompletableFuture().join();
    }
}
