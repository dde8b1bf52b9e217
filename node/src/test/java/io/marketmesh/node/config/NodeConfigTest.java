package io.marketmesh.node.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a user's configuration mistakes look like before the node starts. */
class NodeConfigTest {

    private static Config load(Map<String, Object> overrides) {
        return NodeConfig.load(ConfigFactory.parseMap(overrides));
    }

    @Test
    void theShippedDefaultsAreValid() {
        assertDoesNotThrow(() -> NodeConfig.validate(load(Map.of())));
    }

    @Test
    void polymarketSocketsAboveTheVenuesLimitAreRefusedWithTheKeyNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeConfig.validate(load(Map.of("marketmesh.venues.polymarket.markets-per-socket", 501))));
        assertEquals("marketmesh.venues.polymarket.markets-per-socket = 501 is above the venue's limit of 500 per socket",
                e.getMessage());
        assertDoesNotThrow(() -> NodeConfig.validate(load(Map.of(
                "marketmesh.venues.polymarket.markets-per-socket", 501, "marketmesh.venues.polymarket.enabled", false))),
                "a disabled venue's settings do not stop the node");
    }

    @Test
    void aValueOfTheWrongTypeNamesItsKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> NodeConfig.validate(load(Map.of("marketmesh.connection.min-backoff", "soon"))));
        assertTrue(e.getMessage().contains("min-backoff"), e.getMessage());
    }

    @Test
    void marketsMayBeAListOrOneCommaSeparatedString() {
        VenueSettings fromString = NodeConfig.venue(load(Map.of("marketmesh.venues.kalshi.markets", " A-1, B-2 ,,C-3")),
                Venue.KALSHI);
        VenueSettings fromList = NodeConfig.venue(load(Map.of("marketmesh.venues.kalshi.markets", List.of("A-1", "B-2", "C-3"))),
                Venue.KALSHI);
        assertEquals(List.of("A-1", "B-2", "C-3"), fromString.markets());
        assertEquals(fromList.markets(), fromString.markets());
    }
}
