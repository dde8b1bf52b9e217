package io.marketmesh.node.cluster;

import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.BookClaim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.connection.ConnectionManager;
import io.marketmesh.node.connection.SocketStatus;
import io.marketmesh.node.connection.VenueError;
import io.marketmesh.node.connection.WorkerHealth;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.ResyncRequest;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.BookView;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketState;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that crosses nodes goes through Jackson CBOR with the node's own configuration and comes back
 * equal; anything else is refused rather than silently falling back to Java serialization.
 */
class CrossNodeSerializationTest {

    private static final MarketKey KALSHI = MarketKey.of(Venue.KALSHI, "KXBTCD-26MAY3017-T72999.99");
    private static final MarketKey POLY = MarketKey.of(Venue.POLYMARKET, "1234567890:with:colons");

    private static ActorTestKit testKit;
    private static SerializationTestKit serialization;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create("marketmesh", NodeConfig.load(ConfigFactory.parseMap(Map.of(
                "pekko.remote.artery.canonical.port", 0,
                "pekko.coordinated-shutdown.exit-jvm", "off"))));
        serialization = new SerializationTestKit(testKit.system());
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private static void roundTrips(Object message) {
        serialization.verifySerialization(message, true);
        String serializer = SerializationExtension.get(testKit.system().classicSystem())
                .findSerializerFor(message).getClass().getSimpleName();
        assertTrue(serializer.contains("Jackson") || serializer.contains("Primitive") || serializer.contains("Boolean"),
                message.getClass().getSimpleName() + " serialized with " + serializer);
    }

    @Test
    void marketActorCommandsCarryEveryEventType() {
        List<PriceLevel> bids = List.of(new PriceLevel(Decimals.parse("0.52"), Decimals.parse("100.5")));
        List<PriceLevel> asks = List.of(new PriceLevel(Decimals.parse("0.55"), Decimals.parse("7")));
        roundTrips(new MarketActor.Apply(new BookSnapshot(KALSHI, bids, asks, 17, 1_700_000_000_000L, 1_700_000_000_001L)));
        roundTrips(new MarketActor.Apply(new BookDelta(POLY, BookDelta.Mode.ABSOLUTE,
                List.of(new LevelUpdate(Side.BID, Decimals.parse("0.5"), 0L)), 0, 1L, 2L,
                new BookClaim.TopOfBook(Decimals.parse("0.49"), Decimals.NONE))));
        roundTrips(new MarketActor.Apply(new BookDelta(KALSHI, BookDelta.Mode.RELATIVE,
                List.of(new LevelUpdate(Side.ASK, Decimals.parse("0.61"), Decimals.parse("-3"))), 42, 1L, 2L)));
        roundTrips(new MarketActor.Apply(new BookSnapshot(KALSHI, bids, asks, 17, 1L, 2L, 10, new BookClaim.Checksum(
                new ChecksumLayout(25, ChecksumLayout.Order.INTERLEAVED_BID_FIRST, ":", ChecksumLayout.Numbers.SHORTEST, 0, 0),
                4_000_000_000L))));
        roundTrips(new MarketActor.Apply(new BookReset(POLY, "tick size changed", 1L, 2L)));
        roundTrips(new MarketActor.Apply(new Trade(KALSHI, "t-1", Decimals.parse("0.53"), Decimals.parse("10"),
                Side.ASK, 1L, 2L)));
        roundTrips(new MarketActor.Apply(new Ticker(KALSHI, Decimals.parse("0.52"), Decimals.of(5, 0), Decimals.NONE, Decimals.NONE,
                Decimals.parse("0.53"), new java.math.BigDecimal("1127313210.00855204"), java.math.BigDecimal.TEN, 1L, 2L)));
        roundTrips(new MarketActor.Apply(new StatusUpdate(KALSHI, MarketStatus.ACTIVE, "open", 1L, 2L)));
        roundTrips(new MarketActor.Bootstrap(new BookSnapshot(POLY, bids, asks, 0, 0, 3L), 1_700_000_000_000L));
        roundTrips(new MarketActor.Apply(new BookDelta(KALSHI, BookDelta.Mode.RELATIVE,
                List.of(new LevelUpdate(Side.ASK, Decimals.parse("0.61"), Decimals.parse("-3"))), 43, 1L, 2L), 0, 1, 5,
                12, 0x7fff_1234_5678_9abcL, 99));
        roundTrips(new MarketActor.MarkStale("connection lost"));
        roundTrips(new MarketActor.MarkStale("connection lost", 0x7fff_1234_5678_9abcL));
        roundTrips(MarketActor.MarkStale.socketsOf(0x7fff_1234, "connection worker 0 was on an unreachable node"));
        roundTrips(new MarketActor.Unfollow());
        roundTrips(new MarketActor.Unfollow(5, 0x7fff_1234_5678_9abcL));
        roundTrips(new MarketActor.NotFollowed());
        TestProbe<MarketState> state = testKit.createTestProbe();
        roundTrips(new MarketActor.GetState(state.getRef()));
        TestProbe<BookView> book = testKit.createTestProbe();
        roundTrips(new MarketActor.GetBook(25, book.getRef()));
        TestProbe<MarketActor.Located> socket = testKit.createTestProbe();
        roundTrips(new MarketActor.Locate(3, 17, socket.getRef()));
    }

    @Test
    void marketCatalogueEntriesAndWrites() {
        // The replicated catalogue's values (LWWMap entries) and what writers tell a node's catalogue.
        roundTrips(new io.marketmesh.protocol.MarketMetadata(KALSHI, "Bitcoin above 72,999.99?", "Yes", "KXBTCD-26MAY3017",
                null, null, "binary", new java.math.BigDecimal("0.01"), java.math.BigDecimal.ONE, "active", true,
                1_700_000_000_000L, 1_800_000_000_000L, "https://kalshi.com/markets/kxbtcd", 0, 1_700_000_000_123L));
        roundTrips(io.marketmesh.protocol.MarketMetadata.unknown(POLY));
        roundTrips(new io.marketmesh.node.catalog.MarketCatalog.Put(Venue.KALSHI, List.of(
                new io.marketmesh.node.venue.MarketInfo(KALSHI.symbol(), "", "", "binary",
                        new java.math.BigDecimal("0.01"), java.math.BigDecimal.ONE, "active", null, "Bitcoin above?", "Yes",
                        "KXBTCD-26MAY3017", java.time.Instant.ofEpochMilli(1_700_000_000_000L), null, null, false),
                io.marketmesh.node.venue.MarketInfo.bare("OTHER")), 1_700_000_000_123L));
        roundTrips(new io.marketmesh.node.catalog.MarketCatalog.MarkClosed(Venue.KALSHI, List.of(KALSHI.symbol()),
                "delisted", 1_700_000_000_123L));
        roundTrips(new io.marketmesh.node.catalog.MarketCatalog.Forget(Venue.POLYMARKET, List.of(POLY.symbol())));
    }

    @Test
    void repliesAndControlMessages() {
        Trade trade = new Trade(KALSHI, "t-1", Decimals.parse("0.53"), Decimals.parse("10"), Side.BID, 1L, 2L);
        roundTrips(new MarketState(KALSHI, MarketStatus.ACTIVE, true, "gap", true, Decimals.parse("0.52"),
                new java.math.BigDecimal("123456789012.12345678"), Decimals.NONE, null, 3, 0, false, trade, null, 9, 8, 7, 6, 5,
                new MarketState.Counters(1, 2, 3, 4, 5, 6, 7, 8, 9), 0));
        roundTrips(new MarketState(KALSHI, MarketStatus.ACTIVE, false, null, true, Decimals.parse("0.52"),
                java.math.BigDecimal.ONE, Decimals.parse("0.53"), java.math.BigDecimal.TEN, 1, 1, false, null, null, 9, 8,
                7, 6, 5, new MarketState.Counters(1, 2, 3, 4, 5, 6, 7, 8, 9), 0,
                List.of("127.0.0.1:25520", "127.0.0.1:25521")));
        roundTrips(new MarketState(KALSHI, MarketStatus.ACTIVE, false, null, true, Decimals.parse("0.52"),
                java.math.BigDecimal.ONE, Decimals.parse("0.53"), java.math.BigDecimal.TEN, 1, 1, false, null, null, 9, 8,
                7, 6, 5, new MarketState.Counters(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 0, List.of(),
                new MarketState.Writer(1, 5, 12, "7fff123456789abc", 1_700_000_000_000L, 2)));
        roundTrips(new BookView(POLY, List.of(new PriceLevel(Decimals.parse("0.1"), Decimals.ONE)), List.of(), false, null,
                MarketStatus.UNKNOWN, 1, 0, 0, 2, 3, 1_700_000_000_000L));
        TestProbe<MarketActor.Command> market = testKit.createTestProbe();
        roundTrips(new ResyncRequest(KALSHI, "gap", 2, market.getRef()));
        roundTrips(new ConnectionManager.WorkerStatus(Venue.KALSHI, 1, "127.0.0.1:7355", "wss://x", 3, null, List.of(
                new SocketStatus(1, "127.0.0.1:7355", 5, "open", 3, 1, 2, 3, 4, 0, 5, "refused", 6,
                        new io.marketmesh.node.connection.IntegrityCounts(7, 1, 8, 2), 3)),
                new WorkerHealth(9, new VenueError(
                        VenueError.SOCKET, "venue closed the socket", 10, 1, 5), 2,
                        List.of("socket 5 down: venue closed the socket"))));
        roundTrips(new ConnectionManager.WorkerStatus(Venue.KALSHI, 0, "127.0.0.1:7355", "wss://x", 0, "failed: x", List.of(),
                new WorkerHealth(0, new VenueError(
                        VenueError.DISCOVERY, "market discovery failed: x", 10, 0, null), 0,
                        List.of())));
        TestProbe<ConnectionManager.WorkerStatus> worker = testKit.createTestProbe();
        roundTrips(new ConnectionManager.GetStatus(worker.getRef()));
        roundTrips(ConnectionManager.Stop.INSTANCE);
        TestProbe<NodeStatusReporter.Status> status = testKit.createTestProbe();
        roundTrips(new NodeStatusReporter.GetStatus(status.getRef()));
        roundTrips(new NodeStatusReporter.Status("127.0.0.1:7355", new KafkaState(KafkaState.UNREACHABLE,
                "2026-11-30T08:00:00Z", "no answer from kafka:9092 within 3000 ms", 12)));
        roundTrips(new NodeStatusReporter.Status("127.0.0.1:7356", KafkaState.DISABLED));
    }

    @Test
    void javaSerializationIsOff() {
        assertEquals(false, testKit.system().settings().config().getBoolean("pekko.actor.allow-java-serialization"));
        assertThrows(Exception.class, () -> SerializationExtension.get(testKit.system().classicSystem())
                .serialize(new java.util.ArrayList<>(List.of("not bound"))).get());
    }
}
