package io.marketmesh.node.venue.kalshi;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.testkit.RecordingOutput;
import static io.marketmesh.node.venue.kalshi.KalshiFixturesTest.d;
import static io.marketmesh.node.venue.kalshi.KalshiFixturesTest.level;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The session's protocol handling on frames written in Kalshi's 2026 wire format. */
class KalshiSessionTest {

    private static final String A = "KXTEST-26-A";
    private static final String B = "KXTEST-26-B";

    private final RecordingOutput out = new RecordingOutput();
    private KalshiSession session = new KalshiSession(10, Duration.ofSeconds(10));

    @Test
    void subscribesBookAndDataChannelsInBatchesWithIdsFromOne() {
        session = new KalshiSession(2, Duration.ofSeconds(10));
        session.subscribe(List.of("M1", "M2", "M3", "M4", "M5"), out);
        assertEquals(List.of(
                subscribeBook(1, "M1", "M2"), subscribeData(2, "M1", "M2"),
                subscribeBook(3, "M3", "M4"), subscribeData(4, "M3", "M4"),
                subscribeBook(5, "M5"), subscribeData(6, "M5"),
                subscribeLifecycle(7)), out.sent);
        out.clear();
        session.subscribe(List.of("M2", "M6"), out);
        assertEquals(List.of(subscribeBook(8, "M6"), subscribeData(9, "M6")), out.sent,
                "M2 is already followed, and the lifecycle channel already covers every market");
    }

    @Test
    void takesBatchSizeAndHeartbeatIntervalFromSettings() {
        VenueSettings settings = new VenueSettings(Venue.KALSHI, true, "ws://127.0.0.1/trade-api/ws/v2", "http://127.0.0.1",
                List.of(), 0, 100, 1, Duration.ofSeconds(7), Duration.ofSeconds(30), Duration.ofSeconds(5), ConfigFactory.empty());
        session = new KalshiSession(settings);
        session.subscribe(List.of("M1", "M2"), out);
        assertEquals(List.of(subscribeBook(1, "M1"), subscribeData(2, "M1"), subscribeBook(3, "M2"), subscribeData(4, "M2"),
                subscribeLifecycle(5)), out.sent, "one market per command");
        assertEquals(Duration.ofSeconds(7), session.heartbeatInterval());
    }

    @Test
    void sequenceGapOnABookSidMarksEveryBookOnItStaleAndResubscribesThemOnANewSid() {
        session.subscribe(List.of(A, B), out);
        feed(subscribed(1, "orderbook_delta", 1));
        feed(snapshot(1, 1, A, "0.4000", "10.00", "0.5500", "20.00"));
        feed(snapshot(1, 2, B, "0.3000", "5.00", "0.6000", "5.00"));
        feed(delta(1, 3, A, "yes", "0.4000", "2.00"));
        assertEquals(3, out.events.size());
        out.clear();

        feed(delta(1, 5, B, "no", "0.6000", "-1.00"));
        String reason = "sequence gap on sid 1: expected 4 got 5";
        assertEquals(List.of(new RecordingOutput.Stale(A, reason), new RecordingOutput.Stale(B, reason)), out.stale);
        assertEquals(List.of("{\"id\":4,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}", subscribeBook(5, A, B)), out.sent);
        assertTrue(out.events.isEmpty());
        out.clear();

        // The old sid keeps streaming until the venue processes the unsubscribe: none of it is applied.
        feed(delta(1, 6, A, "yes", "0.4000", "1.00"));
        feed(snapshot(1, 7, A, "0.4100", "1.00", "0.5000", "1.00"));
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.stale);
        assertEquals(List.of(), out.sent);

        feed(subscribed(5, "orderbook_delta", 7));
        feed(snapshot(7, 1, A, "0.4000", "12.00", "0.5500", "20.00"));
        feed(delta(7, 2, A, "yes", "0.4000", "1.00"));
        feed(delta(7, 3, B, "yes", "0.3000", "1.00")); // before B's snapshot on the new sid: dropped
        feed(snapshot(7, 4, B, "0.3000", "6.00", "0.6000", "4.00"));
        feed(delta(7, 5, B, "no", "0.6000", "1.00"));
        assertEquals(List.of(), out.badFrames);
        assertEquals(List.of(
                "BookSnapshot " + A + " 1", "BookDelta " + A + " 2", "BookSnapshot " + B + " 4", "BookDelta " + B + " 5"),
                summaries(out.events));
        assertEquals(List.of(new LevelUpdate(Side.ASK, d("0.4"), d("1"))),
                ((BookDelta) out.events.get(3)).updates(), "NO 0.60 is YES ask 0.40");
        assertEquals(List.of(), out.stale);
        assertTrue(session.framesIgnored() >= 3);
    }

    @Test
    void framesOfUnknownSidsAreNeverApplied() {
        session.subscribe(List.of(A), out);
        feed(snapshot(9, 1, A, "0.4000", "10.00", "0.5500", "20.00"));
        feed(delta(9, 2, A, "yes", "0.4000", "1.00"));
        feed("{\"type\":\"trade\",\"sid\":9,\"seq\":1,\"msg\":{\"trade_id\":\"t\",\"market_ticker\":\"" + A
                + "\",\"yes_price_dollars\":\"0.4200\",\"count_fp\":\"1.00\",\"taker_outcome_side\":\"no\",\"ts_ms\":1}}");
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.badFrames);
        assertEquals(3, session.framesIgnored());
    }

    @Test
    void aGapOnATradeSidIsCountedAndTheTradeStillDelivered() {
        session.subscribe(List.of(A), out);
        feed(subscribed(2, "trade", 2));
        out.clear();
        feed(trade(2, 1, A, "0.4200", "3.00", "no"));
        feed(trade(2, 3, A, "0.4300", "1.50", "yes"));
        List<Trade> trades = out.events(Trade.class);
        assertEquals(2, trades.size());
        assertEquals(Side.ASK, trades.get(0).aggressor(), "taker bought NO = sold YES");
        assertEquals(new java.math.BigDecimal("1.5"), trades.get(1).size());
        assertEquals(Side.BID, trades.get(1).aggressor());
        assertEquals(1, session.dataSequenceGaps());
        assertEquals(1, out.sequenceChecks, "the second trade's seq was checked (the first starts the sid)");
        assertEquals(1, out.sequenceFailures, "and counted as a failed check for /api/v1/venues");
        assertEquals(List.of(), out.stale);
        assertEquals(List.of(), out.sent);
    }

    @Test
    void resyncRemovesAndAddsTheMarketOnItsSidAndDropsItsDeltasUntilTheFreshSnapshot() {
        session.subscribe(List.of(A, B), out);
        feed(subscribed(1, "orderbook_delta", 1));
        feed(snapshot(1, 1, A, "0.4000", "10.00", "0.5500", "20.00"));
        feed(snapshot(1, 2, B, "0.3000", "5.00", "0.6000", "5.00"));
        out.clear();

        session.resync(A, out);
        assertEquals(List.of(
                "{\"id\":4,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[1],\"action\":\"delete_markets\",\"market_tickers\":[\"" + A + "\"]}}",
                "{\"id\":5,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[1],\"action\":\"add_markets\",\"market_tickers\":[\"" + A + "\"]}}"),
                out.sent);
        out.clear();

        feed("{\"type\":\"ok\",\"id\":4,\"sid\":1,\"seq\":3,\"msg\":{\"market_tickers\":[\"" + B + "\"]}}");
        feed(delta(1, 4, A, "yes", "0.4000", "1.00")); // in flight before the delete: dropped
        feed(delta(1, 5, B, "yes", "0.3000", "1.00"));
        feed("{\"type\":\"ok\",\"id\":5,\"sid\":1,\"seq\":6,\"msg\":{\"market_tickers\":[\"" + A + "\",\"" + B + "\"]}}");
        feed(snapshot(1, 7, A, "0.4500", "3.00", "0.5000", "4.00"));
        feed(delta(1, 8, A, "no", "0.5000", "-4.00"));
        assertEquals(List.of("BookDelta " + B + " 5", "BookSnapshot " + A + " 7", "BookDelta " + A + " 8"),
                summaries(out.events));
        BookSnapshot fresh = (BookSnapshot) out.events.get(1);
        assertEquals(List.of(level("0.45", "3")), fresh.bids());
        assertEquals(List.of(level("0.5", "4")), fresh.asks());
        assertEquals(List.of(), out.stale);
        assertEquals(List.of(), out.sent);
        assertEquals(List.of(), out.badFrames);

        session.resync("KXNOT-SUBSCRIBED", out);
        assertEquals(List.of(), out.sent);
    }

    @Test
    void heartbeatAsksForTheSubscriptionListAndSwallowsTheReply() {
        session.heartbeat(out);
        assertEquals(List.of("{\"id\":1,\"cmd\":\"list_subscriptions\"}"), out.sent);
        feed("{\"type\":\"list_subscriptions\",\"id\":1,\"msg\":[{\"sid\":1,\"channel\":\"orderbook_delta\"}]}");
        session.heartbeat(out);
        feed("{\"type\":\"error\",\"id\":2,\"msg\":{\"code\":5,\"msg\":\"Unknown command\"}}");
        assertEquals(List.of(), out.badFrames);
        assertEquals(List.of(), out.venueErrors);
        assertEquals(List.of(), out.events);

        // Only the heartbeat's own reply is swallowed: the same unknown type without its id is reported.
        feed("{\"type\":\"list_subscriptions\",\"id\":1,\"msg\":[]}");
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrames.get(0).reason().contains("list_subscriptions"), out.badFrames.get(0).reason());
    }

    @Test
    void errorWithoutRequestIdIsReportedToo() {
        feed("{\"type\":\"error\",\"msg\":{\"code\":9,\"msg\":\"Authentication required\"}}");
        assertEquals(List.of("kalshi error code 9: Authentication required"), out.venueErrors);
    }

    @Test
    void unreadableFramesAreReportedAndALostBookChangeBecomesAGap() {
        session.subscribe(List.of(A), out);
        feed(subscribed(1, "orderbook_delta", 1));
        feed(snapshot(1, 1, A, "0.4000", "10.00", "0.5500", "20.00"));
        out.clear();

        feed("{\"type\":\"orderbook_delta\",\"sid\":1,");
        feed("not json at all");
        feed("{\"type\":\"mystery\",\"sid\":1,\"seq\":2}");
        feed(delta(1, 2, A, "yes", "0.40x0", "1.00"));
        feed(delta(1, 2, A, "maybe", "0.4000", "1.00"));
        feed(delta(1, 2, A, "yes", "1.5000", "1.00"));
        feed(snapshot(1, 2, A, "0.4000", "-1.00", "0.5500", "20.00"));
        feed("{\"type\":\"market_lifecycle_v2\",\"sid\":1,\"msg\":{\"market_ticker\":\"" + A + "\",\"event_type\":\"exploded\"}}");
        assertEquals(8, out.badFrames.size(), () -> out.badFrames.toString());
        assertEquals(List.of(), out.events);

        // None of them consumed seq 2, and the venue's next frame is seq 3: the book missed a change, so it is refetched.
        feed(delta(1, 3, A, "yes", "0.4000", "1.00"));
        assertEquals(List.of(new RecordingOutput.Stale(A, "sequence gap on sid 1: expected 2 got 3")), out.stale);
    }

    @Test
    void aSubscribeRejectedForOneChannelStillTracksTheChannelsThatWereConfirmed() {
        session.subscribe(List.of(A), out);
        feed("{\"type\":\"error\",\"id\":2,\"msg\":{\"code\":11,\"msg\":\"Invalid parameter\"}}");
        feed(subscribed(2, "trade", 2));
        feed(trade(2, 1, A, "0.4200", "3.00", "yes"));
        assertEquals(List.of("kalshi error code 11: Invalid parameter (request id 2)"), out.venueErrors);
        assertEquals(1, out.events(Trade.class).size());
    }

    @Test
    void aBookSubscribeRefusedForAnUnknownMarketIsMadeAgainForTheRestOfItsBatch() {
        session.subscribe(List.of(A, B, "KXNOPE"), out);
        out.clear();
        feed("{\"type\":\"error\",\"id\":1,\"msg\":{\"code\":16,\"msg\":\"Market not found\",\"market_ticker\":\"KXNOPE\"}}");
        assertEquals(List.of(subscribeBook(4, A, B)), out.sent);
        feed(subscribed(4, "orderbook_delta", 5));
        feed(snapshot(5, 1, A, "0.4000", "10.00", "0.5500", "20.00"));
        feed(snapshot(5, 2, B, "0.3000", "5.00", "0.6000", "5.00"));
        assertEquals(List.of("BookSnapshot " + A + " 1", "BookSnapshot " + B + " 2"), summaries(out.events));

        // Asked again for the refused market's book (the node retries with backoff), the session tries again.
        out.clear();
        session.resync("KXNOPE", out);
        assertEquals(List.of(subscribeBook(5, "KXNOPE")), out.sent);

        // A refused book batch that names no market is split until the bad one is alone.
        session.subscribe(List.of("M1", "M2", "M3"), out);
        out.clear();
        feed("{\"type\":\"error\",\"id\":6,\"msg\":{\"code\":16,\"msg\":\"Market not found\"}}");
        assertEquals(List.of(subscribeBook(8, "M1"), subscribeBook(9, "M2", "M3")), out.sent);
    }

    @Test
    void aBookSubscriptionTheVenueEndsOrNoLongerKnowsIsMadeAgain() {
        session.subscribe(List.of(A, B), out);
        feed(subscribed(1, "orderbook_delta", 1));
        feed(snapshot(1, 1, A, "0.4000", "10.00", "0.5500", "20.00"));
        feed(snapshot(1, 2, B, "0.3000", "5.00", "0.6000", "5.00"));
        out.clear();

        feed("{\"type\":\"unsubscribed\",\"sid\":1,\"seq\":3}");
        String ended = "the venue ended sid 1";
        assertEquals(List.of(new RecordingOutput.Stale(A, ended), new RecordingOutput.Stale(B, ended)), out.stale);
        assertEquals(List.of(subscribeBook(4, A, B)), out.sent);
        feed(subscribed(4, "orderbook_delta", 5));
        feed(snapshot(5, 1, A, "0.4100", "1.00", "0.5500", "20.00"));
        feed(snapshot(5, 2, B, "0.3000", "5.00", "0.6000", "5.00"));
        assertEquals(List.of("BookSnapshot " + A + " 1", "BookSnapshot " + B + " 2"), summaries(out.events));
        out.clear();

        // A resync refused because the venue lost the sid: no snapshot would ever come on it.
        session.resync(A, out);
        out.clear();
        feed("{\"type\":\"error\",\"id\":5,\"msg\":{\"code\":7,\"msg\":\"Unknown subscription ID\"}}");
        feed("{\"type\":\"error\",\"id\":6,\"msg\":{\"code\":7,\"msg\":\"Unknown subscription ID\"}}");
        String lost = "the venue no longer knows sid 5";
        assertEquals(List.of(new RecordingOutput.Stale(A, lost), new RecordingOutput.Stale(B, lost)), out.stale);
        assertEquals(List.of(subscribeBook(7, A, B)), out.sent);
        feed(subscribed(7, "orderbook_delta", 6));
        feed(snapshot(6, 1, A, "0.4200", "1.00", "0.5500", "20.00"));
        feed(delta(6, 2, A, "yes", "0.4200", "1.00"));
        assertEquals(List.of("BookSnapshot " + A + " 1", "BookDelta " + A + " 2"), summaries(out.events));
        out.clear();

        // A terminal error on the sid (buffer overflow): the venue dropped it.
        feed("{\"type\":\"error\",\"sid\":6,\"msg\":{\"code\":25,\"msg\":\"Subscription buffer overflow\"}}");
        assertEquals(2, out.stale.size());
        assertEquals(List.of(subscribeBook(8, A, B)), out.sent);
    }

    @Test
    void bookFramesThatOutrunTheirSubscribedAreAskedForAgain() {
        session.subscribe(List.of(A), out);
        out.clear();
        feed(snapshot(1, 1, A, "0.4000", "10.00", "0.5500", "20.00"));
        feed(delta(1, 2, A, "yes", "0.4000", "1.00"));
        feed(subscribed(1, "orderbook_delta", 1));
        assertEquals(List.of(update(4, 1, A), update(5, 1, A).replace("delete_markets", "add_markets")), out.sent);
        feed(delta(1, 3, A, "yes", "0.4000", "1.00"));
        feed("{\"type\":\"ok\",\"id\":4,\"sid\":1,\"seq\":4,\"msg\":{\"market_tickers\":[]}}");
        feed("{\"type\":\"ok\",\"id\":5,\"sid\":1,\"seq\":5,\"msg\":{\"market_tickers\":[\"" + A + "\"]}}");
        feed(snapshot(1, 6, A, "0.4000", "12.00", "0.5500", "20.00"));
        feed(delta(1, 7, A, "yes", "0.4000", "1.00"));
        assertEquals(List.of("BookSnapshot " + A + " 6", "BookDelta " + A + " 7"), summaries(out.events));
        assertEquals(List.of(), out.stale);
    }

    @Test
    void eventLifecycleMessagesAreIgnoredQuietly() {
        session.subscribe(List.of(A), out);
        feed(subscribed(3, "market_lifecycle_v2", 4));
        out.clear();
        feed("{\"type\":\"event_lifecycle\",\"sid\":4,\"seq\":1,\"msg\":{\"event_ticker\":\"KXTEST-26\",\"title\":\"x\"}}");
        feed(lifecycle(4, 2, A, "activated", ""));
        assertEquals(List.of(), out.badFrames);
        assertEquals(1, out.events.size());
        assertEquals(0, session.dataSequenceGaps(), "event_lifecycle took seq 1");
    }

    @Test
    void lifecycleEventsMapToStatuses() {
        session.subscribe(List.of(A), out);
        feed(subscribed(3, "market_lifecycle_v2", 4));
        Map<String, MarketStatus> expected = Map.of("created", MarketStatus.ACTIVE, "activated", MarketStatus.ACTIVE,
                "deactivated", MarketStatus.PAUSED, "close_date_updated", MarketStatus.ACTIVE,
                "settled", MarketStatus.SETTLED);
        long seq = 1;
        for (Map.Entry<String, MarketStatus> e : expected.entrySet()) {
            out.clear();
            feed(lifecycle(4, seq++, A, e.getKey(), ",\"ts\":1784500000"));
            StatusUpdate status = out.events(StatusUpdate.class).get(0);
            assertEquals(e.getValue(), status.status(), e.getKey());
            assertEquals(e.getKey(), status.detail());
            assertEquals(1784500000000L, status.venueTimestamp());
        }
    }

    @Test
    void legacyIntegerCentFramesAreStillUnderstood() {
        session.subscribe(List.of(A), out);
        feed(subscribed(1, "orderbook_delta", 1));
        feed(subscribed(2, "trade", 2));
        out.clear();

        feed("{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"" + A
                + "\",\"yes\":[[1,100],[45,20],[44,0]],\"no\":[[50,7],[2,3]]}}");
        BookSnapshot snapshot = out.events(BookSnapshot.class).get(0);
        assertEquals(List.of(level("0.45", "20"), level("0.01", "100")), snapshot.bids(), "zero sizes dropped");
        assertEquals(List.of(level("0.5", "7"), level("0.98", "3")), snapshot.asks());

        feed("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":2,\"msg\":{\"market_ticker\":\"" + A
                + "\",\"price\":44,\"delta\":-5,\"side\":\"no\",\"ts\":1780096733}}");
        BookDelta delta = out.events(BookDelta.class).get(0);
        assertEquals(List.of(new LevelUpdate(Side.ASK, d("0.56"), d("-5"))), delta.updates());
        assertEquals(1780096733000L, delta.venueTimestamp());

        feed("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":3,\"msg\":{\"market_ticker\":\"" + A
                + "\",\"price_dollars\":\"0.4500\",\"delta_fp\":\"0.50\",\"side\":\"yes\",\"ts\":\"2026-05-29T23:18:53.25Z\"}}");
        assertEquals(1780096733250L, out.events(BookDelta.class).get(1).venueTimestamp(), "ISO ts when ts_ms is absent");

        feed("{\"type\":\"trade\",\"sid\":2,\"seq\":1,\"msg\":{\"trade_id\":\"x1\",\"market_ticker\":\"" + A
                + "\",\"yes_price\":42,\"no_price\":58,\"count\":3,\"taker_side\":\"no\",\"ts\":1780096775}}");
        Trade trade = out.events(Trade.class).get(0);
        assertEquals(d("0.42"), trade.price());
        assertEquals(new java.math.BigDecimal("3"), trade.size());
        assertEquals(Side.ASK, trade.aggressor(), "taker_side is the fallback");
        assertEquals(1780096775000L, trade.venueTimestamp());
        assertEquals(List.of(), out.badFrames);
    }

    @Test
    void aSnapshotCarryingSeveralFormatsUsesTheNewestOnly() {
        session.subscribe(List.of(A), out);
        feed(subscribed(1, "orderbook_delta", 1));
        out.clear();
        feed("{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"" + A
                + "\",\"yes\":[[45,20]],\"yes_dollars\":[[\"0.4500\",20]],\"yes_dollars_fp\":[[\"0.4500\",\"20.50\"]],"
                + "\"no\":[[50,7]],\"no_dollars\":[[\"0.5000\",7]]}}");
        BookSnapshot snapshot = out.events(BookSnapshot.class).get(0);
        assertEquals(List.of(level("0.45", "20.5")), snapshot.bids());
        assertEquals(List.of(level("0.5", "7")), snapshot.asks());
    }

    @Test
    void unsubscribeRemovesTheMarketFromEverySidAndDropsItsFrames() {
        session.subscribe(List.of(A, B), out);
        feed(subscribed(1, "orderbook_delta", 1));
        feed(subscribed(2, "trade", 2));
        feed(subscribed(2, "ticker", 3));
        feed(subscribed(3, "market_lifecycle_v2", 4));
        feed(snapshot(1, 1, A, "0.4000", "10.00", "0.5500", "20.00"));
        out.clear();

        session.unsubscribe(List.of(A), out);
        // The lifecycle sid 4 carries no market list: nothing to delete there.
        assertEquals(List.of(update(4, 1, A), update(5, 2, A), update(6, 3, A)), out.sent);
        out.clear();
        feed(delta(1, 2, A, "yes", "0.4000", "1.00"));
        feed(trade(2, 1, A, "0.4200", "3.00", "yes"));
        feed(lifecycle(4, 1, A, "activated", ""));
        assertEquals(List.of(), out.events);

        // The lifecycle subscription belongs to the socket and stays.
        session.unsubscribe(List.of(B, "KXNEVER"), out);
        assertEquals(List.of("{\"id\":7,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1,2,3]}}"), out.sent);
    }

    @Test
    void aMarketUnsubscribedBeforeItsConfirmationIsRemovedWhenItArrives() {
        session.subscribe(List.of(A), out);
        session.unsubscribe(List.of(A), out);
        out.clear();
        feed(subscribed(1, "orderbook_delta", 1));
        assertEquals(List.of("{\"id\":4,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}"), out.sent);
        feed(snapshot(1, 1, A, "0.4000", "10.00", "0.5500", "20.00"));
        assertEquals(List.of(), out.events);
    }

    @Test
    void lifecycleIsSubscribedOncePerSocketAndEventsOfMarketsNotFollowedAreDropped() {
        session.subscribe(List.of(), out);
        assertEquals(List.of(), out.sent, "no market, no lifecycle subscription yet");
        session.subscribe(List.of(A), out);
        assertEquals(List.of(subscribeBook(1, A), subscribeData(2, A), subscribeLifecycle(3)), out.sent);
        out.clear();
        session.subscribe(List.of(A), out);
        assertEquals(List.of(), out.sent);
        session.subscribe(List.of(B), out);
        assertEquals(List.of(subscribeBook(4, B), subscribeData(5, B)), out.sent, "the lifecycle subscribe is sent once");
        out.clear();

        // A lifecycle confirmation under the data request's id is not the lifecycle subscription.
        feed(subscribed(2, "market_lifecycle_v2", 8));
        feed(lifecycle(8, 1, A, "activated", ""));
        assertEquals(List.of(), out.events);
        feed(subscribed(3, "market_lifecycle_v2", 9));

        feed(lifecycle(9, 1, "KXOTHER-26-X", "determined", ",\"result\":\"yes\",\"settlement_value\":\"1.0000\""));
        feed(lifecycle(9, 2, "KXOTHER-26-X", "some_future_event", ""));
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.badFrames, "an unfollowed market's event is dropped whatever its type");

        feed(lifecycle(9, 3, A, "activated", ",\"ts\":1784500000"));
        feed(lifecycle(9, 4, B, "deactivated", ",\"ts\":1784500001"));
        List<StatusUpdate> statuses = out.events(StatusUpdate.class);
        assertEquals(2, out.events.size());
        assertEquals(A, statuses.get(0).market().symbol());
        assertEquals(MarketStatus.ACTIVE, statuses.get(0).status());
        assertEquals(B, statuses.get(1).market().symbol());
        assertEquals(MarketStatus.PAUSED, statuses.get(1).status());
        assertEquals(0, session.dataSequenceGaps(), "dropped events still took their seq numbers");
        out.clear();

        session.unsubscribe(List.of(A), out);
        feed(lifecycle(9, 5, A, "settled", ""));
        assertEquals(List.of(), out.events, "no longer followed");
        session.subscribe(List.of(A), out);
        assertEquals(List.of(subscribeBook(6, A), subscribeData(7, A)), out.sent, "following again adds no lifecycle subscribe");
        assertEquals(List.of(), out.badFrames);
        assertEquals(4, session.framesIgnored(), "sid 8, two of KXOTHER, A after its unsubscribe");
    }

    // ---------------------------------------------------------------- frames

    private void feed(String frame) {
        session.onText(frame, 1L, out);
    }

    private static String subscribed(int id, String channel, int sid) {
        return "{\"type\":\"subscribed\",\"id\":" + id + ",\"msg\":{\"channel\":\"" + channel + "\",\"sid\":" + sid + "}}";
    }

    private static String snapshot(int sid, long seq, String ticker, String yesPrice, String yesSize, String noPrice,
                                   String noSize) {
        return "{\"type\":\"orderbook_snapshot\",\"sid\":" + sid + ",\"seq\":" + seq + ",\"msg\":{\"market_ticker\":\""
                + ticker + "\",\"market_id\":\"m\",\"yes_dollars_fp\":[[\"" + yesPrice + "\",\"" + yesSize
                + "\"]],\"no_dollars_fp\":[[\"" + noPrice + "\",\"" + noSize + "\"]]}}";
    }

    private static String delta(int sid, long seq, String ticker, String side, String price, String change) {
        return "{\"type\":\"orderbook_delta\",\"sid\":" + sid + ",\"seq\":" + seq + ",\"msg\":{\"market_ticker\":\""
                + ticker + "\",\"market_id\":\"m\",\"price_dollars\":\"" + price + "\",\"delta_fp\":\"" + change
                + "\",\"side\":\"" + side + "\",\"ts\":\"2026-08-27T13:56:23.996443Z\",\"ts_ms\":1787838983996}}";
    }

    private static String trade(int sid, long seq, String ticker, String price, String count, String takerOutcome) {
        return "{\"type\":\"trade\",\"sid\":" + sid + ",\"seq\":" + seq + ",\"msg\":{\"trade_id\":\"t" + seq
                + "\",\"market_ticker\":\"" + ticker + "\",\"yes_price_dollars\":\"" + price + "\",\"count_fp\":\"" + count
                + "\",\"taker_outcome_side\":\"" + takerOutcome + "\",\"ts\":1780096775,\"ts_ms\":1780096775004}}";
    }

    private static String lifecycle(int sid, long seq, String ticker, String eventType, String extraFields) {
        return "{\"type\":\"market_lifecycle_v2\",\"sid\":" + sid + ",\"seq\":" + seq + ",\"msg\":{\"market_ticker\":\""
                + ticker + "\",\"event_type\":\"" + eventType + "\"" + extraFields + "}}";
    }

    private static String subscribeBook(int id, String... tickers) {
        return "{\"id\":" + id + ",\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":"
                + quoted(tickers) + "}}";
    }

    private static String subscribeData(int id, String... tickers) {
        return "{\"id\":" + id + ",\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"trade\",\"ticker\"],"
                + "\"market_tickers\":" + quoted(tickers) + "}}";
    }

    private static String subscribeLifecycle(int id) {
        return "{\"id\":" + id + ",\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"market_lifecycle_v2\"]}}";
    }

    private static String update(int id, int sid, String ticker) {
        return "{\"id\":" + id + ",\"cmd\":\"update_subscription\",\"params\":{\"sids\":[" + sid
                + "],\"action\":\"delete_markets\",\"market_tickers\":[\"" + ticker + "\"]}}";
    }

    private static String quoted(String... values) {
        return "[\"" + String.join("\",\"", values) + "\"]";
    }

    private static List<String> summaries(List<MarketEvent> events) {
        return events.stream().map(e -> e.getClass().getSimpleName() + " " + e.market().symbol() + " "
                + (e instanceof BookSnapshot s ? s.venueSequence() : e instanceof BookDelta dl ? dl.venueSequence() : -1))
                .toList();
    }
}
