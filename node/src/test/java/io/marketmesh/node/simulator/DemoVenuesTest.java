package io.marketmesh.node.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.kalshi.KalshiKeys;
import io.marketmesh.protocol.Venue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated venues as {@code --demo} and {@code --simulator} start them, and the node settings they hand out. */
class DemoVenuesTest {

    @TempDir
    Path tmp;

    @Test
    void theStandaloneSimulatorKeepsItsKeyInTheConfiguredFileAndReusesIt() throws Exception {
        Path keyFile = tmp.resolve("sim/kalshi.pem");
        Config config = simulatorConfig(keyFile);
        String pem;
        try (DemoVenues venues = DemoVenues.startStandalone(config)) {
            assertTrue(Files.isRegularFile(keyFile));
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile));
            pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
            KalshiKeys.parsePrivateKey(pem);

            Map<String, String> env = venues.nodeEnvironment();
            int port = venues.simulator().port();
            List<String> expected = new java.util.ArrayList<>(List.of("MARKETMESH_POLYMARKET_ENABLED",
                    "MARKETMESH_POLYMARKET_WS_URL", "MARKETMESH_POLYMARKET_REST_URL",
                    "MARKETMESH_POLYMARKET_MARKETS", "MARKETMESH_KALSHI_ENABLED", "MARKETMESH_KALSHI_WS_URL",
                    "MARKETMESH_KALSHI_REST_URL", "MARKETMESH_KALSHI_MARKETS", "MARKETMESH_KALSHI_KEY_ID",
                    "MARKETMESH_KALSHI_PRIVATE_KEY_FILE"));
            // Then each simulated crypto venue's four, in registration order, its markets named.
            for (Venue crypto : venues.simulator().cryptoVenues()) {
                String env0 = "MARKETMESH_" + crypto.id().toUpperCase(java.util.Locale.ROOT);
                expected.addAll(List.of(env0 + "_ENABLED", env0 + "_WS_URL", env0 + "_REST_URL", env0 + "_MARKETS"));
            }
            assertEquals(expected, List.copyOf(env.keySet()));
            assertEquals("ws://127.0.0.1:" + port + "/ws/market", env.get("MARKETMESH_POLYMARKET_WS_URL"));
            assertEquals("http://127.0.0.1:" + port + "/trade-api/v2", env.get("MARKETMESH_KALSHI_REST_URL"));
            assertEquals("", env.get("MARKETMESH_KALSHI_MARKETS"), "empty: the node discovers the simulated markets");
            assertEquals(String.join(",", venues.simulator().markets(Venue.OKX)), env.get("MARKETMESH_OKX_MARKETS"),
                    "a crypto venue's every simulated market, swaps included");
            assertEquals(DemoVenues.DEMO_KEY_ID, env.get("MARKETMESH_KALSHI_KEY_ID"));
            assertEquals(keyFile.toString(), env.get("MARKETMESH_KALSHI_PRIVATE_KEY_FILE"));

            // The in-process form of the same settings, as --demo hands them to its node.
            VenueSettings kalshi = NodeConfig.venue(NodeConfig.load(venues.nodeOverrides()), Venue.KALSHI);
            assertEquals(env.get("MARKETMESH_KALSHI_WS_URL"), kalshi.wsUrl());
            assertEquals(List.of(), kalshi.markets());
        }
        assertTrue(Files.isRegularFile(keyFile), "kept after the simulator stops");

        // A restart signs with the same key, so nodes holding the file keep connecting.
        try (DemoVenues venues = DemoVenues.startStandalone(config)) {
            assertEquals(pem, Files.readString(keyFile, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aKeyFileThatHoldsNoKeyIsNeitherUsedNorOverwritten() throws Exception {
        Path keyFile = tmp.resolve("not-a-key.pem");
        Files.writeString(keyFile, "hello");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DemoVenues.startStandalone(simulatorConfig(keyFile)));
        assertTrue(e.getMessage().contains("kalshi-key-file"), e.getMessage());
        assertEquals("hello", Files.readString(keyFile));
    }

    @Test
    void theDemoKeyIsATemporaryFileDeletedOnClose() {
        Path keyFile;
        try (DemoVenues venues = DemoVenues.start(NodeConfig.load())) {
            keyFile = venues.privateKeyFile();
            assertTrue(Files.isRegularFile(keyFile));
        }
        assertFalse(Files.exists(keyFile));
    }

    private static Config simulatorConfig(Path keyFile) {
        return NodeConfig.load(ConfigFactory.parseMap(Map.of(
                "marketmesh.simulator.port", TestNode.freePort(),
                "marketmesh.simulator.kalshi-key-file", keyFile.toString(),
                "marketmesh.simulator.updates-per-second", 10)));
    }
}
