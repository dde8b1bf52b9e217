package io.marketmesh.node.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.kalshi.KalshiAdapter;
import io.marketmesh.node.venue.polymarket.PolymarketAdapter;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Polymarket and Kalshi adapters' {@code discover} and {@code describe} against the simulated venues, as a
 * node's discovery refresh uses them: a market listed later is discovered with its title, a closed one drops out of
 * discovery and is described closed, and a symbol the venue never listed is absent (delisted).
 */
class PredictionAdaptersAgainstSimulatorTest {

    private ActorSystem<Void> venues;
    private VenueSimulator sim;

    @BeforeEach
    void start() {
        venues = TestNode.localSystem("adapters");
        sim = VenueSimulator.start(venues, new SimulatorSettings(0, 2, 2, 100, 5, null, null));
    }

    @AfterEach
    void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (venues != null) {
            venues.terminate();
            venues.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void polymarketDiscoversAListedMarketAndDescribesAClosedAndADelistedOne() throws Exception {
        PolymarketAdapter adapter = new PolymarketAdapter();
        VenueSettings settings = settings(Venue.POLYMARKET);
        assertEquals(sim.markets(Venue.POLYMARKET), adapter.discoverMarkets(settings));

        List<String> listed = sim.listMarket(Venue.POLYMARKET, "Will the simulator list this market?");
        List<MarketInfo> discovered = adapter.discover(settings);
        assertEquals(6, discovered.size());
        MarketInfo yes = discovered.get(4);
        MarketInfo no = discovered.get(5);
        assertEquals(listed, List.of(yes.symbol(), no.symbol()));
        assertEquals("Will the simulator list this market?", yes.title());
        assertEquals("Yes", yes.outcome());
        assertEquals("No", no.outcome());
        assertEquals(new BigDecimal("0.01"), yes.tickSize());
        assertNotNull(yes.event());
        assertNotNull(yes.openTime());
        assertTrue(yes.closeTime().isAfter(yes.openTime()));
        assertTrue(yes.url().startsWith("https://polymarket.com/event/"), yes.url());
        assertTrue(yes.active());

        String first = sim.markets(Venue.POLYMARKET).get(0);
        sim.closeMarket(Venue.POLYMARKET, first);
        assertFalse(adapter.discoverMarkets(settings).contains(first), "discovery no longer offers a closed market");
        String neverListed = "1".repeat(77);
        List<MarketInfo> described = adapter.describe(settings, List.of(neverListed, first, listed.get(1)));
        assertEquals(List.of(first, listed.get(1)), described.stream().map(MarketInfo::symbol).toList(),
                "the never-listed token is absent: delisted");
        assertEquals("closed", described.get(0).status());
        assertFalse(described.get(0).active());
        assertTrue(described.get(1).active());
    }

    @Test
    void kalshiDiscoversAListedMarketAndDescribesAClosedAndADelistedOne() throws Exception {
        KalshiAdapter adapter = new KalshiAdapter();
        VenueSettings settings = settings(Venue.KALSHI);
        assertEquals(sim.markets(Venue.KALSHI), adapter.discoverMarkets(settings));

        String listed = sim.listMarket(Venue.KALSHI, "Will the index close above 250?").get(0);
        List<MarketInfo> discovered = adapter.discover(settings);
        assertEquals(3, discovered.size());
        MarketInfo market = discovered.get(2);
        assertEquals(listed, market.symbol());
        assertEquals("Will the index close above 250?", market.title());
        assertEquals("KXSIMLIST-26DEC31", market.event());
        assertEquals(new BigDecimal("0.01"), market.tickSize());
        assertEquals("active", market.status());
        assertTrue(market.active());

        String first = sim.markets(Venue.KALSHI).get(0);
        sim.closeMarket(Venue.KALSHI, first);
        assertFalse(adapter.discoverMarkets(settings).contains(first), "discovery no longer offers a closed market");
        List<MarketInfo> described = adapter.describe(settings, List.of("KXNEVER-1", first, listed));
        assertEquals(List.of(first, listed), described.stream().map(MarketInfo::symbol).toList(),
                "the never-listed ticker is absent: delisted");
        assertEquals("closed", described.get(0).status());
        assertFalse(described.get(0).active());
        assertTrue(described.get(1).active());
    }

    private VenueSettings settings(Venue venue) {
        return new VenueSettings(venue, true, sim.wsUrl(venue), sim.restUrl(venue), List.of(), 1000, 100, 50,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5), ConfigFactory.empty());
    }
}
