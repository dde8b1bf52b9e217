package io.marketmesh.node.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.BookView;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketState;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MarketActorTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final MarketSettings SETTINGS = new MarketSettings(Duration.ofMillis(300), Duration.ofSeconds(2), 1000);
    private static int counter;

    private MarketKey market;
    private TestProbe<ResyncRequest> resyncs;
    private ActorRef<MarketActor.Command> actor;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @AfterEach
    void stopActor() {
        // Topics are shared by name within the system: a previous test's actor must not publish into the next.
        testKit.stop(actor);
    }

    @BeforeEach
    void start() {
        int n = counter++;
        market = MarketKey.of(Venue.KALSHI, "TEST-" + n);
        ResyncTopics topics = ResyncTopics.spawn((behavior, name) -> testKit.spawn(behavior, name + "-" + n));
        resyncs = testKit.createTestProbe();
        topics.subscribe(Venue.KALSHI, resyncs.getRef());
        // The topic registers subscribers asynchronously; give it a moment before anything publishes.
        resyncs.expectNoMessage(Duration.ofMillis(200));
        actor = testKit.spawn(MarketActor.create(market, topics, SETTINGS));
    }

    private static long d(String s) {
        return Decimals.parse(s);
    }

    private BookSnapshot snapshot(long seq, PriceLevel... bidsThenOneAsk) {
        return new BookSnapshot(market, List.of(bidsThenOneAsk).subList(0, bidsThenOneAsk.length - 1),
                List.of(bidsThenOneAsk[bidsThenOneAsk.length - 1]), seq, 1000 + seq, 2000 + seq);
    }

    private BookDelta relative(long seq, Side side, String price, String delta) {
        return new BookDelta(market, BookDelta.Mode.RELATIVE, List.of(new LevelUpdate(side, d(price), d(delta))), seq,
                Decimals.NONE, Decimals.NONE, 1000 + seq, 2000 + seq);
    }

    private MarketState state() {
        TestProbe<MarketState> probe = testKit.createTestProbe();
        actor.tell(new MarketActor.GetState(probe.getRef()));
        return probe.receiveMessage();
    }

    private BookView book() {
        TestProbe<BookView> probe = testKit.createTestProbe();
        actor.tell(new MarketActor.GetBook(10, probe.getRef()));
        return probe.receiveMessage();
    }

    @Test
    void appliesSnapshotAndDeltasAndServesTheBookFresh() {
        actor.tell(new MarketActor.Apply(snapshot(1, new PriceLevel(d("0.01"), d("1410")), new PriceLevel(d("0.98"), d("2500")))));
        actor.tell(new MarketActor.Apply(relative(2, Side.BID, "0.01", "10.00")));
        actor.tell(new MarketActor.Apply(relative(3, Side.BID, "0.05", "7")));
        BookView view = book();
        assertFalse(view.stale());
        assertEquals(List.of(new PriceLevel(d("0.05"), d("7")), new PriceLevel(d("0.01"), d("1420"))), view.bids());
        assertEquals(List.of(new PriceLevel(d("0.98"), d("2500"))), view.asks());
        MarketState state = state();
        assertEquals(3, state.sequence());
        assertEquals(3, state.venueSequence());
        assertEquals(d("0.05"), state.bestBid());
        resyncs.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void anEmptyMarketAsksForASnapshotAtOnce() {
        actor.tell(new MarketActor.Apply(relative(5, Side.BID, "0.01", "1")));
        ResyncRequest request = resyncs.receiveMessage();
        assertEquals(market, request.market());
        MarketState state = state();
        assertTrue(state.stale());
        assertFalse(state.hasBook());
        assertEquals(1, state.counters().ignoredWhileAwaitingSnapshot());
    }

    @Test
    void aLevelGoingNegativeMarksStaleRequestsResyncAndASnapshotHeals() {
        actor.tell(new MarketActor.Apply(snapshot(1, new PriceLevel(d("0.01"), d("10")), new PriceLevel(d("0.98"), d("5")))));
        actor.tell(new MarketActor.Apply(relative(2, Side.BID, "0.01", "-11")));
        assertTrue(resyncs.receiveMessage().reason().contains("below zero"));
        // Changes after corruption are not applied onto a wrong book.
        actor.tell(new MarketActor.Apply(relative(3, Side.BID, "0.02", "1")));
        BookView stale = book();
        assertTrue(stale.stale());
        assertEquals(List.of(new PriceLevel(d("0.01"), d("10"))), stale.bids(), "the last book is still served, flagged");
        // No snapshot comes: the actor asks again after its backoff.
        assertEquals(market, resyncs.receiveMessage(Duration.ofSeconds(3)).market());
        actor.tell(new MarketActor.Apply(snapshot(9, new PriceLevel(d("0.03"), d("1")), new PriceLevel(d("0.97"), d("2")))));
        BookView healed = book();
        assertFalse(healed.stale());
        assertEquals(List.of(new PriceLevel(d("0.03"), d("1"))), healed.bids());
    }

    @Test
    void topOfBookDisagreeingWithTheVenueMarksStale() {
        actor.tell(new MarketActor.Apply(snapshot(0, new PriceLevel(d("0.5"), d("10")), new PriceLevel(d("0.6"), d("5")))));
        BookDelta agreeing = new BookDelta(market, BookDelta.Mode.ABSOLUTE,
                List.of(new LevelUpdate(Side.BID, d("0.55"), d("3"))), 0, d("0.55"), d("0.6"), 1, 2);
        actor.tell(new MarketActor.Apply(agreeing));
        assertFalse(state().stale());
        BookDelta disagreeing = new BookDelta(market, BookDelta.Mode.ABSOLUTE,
                List.of(new LevelUpdate(Side.ASK, d("0.6"), 0)), 0, d("0.55"), d("0.65"), 1, 2);
        actor.tell(new MarketActor.Apply(disagreeing));
        assertTrue(resyncs.receiveMessage().reason().contains("top of book"));
        assertTrue(state().stale());
    }

    @Test
    void emptySideExpectationMatchesAnEmptySide() {
        actor.tell(new MarketActor.Apply(snapshot(0, new PriceLevel(d("0.5"), d("10")), new PriceLevel(d("0.6"), d("5")))));
        BookDelta emptiesBids = new BookDelta(market, BookDelta.Mode.ABSOLUTE,
                List.of(new LevelUpdate(Side.BID, d("0.5"), 0)), 0, 0, d("0.6"), 1, 2);
        actor.tell(new MarketActor.Apply(emptiesBids));
        assertFalse(state().stale());
    }

    @Test
    void connectionReportedStalenessWaitsForTheSnapshotTheConnectionRequested() {
        actor.tell(new MarketActor.Apply(snapshot(1, new PriceLevel(d("0.01"), d("10")), new PriceLevel(d("0.98"), d("5")))));
        actor.tell(new MarketActor.MarkStale("sequence gap on sid 1"));
        MarketState state = state();
        assertTrue(state.stale());
        assertEquals("sequence gap on sid 1", state.staleReason());
        resyncs.expectNoMessage(Duration.ofMillis(150));
        actor.tell(new MarketActor.Apply(snapshot(7, new PriceLevel(d("0.02"), d("1")), new PriceLevel(d("0.97"), d("1")))));
        assertFalse(state().stale());
    }

    @Test
    void bookResetDropsTheBookUntilTheNextSnapshot() {
        actor.tell(new MarketActor.Apply(snapshot(1, new PriceLevel(d("0.5"), d("10")), new PriceLevel(d("0.6"), d("5")))));
        actor.tell(new MarketActor.Apply(new BookReset(market, "tick size change", 1, 2)));
        actor.tell(new MarketActor.Apply(relative(2, Side.BID, "0.51", "1")));
        BookView view = book();
        assertTrue(view.stale());
        assertTrue(view.bids().isEmpty());
        actor.tell(new MarketActor.Apply(snapshot(3, new PriceLevel(d("0.501"), d("1")), new PriceLevel(d("0.6"), d("5")))));
        assertEquals(d("0.501"), book().bids().get(0).price());
    }
}
