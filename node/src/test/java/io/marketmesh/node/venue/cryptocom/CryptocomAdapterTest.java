package io.marketmesh.node.venue.cryptocom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.registry.VenueAdapters;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapter as the node starts it: registered, its reference.conf defaults, and the limits it refuses. */
class CryptocomAdapterTest {

    @Test
    void registeredWithTheDocumentedDefaults() {
        assertInstanceOf(CryptocomAdapter.class, VenueAdapters.forVenue(Venue.CRYPTOCOM).orElseThrow());
        VenueSettings settings = settings(Map.of());
        assertEquals("wss://stream.crypto.com/exchange/v1/market", settings.wsUrl());
        assertEquals("https://api.crypto.com/exchange/v1", settings.restUrl());
        assertEquals(java.util.Set.of("USD", "USDT", "USDC", "EUR"), settings.quoteAssets());
        CryptocomSettings own = CryptocomSettings.of(settings);
        assertEquals(new CryptocomSettings(50, 100, Duration.ofSeconds(1), 10), own);
        own.validate();
        CryptocomAdapter adapter = new CryptocomAdapter();
        assertEquals("wss://stream.crypto.com/exchange/v1/market", adapter.connectRequest(settings).url());
        assertTrue(adapter.connectRequest(settings).headers().isEmpty());
        assertEquals(133, adapter.maxMarketsPerSocket());
        assertTrue(adapter.pacing().messages() <= 100 && adapter.pacing().window().equals(Duration.ofSeconds(1)));
    }

    @Test
    void aNewSessionWaitsTheConfiguredPauseBeforeItsFirstRequest() {
        CryptocomAdapter adapter = new CryptocomAdapter(() -> 42L);
        RecordingOutput out = new RecordingOutput();
        adapter.newSession(settings(Map.of("connect-wait", "1500ms"))).subscribe(List.of("BTC_USDT"), out);
        assertTrue(out.sent.isEmpty());
        assertEquals(Duration.ofMillis(1500), out.timers.get(CryptocomSession.CONNECT_WAIT_TIMER));
    }

    @Test
    void settingsTheVenueWouldRefuseAreRefusedAtStartNamingTheKey() {
        assertRefused(Map.of("book-depth", 20), "book-depth");
        assertRefused(Map.of("book-depth", 150), "book-depth");
        assertRefused(Map.of("book-update-frequency", 50), "book-update-frequency");
        assertRefused(Map.of("subscribe-batch-size", 34), "subscribe-batch-size");
        assertRefused(Map.of("connect-wait", "-1s"), "connect-wait");
        new CryptocomAdapter().validate(settings(Map.of("book-depth", 10, "book-update-frequency", 10,
                "subscribe-batch-size", 33, "connect-wait", "0s")));
        // Above 133 markets a socket would need a 401st channel: the node's own check refuses it by name.
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.venues.cryptocom.markets-per-socket", 134)))));
        assertTrue(tooMany.getMessage().contains("marketmesh.venues.cryptocom.markets-per-socket"), tooMany.getMessage());
    }

    private static void assertRefused(Map<String, Object> options, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CryptocomAdapter().validate(settings(options)));
        assertTrue(e.getMessage().contains("marketmesh.venues.cryptocom." + key), e.getMessage());
    }

    private static VenueSettings settings(Map<String, Object> options) {
        java.util.HashMap<String, Object> all = new java.util.HashMap<>();
        options.forEach((k, v) -> all.put("marketmesh.venues.cryptocom." + k, v));
        return NodeConfig.venue(NodeConfig.load(ConfigFactory.parseMap(all)), Venue.CRYPTOCOM);
    }
}
