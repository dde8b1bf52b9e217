package io.marketmesh.node.venue.kraken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.registry.VenueAdapters;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KrakenAdapterTest {

    private final KrakenAdapter adapter = new KrakenAdapter();

    @Test
    void isRegisteredWithTheDocumentedDefaults() {
        assertInstanceOf(KrakenAdapter.class, VenueAdapters.forVenue(Venue.KRAKEN).orElseThrow());
        VenueSettings settings = settings("");
        assertEquals("wss://ws.kraken.com/v2", settings.wsUrl());
        assertEquals("https://api.kraken.com", settings.restUrl());
        assertEquals(new KrakenSettings(10), KrakenSettings.of(settings));
        assertEquals("wss://ws.kraken.com/v2", adapter.connectRequest(settings).url());
        assertTrue(adapter.connectRequest(settings).headers().isEmpty());
        assertEquals(10, adapter.pacing().messages());
        assertEquals(Duration.ofSeconds(1), adapter.pacing().window());
        adapter.validate(settings);
    }

    @Test
    void theConfiguredDepthIsTheOneSubscribed() {
        VenueSettings settings = settings("book-depth = 500, markets = [\"BTC/USD\"]");
        adapter.validate(settings);
        RecordingOutput out = new RecordingOutput();
        adapter.newSession(settings).subscribe(settings.markets(), out);
        assertTrue(out.sent.get(1).contains("\"channel\":\"book\",\"symbol\":[\"BTC/USD\"],\"depth\":500"), out.sent.get(1));
    }

    @Test
    void aDepthKrakenRefusesStopsTheStartNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adapter.validate(settings("book-depth = 27")));
        assertEquals("marketmesh.venues.kraken.book-depth = 27 is not a depth Kraken accepts: one of [10, 25, 100, 500, 1000]",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> adapter.validate(settings("book-depth = deep")));
        // through the node's own check of the whole configuration
        Config config = ConfigFactory.parseString("marketmesh.venues.kraken.book-depth = 0")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        IllegalArgumentException viaNode = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(config));
        assertTrue(viaNode.getMessage().startsWith("marketmesh.venues.kraken.book-depth"), viaNode.getMessage());
    }

    @Test
    void marketsMustBeV2PairSymbols() {
        adapter.validate(settings("markets = [\"BTC/USD\", \"DOGE/EUR\"]"));
        for (String wrong : List.of("XBTUSD", "BTC-USD", "/USD", "BTC/", "A/B/C")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> adapter.validate(settings("markets = [\"" + wrong + "\"]")), wrong);
            assertEquals("marketmesh.venues.kraken.markets: '" + wrong
                    + "' is not a Kraken WebSocket v2 pair symbol (BASE/QUOTE, e.g. BTC/USD)", e.getMessage());
        }
        // one comma-separated string, as from MARKETMESH_KRAKEN_MARKETS
        assertEquals(List.of("BTC/USD", "ETH/USD"), settings("markets = \"BTC/USD, ETH/USD\"").markets());
    }

    @Test
    void aSessionPerSocket() {
        VenueSettings settings = settings("");
        assertInstanceOf(KrakenSession.class, adapter.newSession(settings));
        assertTrue(adapter.newSession(settings) != adapter.newSession(settings));
        assertSame(Venue.KRAKEN, adapter.venue());
    }

    private static VenueSettings settings(String overrides) {
        Config config = ConfigFactory.parseString(overrides).atPath("marketmesh.venues.kraken")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        return NodeConfig.venue(config, Venue.KRAKEN);
    }
}
