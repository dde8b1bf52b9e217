package io.marketmesh.node.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.registry.VenueAdapters;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated crypto venues' REST listings as each venue's adapter reads them ({@code describe}, {@code discover}):
 * every pair listed and tradable, a delisted one shown the way that venue shows it; and {@code shiftBook}, which moves
 * a true book by whole ticks without ever crossing it, from the API and from the control endpoints.
 */
class CryptoListingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The status word each venue's listing gives a pair it stopped trading; Kraken drops it from AssetPairs. */
    private static final Map<Venue, String> HALTED = Map.of(Venue.BINANCE, "break", Venue.COINBASE, "delisted",
            Venue.OKX, "suspend", Venue.BYBIT, "closed", Venue.CRYPTOCOM, "untradable", Venue.BITSTAMP, "disabled");

    private ActorSystem<Void> system;
    private VenueSimulator simulator;

    @BeforeEach
    void start() {
        system = TestNode.localSystem("crypto-listings");
        simulator = VenueSimulator.start(system, new SimulatorSettings(0, 0, 0, 0, 7, null, "").withCryptoMarkets(3));
    }

    @AfterEach
    void stop() {
        simulator.close();
        system.terminate();
    }

    @Test
    void everyCryptoVenueDescribesItsPairsAndShowsADelistedOneAsNotTradable() throws Exception {
        assertEquals(7, simulator.cryptoVenues().size());
        for (Venue venue : simulator.cryptoVenues()) {
            VenueAdapter adapter = VenueAdapters.forVenue(venue).orElseThrow();
            VenueSettings settings = settings(venue);
            List<String> symbols = simulator.markets(venue);
            List<String> asked = new ArrayList<>(symbols);
            asked.add(0, "NOSUCHPAIR");

            Map<String, MarketInfo> described = bySymbol(adapter.describe(settings, asked));
            assertEquals(symbols, List.copyOf(described.keySet()), venue + ": every listed symbol, in the order asked, "
                    + "and no entry for one the venue does not list");
            MarketInfo btc = described.get(symbols.get(0)); // the first pair listed is BTC-USDT on every venue
            assertEquals(List.of("BTC", "USDT", "spot"), List.of(btc.base(), btc.quote(), btc.kind()), venue.id());
            assertEquals(0, new BigDecimal("0.01").compareTo(btc.tickSize()), venue + " tick " + btc.tickSize());
            assertEquals(0, new BigDecimal("0.00001").compareTo(btc.lotSize()), venue + " lot " + btc.lotSize());
            assertTrue(described.values().stream().allMatch(MarketInfo::active), venue + " " + described.values());
            assertTrue(adapter.discover(settings).stream().anyMatch(m -> m.symbol().equals(btc.symbol())), venue.id());

            simulator.delistCryptoMarket(venue, btc.symbol());

            Map<String, MarketInfo> after = bySymbol(adapter.describe(settings, symbols));
            if (venue == Venue.KRAKEN) {
                assertFalse(after.containsKey(btc.symbol()), "Kraken drops a delisted pair from AssetPairs");
            } else {
                MarketInfo halted = after.get(btc.symbol());
                assertNotNull(halted, venue + " still lists it");
                assertFalse(halted.active(), venue + " " + halted);
                assertEquals(HALTED.get(venue), halted.status(), venue.id());
            }
            assertEquals(symbols.size() - 1, after.values().stream().filter(MarketInfo::active).count(),
                    venue + ": only the delisted pair stopped (Bybit's linear BTCUSDT shares its venue symbol)");
            assertTrue(adapter.discover(settings).stream().noneMatch(m -> m.symbol().equals(btc.symbol())),
                    venue + ": discovery no longer follows it");
        }
    }

    @Test
    void aShiftMovesEveryLevelByTheTicksAndNoIntermediateBookIsCrossedOrOneSided() {
        CryptoPair pair = CryptoPair.ALL.get(0);
        CryptoBook book = CryptoBook.seeded(pair, new Random(3));
        for (int i = 0; i < 200; i++) {
            book.move(new Random(i)); // some holes and uneven sizes, as a walked book has
        }
        for (long ticks : new long[] {7, -7, 40, -40, 1}) {
            NavigableMap<BigDecimal, BigDecimal> bidsBefore = new TreeMap<>(book.bids());
            NavigableMap<BigDecimal, BigDecimal> asksBefore = new TreeMap<>(book.asks());
            for (CryptoBook.LevelChange change : book.shiftChanges(ticks)) {
                book.apply(change);
                assertFalse(book.bids().isEmpty() || book.asks().isEmpty(), "a side emptied during a shift of " + ticks);
                assertTrue(book.bestBid().compareTo(book.bestAsk()) < 0, "crossed during a shift of " + ticks);
            }
            BigDecimal delta = pair.tick().multiply(BigDecimal.valueOf(ticks));
            assertEquals(shifted(bidsBefore, delta), new TreeMap<>(book.bids()), "bids moved by " + ticks);
            assertEquals(shifted(asksBefore, delta), new TreeMap<>(book.asks()), "asks moved by " + ticks);
        }
        // Down as far as it goes: every price stays positive.
        long applied = book.clampShift(-1_000_000_000L);
        assertTrue(applied > -1_000_000_000L && applied < 0, "clamped: " + applied);
        book.shiftChanges(applied).forEach(book::apply);
        assertEquals(0, pair.tick().compareTo(book.bids().lastKey()), "the lowest bid stops one tick above zero");
        assertEquals(List.of(), book.shiftChanges(-5), "no further down");
    }

    @Test
    void theControlEndpointsShiftABookAndDelistAPair() throws Exception {
        BookSnapshot before = simulator.trueBook(Venue.OKX, "BTC-USDT");
        JsonNode shifted = post("/sim/okx/shift?symbol=BTC-USDT&ticks=250");
        assertEquals(250, shifted.path("ticks").asLong(), shifted.toString());
        BookSnapshot after = simulator.trueBook(Venue.OKX, "BTC-USDT");
        assertEquals(0, new BigDecimal("2.50").compareTo(Decimals.toBigDecimal(after.bids().get(0).price())
                .subtract(Decimals.toBigDecimal(before.bids().get(0).price()))), "best bid up 2.50: " + after.bids().get(0));
        assertEquals(-250, simulator.shiftBook(Venue.OKX, "BTC-USDT", -250));
        assertEquals(before.bids(), simulator.trueBook(Venue.OKX, "BTC-USDT").bids(), "shifted back exactly");

        assertTrue(post("/sim/binance/delist?symbol=ETHUSDT").path("delisted").asBoolean());
        JsonNode info = JSON.readTree(get(simulator.restUrl(Venue.BINANCE) + "/api/v3/exchangeInfo").body());
        Map<String, String> status = new java.util.HashMap<>();
        info.path("symbols").forEach(s -> status.put(s.path("symbol").asText(), s.path("status").asText()));
        assertEquals("BREAK", status.get("ETHUSDT"));
        assertEquals("TRADING", status.get("BTCUSDT"));

        assertEquals(404, send("/sim/okx/shift?symbol=NOPE-USDT&ticks=1").statusCode());
        assertEquals(400, send("/sim/okx/shift?symbol=BTC-USDT&ticks=lots").statusCode());
        assertEquals(404, send("/sim/kraken/delist?symbol=NOPE/USD").statusCode());
        assertThrows(IllegalArgumentException.class, () -> simulator.shiftBook(Venue.POLYMARKET, "x", 1));
    }

    private static Map<String, MarketInfo> bySymbol(List<MarketInfo> infos) {
        return infos.stream().collect(Collectors.toMap(MarketInfo::symbol, Function.identity(), (a, b) -> a,
                java.util.LinkedHashMap::new));
    }

    private static TreeMap<BigDecimal, BigDecimal> shifted(Map<BigDecimal, BigDecimal> side, BigDecimal delta) {
        TreeMap<BigDecimal, BigDecimal> moved = new TreeMap<>();
        side.forEach((price, size) -> moved.put(price.add(delta), size));
        return moved;
    }

    private VenueSettings settings(Venue venue) {
        String prefix = "marketmesh.venues." + venue.id();
        return VenueSettings.fromConfig(venue, NodeConfig.load(ConfigFactory.parseMap(Map.of(
                prefix + ".rest-url", simulator.restUrl(venue),
                prefix + ".discovery-limit", 50))).getConfig(prefix));
    }

    private JsonNode post(String path) throws Exception {
        HttpResponse<String> response = send(path);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(simulator.controlUrl() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
