package io.marketmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Client text on its way into a log line or an error message, and what a client may name. */
class ClientTextTest {

    @Test
    void aLogLineCannotBeForged() {
        String forged = "BTC\r\n12:00:00.000 INFO  ApiRoutes admin logged in\u001b[2J\u0085\u2028\u2029\u0000x\\u000a";
        String safe = ClientText.forLog(forged);
        assertTrue(safe.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029),
                safe);
        assertEquals("BTC\\u000d\\u000a12:00:00.000 INFO  ApiRoutes admin logged in\\u001b[2J\\u0085\\u2028\\u2029"
                + "\\u0000x\\\\u000a", safe, "an escape the client wrote stays distinguishable from one we wrote");
        assertEquals("plain-BTC/USD", ClientText.forLog("plain-BTC/USD"));
    }

    @Test
    void aWholeMessageIsMadeSafeWithoutEscapingAQuotedValueTwice() {
        String message = "got '" + ClientText.quote("a\rb") + "' and c\nd";
        assertEquals("got 'a\\u000db' and c\\u000ad", ClientText.message(message, 500));
        assertEquals("xx...", ClientText.message("xxxx", 2));
    }

    @Test
    void longTextIsCut() {
        String quoted = ClientText.quote("x".repeat(10_000));
        assertEquals(83, quoted.length());
        assertTrue(quoted.endsWith("..."));
        assertTrue(ClientText.forLog("y".repeat(10_000)).length() <= 203);
    }

    @Test
    void everyVenuesSymbolsPassAndHostileOnesDoNot() {
        for (String symbol : List.of("BTC/USD", "KXBTCD-26MAY3017-T72999.99", "BTC-USDT-SWAP", "btcusdt", "BTC_USDT",
                "21742633143463906290569050155826241533067272736897614950488156847949938836455", "XBT/EUR", "A/B")) {
            assertTrue(ClientText.isSymbol(symbol), symbol);
        }
        assertTrue(ClientText.isVenueId("kalshi") && ClientText.isVenueId("KALSHI"), "venue ids are any case");
        assertFalse(ClientText.isVenueId("kal shi") || ClientText.isVenueId("") || ClientText.isVenueId("x".repeat(33)));
        for (String symbol : List.of("", "a b", "BTC\r\nUSD", "BTC\"USD", "<script>", "x".repeat(129), "BTC\u0000",
                "ΒTC", "a;b", "a\\b")) {
            assertFalse(ClientText.isSymbol(symbol), symbol);
        }
    }
}
