package io.marketmesh.node.venue.okx;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.registry.VenueAdapters;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapter's registration, connection and the limits its settings are held to at start. */
class OkxAdapterTest {

    private final OkxAdapter adapter = new OkxAdapter();

    @Test
    void isRegisteredAndConnectsToThePublicUrlWithoutHeaders() {
        assertInstanceOf(OkxAdapter.class, VenueAdapters.forVenue(Venue.OKX).orElseThrow());
        VenueSettings settings = OkxTestSupport.settings("");
        assertEquals("ws://127.0.0.1/ws/v5/public", adapter.connectRequest(settings).url());
        assertEquals(Map.of(), adapter.connectRequest(settings).headers());
        assertInstanceOf(OkxSession.class, adapter.newSession(settings));
    }

    @Test
    void theShippedDefaultsAreValid() {
        assertDoesNotThrow(() -> NodeConfig.validate(NodeConfig.load(ConfigFactory.empty())));
        VenueSettings shipped = NodeConfig.venue(NodeConfig.load(ConfigFactory.empty()), Venue.OKX);
        assertEquals("wss://ws.okx.com:8443/ws/v5/public", shipped.wsUrl());
        assertEquals(new OkxSettings(java.util.Set.of("SPOT", "SWAP"), 450), OkxSettings.of(shipped));
    }

    @Test
    void settingsBeyondTheVenuesLimitsAreRefusedNamingTheKey() {
        assertRefused(OkxTestSupport.settings("requests-per-hour = 481"), "marketmesh.venues.okx.requests-per-hour");
        assertRefused(OkxTestSupport.settings("inst-types = [\"SPOT\", \"FUTURES\"]"), "marketmesh.venues.okx.inst-types");
        assertRefused(OkxTestSupport.settings("inst-types = []"), "marketmesh.venues.okx.inst-types");
        assertRefused(OkxTestSupport.settings("", Duration.ofSeconds(25), 20), "marketmesh.venues.okx.heartbeat-interval");
        assertDoesNotThrow(() -> adapter.validate(OkxTestSupport.settings("requests-per-hour = 480\ninst-types = [swap]")));

        IllegalArgumentException perSocket = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.venues.okx.markets-per-socket", 30)))));
        assertTrue(perSocket.getMessage().contains("marketmesh.venues.okx.markets-per-socket"), perSocket.getMessage());
        IllegalArgumentException perHour = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.venues.okx.requests-per-hour", 500)))));
        assertTrue(perHour.getMessage().contains("requests-per-hour"), perHour.getMessage());
    }

    private void assertRefused(VenueSettings settings, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adapter.validate(settings));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
