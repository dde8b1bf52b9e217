package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.InstrumentTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One instrument across venues against the simulator: with three crypto venues quoting BTC-USDT and one of them moved
 * so that its bids cross the others' asks, the node's summary, consolidated book and arbitrage opportunities equal what
 * the simulator's true books imply; an opportunity closes when the prices uncross; a stale member is flagged and left
 * out; a Kalshi / Polymarket pair declared in configuration (the Polymarket leg's YES being the instrument's NO) gets a
 * summary that equals its true books turned over.
 */
class InstrumentEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final int DEPTH = 10;

    private static final MarketKey BINANCE = MarketKey.of(Venue.BINANCE, "BTCUSDT");
    private static final MarketKey OKX = MarketKey.of(Venue.OKX, "BTC-USDT");
    private static final MarketKey COINBASE = MarketKey.of(Venue.COINBASE, "BTC-USDT");

    private SimulatedVenues venues;
    private VenueSimulator simulator;
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
    void crossingVenuesGiveTheSummaryConsolidatedBookAndOpportunitiesTheirTrueBooksImply() {
        venues = SimulatedVenues.startUnsigned(0, 0, 2, 60, 21);
        simulator = venues.simulator();
        Map<String, Object> settings = cryptoSettings();
        // A fee on Coinbase: its crossings must pay for it.
        settings.put("marketmesh.instruments.taker-fees.coinbase", "0.0001");
        settings.put("marketmesh.instruments.links", List.of(link("btc", List.of(
                leg(BINANCE, true), leg(OKX, true), leg(COINBASE, true)))));
        node = TestNode.start(settings);
        List<InstrumentTruth.Leg> legs = List.of(InstrumentTruth.Leg.of(BINANCE), InstrumentTruth.Leg.of(OKX),
                new InstrumentTruth.Leg(COINBASE, true, new BigDecimal("0.0001")));

        node.awaitJson("/api/v1/instruments", r -> r.body().path("instruments").size() == 2, WAIT);
        simulator.pause();
        awaitBooks();
        awaitInstrumentEqualsTruth("btc", legs);

        // The same three markets, found from the catalogue's metadata: the automatic BTC-USDT.
        JsonNode auto = instrument("BTC-USDT");
        assertEquals("auto", auto.path("origin").asText(), auto.toString());
        List<InstrumentTruth.Leg> autoLegs = new java.util.ArrayList<>();
        for (JsonNode m : auto.path("markets")) {
            MarketKey market = MarketKey.parse(m.path("market").asText());
            // The venue's fee applies to every instrument it is a member of.
            autoLegs.add(new InstrumentTruth.Leg(market, true,
                    market.equals(COINBASE) ? new BigDecimal("0.0001") : BigDecimal.ZERO));
        }
        assertEquals(java.util.Set.of(BINANCE, OKX, COINBASE),
                java.util.Set.copyOf(autoLegs.stream().map(InstrumentTruth.Leg::market).toList()));
        awaitInstrumentEqualsTruth("BTC-USDT", autoLegs);
        assertEquals(3, node.get("/api/v1/markets?instrument=BTC-USDT").body().path("total").asInt());

        // OKX moves 40 ticks up: its bids now stand above the others' asks.
        try (StreamClient stream = StreamClient.connect(node.httpPort())) {
            stream.subscribe(1, null, "arbitrage", "summary:btc");
            stream.await(0, m -> m.path("type").asText().equals("subscribed"), WAIT, "subscribed");
            assertEquals(40, simulator.shiftBook(Venue.OKX, OKX.symbol(), 40));
            awaitBooks();
            InstrumentTruth crossed = awaitInstrumentEqualsTruth("btc", legs);
            assertFalse(crossed.opportunities().isEmpty(), "40 ticks apart, OKX's bids cross the others' asks");
            assertTrue(crossed.opportunities().stream().allMatch(o -> o.sellMarket().equals(OKX.id())),
                    crossed.opportunities().toString());
            JsonNode opened = stream.await(0, m -> m.path("channel").asText().equals("arbitrage")
                    && m.path("payload").path("type").asText().equals("opened")
                    && m.path("payload").path("instrument").asText().equals("btc"), WAIT, "an opened opportunity");
            assertEquals("btc", opened.path("market").asText(), "arbitrage records are keyed by instrument");
            assertEquals("okx:BTC-USDT", opened.path("payload").path("sellMarket").asText());
            JsonNode summary = stream.await(0, m -> m.path("channel").asText().equals("summaries"), WAIT, "a summary");
            assertEquals("summary:btc", summary.path("subscription").asText());

            // Back down: the prices uncross and every opportunity closes, saying how long it lasted.
            assertEquals(-40, simulator.shiftBook(Venue.OKX, OKX.symbol(), -40));
            awaitBooks();
            awaitInstrumentEqualsTruth("btc", legs);
            JsonNode closed = stream.await(0, m -> m.path("channel").asText().equals("arbitrage")
                    && m.path("payload").path("type").asText().equals("closed")
                    && m.path("payload").path("id").asText().equals(opened.path("payload").path("id").asText()),
                    WAIT, "the opportunity closed");
            assertEquals(List.of(), stream.violations(), "every message numbered, in order");
            assertEquals("uncrossed", closed.path("payload").path("reason").asText(), closed.toString());
            assertTrue(closed.path("payload").path("durationMs").asLong() >= 0);
            assertEquals(opened.path("payload").path("id").asText(), closed.path("payload").path("id").asText());
        }
        JsonNode none = node.get("/api/v1/arbitrage").body();
        assertTrue(new InstrumentTruth(simulator, legs, DEPTH).matchesArbitrage(none, "btc"), none.toString());
    }

    @Test
    void aStaleMemberIsFlaggedAndLeftOutOfTheSummaryAndOfEveryOpportunity() {
        venues = SimulatedVenues.startUnsigned(0, 0, 2, 60, 22);
        simulator = venues.simulator();
        Map<String, Object> settings = cryptoSettings();
        // The book stays stale until the test reopens its socket: resyncs are never escalated to a reconnect.
        settings.put("marketmesh.connection.resync-escalate-after", 1000);
        settings.put("marketmesh.venues.okx.stale-after", "60s");
        settings.put("marketmesh.catalog.refresh-interval", "2s");
        settings.put("marketmesh.instruments.links", List.of(link("btc", List.of(
                leg(BINANCE, true), leg(OKX, true), leg(COINBASE, true)))));
        node = TestNode.start(settings);
        node.awaitJson("/api/v1/instruments/btc", r -> r.status() == 200, WAIT);
        simulator.pause();
        awaitBooks();
        simulator.shiftBook(Venue.OKX, OKX.symbol(), 40);
        awaitBooks();
        List<InstrumentTruth.Leg> legs = List.of(InstrumentTruth.Leg.of(BINANCE), InstrumentTruth.Leg.of(OKX),
                InstrumentTruth.Leg.of(COINBASE));
        assertFalse(awaitInstrumentEqualsTruth("btc", legs).opportunities().isEmpty());

        // OKX's socket ignores resubscriptions and loses an update: its book is stale for good.
        simulator.ignoreResubscriptions(Venue.OKX);
        assertEquals(1, simulator.injectSequenceGap(Venue.OKX));
        simulator.resume();
        node.awaitJson("/api/v1/instruments/btc", r -> r.body().path("venues").path(1).path("stale").asBoolean(), WAIT);
        simulator.pause();
        for (MarketKey fresh : List.of(BINANCE, COINBASE)) {
            BookTruth.awaitBookEqualsTruth(node, simulator, fresh.venue(), fresh.symbol(), WAIT);
        }
        InstrumentTruth others = new InstrumentTruth(simulator, List.of(InstrumentTruth.Leg.of(BINANCE),
                InstrumentTruth.Leg.of(COINBASE)), DEPTH);
        JsonNode summary = node.awaitJson("/api/v1/instruments/btc", r -> {
            JsonNode okx = r.body().path("venues").path(1);
            return okx.path("stale").asBoolean() && r.body().path("bestBid").path("price").isTextual()
                    && others.bestBid().price().compareTo(new BigDecimal(r.body().path("bestBid").path("price").asText())) == 0
                    && others.bestAsk().price().compareTo(new BigDecimal(r.body().path("bestAsk").path("price").asText())) == 0;
        }, WAIT).body();
        assertFalse(summary.path("venues").path(1).path("staleReason").asText("").isEmpty(), summary.toString());
        assertFalse(summary.path("bestBid").path("market").asText().equals(OKX.id()), summary.toString());
        // Only the fresh members' crossings, if any: none with OKX.
        node.awaitJson("/api/v1/arbitrage", r -> others.matchesArbitrage(r.body(), "btc"), WAIT);
        JsonNode book = node.get("/api/v1/instruments/btc/book?depth=5").body();
        assertEquals(OKX.id(), book.path("staleMarkets").path(0).asText(), book.toString());
        assertEquals(1, book.path("staleMarkets").size(), book.toString());
        for (JsonNode level : book.path("bids")) {
            assertFalse(level.path("market").asText().equals(OKX.id()), "a stale member's levels are left out: " + book);
        }

        // A new socket (it does resubscribe): the book is exact again and back in the summary and the opportunities.
        simulator.dropConnections(Venue.OKX);
        awaitBooks();
        awaitInstrumentEqualsTruth("btc", legs);

        // Coinbase delists the pair: its book freezes, the catalogue's next refresh says so, and the instrument stops
        // trusting it although the market is still followed (for the grace period).
        simulator.delistCryptoMarket(Venue.COINBASE, COINBASE.symbol());
        JsonNode closed = node.awaitJson("/api/v1/instruments/btc",
                r -> r.body().path("venues").path(2).path("stale").asBoolean(), WAIT).body();
        assertTrue(closed.path("venues").path(2).path("staleReason").asText().startsWith("closed at the venue"),
                closed.toString());
        node.awaitJson("/api/v1/arbitrage", r -> {
            for (JsonNode o : r.body().path("opportunities")) {
                if (o.path("buyMarket").asText().equals(COINBASE.id()) || o.path("sellMarket").asText().equals(COINBASE.id())) {
                    return false;
                }
            }
            return true;
        }, WAIT);
    }

    @Test
    void aPredictionMarketPairDeclaredInConfigurationGetsASummaryInTheInstrumentsTerms() {
        venues = SimulatedVenues.startUnsigned(2, 2, 0, 40, 23);
        simulator = venues.simulator();
        String kalshi = simulator.markets(Venue.KALSHI).get(0);
        // A Polymarket token whose YES is the instrument's NO (say, the other outcome of the same question).
        String polymarket = simulator.markets(Venue.POLYMARKET).get(1);
        MarketKey kalshiKey = MarketKey.of(Venue.KALSHI, kalshi);
        MarketKey polyKey = MarketKey.of(Venue.POLYMARKET, polymarket);
        Map<String, Object> settings = new HashMap<>(venues.unsignedNodeSettings());
        settings.put("marketmesh.venues.kalshi.markets", List.of(kalshi));
        settings.put("marketmesh.venues.polymarket.markets", List.of(polymarket));
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put("marketmesh.instruments.links", List.of(link("election", List.of(
                leg(kalshiKey, true), leg(polyKey, false)))));
        node = TestNode.start(settings);
        node.awaitJson("/api/v1/instruments", r -> r.body().path("instruments").size() == 1, WAIT);
        simulator.pause();
        BookTruth.awaitBookEqualsTruth(node, simulator, Venue.KALSHI, kalshi, WAIT);
        BookTruth.awaitBookEqualsTruth(node, simulator, Venue.POLYMARKET, polymarket, WAIT);
        List<InstrumentTruth.Leg> legs = List.of(new InstrumentTruth.Leg(kalshiKey, true, BigDecimal.ZERO),
                new InstrumentTruth.Leg(polyKey, false, BigDecimal.ZERO));
        InstrumentTruth truth = awaitInstrumentEqualsTruth("election", legs);
        JsonNode listed = node.get("/api/v1/instruments").body().path("instruments").path(0);
        assertEquals("config", listed.path("origin").asText());
        assertFalse(listed.path("markets").path(1).path("yes").asBoolean(true), listed.toString());
        assertTrue(truth.bestBid() != null && truth.bestAsk() != null, "both legs quote");
    }

    /** Waits until summary, consolidated book and opportunities all equal the true books'; returns that truth. */
    private InstrumentTruth awaitInstrumentEqualsTruth(String id, List<InstrumentTruth.Leg> legs) {
        return InstrumentTruth.awaitNodeAgrees(node, simulator, id, legs, DEPTH, WAIT);
    }

    private JsonNode instrument(String id) {
        JsonNode[] found = new JsonNode[1];
        node.awaitJson("/api/v1/instruments", r -> {
            for (JsonNode i : r.body().path("instruments")) {
                if (i.path("id").asText().equals(id)) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        }, WAIT);
        return found[0];
    }

    private void awaitBooks() {
        for (MarketKey market : List.of(BINANCE, OKX, COINBASE)) {
            BookTruth.awaitBookEqualsTruth(node, simulator, market.venue(), market.symbol(), WAIT);
        }
    }

    private Map<String, Object> cryptoSettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.putAll(venues.cryptoNodeSettings(Venue.BINANCE, List.of(BINANCE.symbol())));
        settings.putAll(venues.cryptoNodeSettings(Venue.OKX, List.of(OKX.symbol())));
        settings.putAll(venues.cryptoNodeSettings(Venue.COINBASE, List.of(COINBASE.symbol())));
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put("marketmesh.instruments.depth", DEPTH);
        return settings;
    }

    private static Map<String, Object> link(String id, List<Map<String, Object>> legs) {
        return Map.of("id", id, "legs", legs);
    }

    private static Map<String, Object> leg(MarketKey market, boolean yes) {
        return Map.of("market", market.id(), "yes", yes);
    }
}
