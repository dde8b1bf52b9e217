package io.marketmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The {@code NAME=value} lines {@code --simulator} and {@code --kafka} print for scripts to take. */
class MainTest {

    @Test
    void plainValuesStayBareAndOthersAreSingleQuotedForAShell() {
        assertEquals("MARKETMESH_KALSHI_WS_URL=ws://127.0.0.1:9900/trade-api/ws/v2",
                Main.envLine("MARKETMESH_KALSHI_WS_URL", "ws://127.0.0.1:9900/trade-api/ws/v2"));
        assertEquals("MARKETMESH_KALSHI_MARKETS=", Main.envLine("MARKETMESH_KALSHI_MARKETS", ""));
        assertEquals("MARKETMESH_KALSHI_PRIVATE_KEY_FILE='/home/me/my keys/it'\\''s.pem'",
                Main.envLine("MARKETMESH_KALSHI_PRIVATE_KEY_FILE", "/home/me/my keys/it's.pem"));
    }
}
