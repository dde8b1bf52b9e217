package io.marketmesh.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class WideSizesTest {

    private static final MarketKey KEY = MarketKey.of(Venue.KRAKEN, "PEPE/USD");

    @Test
    void aSizeWiderThanALongIsKeptExactlyAndWrittenExactly() throws Exception {
        LevelUpdate update = LevelUpdate.parse(Side.BID, Decimals.parse("0.0000000123"), "123456789012.12345678");
        assertEquals(new BigDecimal("123456789012.12345678"), update.wideSize());
        assertEquals("123456789012.12345678", update.sizeText());
        // The long is the 17-digit rounding: right for signs and comparisons.
        assertEquals(Decimals.parse("123456789012.12346"), update.size());
        assertTrue(update.size() > 0);

        BookDelta delta = new BookDelta(KEY, BookDelta.Mode.ABSOLUTE, List.of(update), 5, 1, 2);
        String json = ProtocolJson.encode(delta);
        assertTrue(json.contains("{\"side\":\"bid\",\"price\":\"0.0000000123\",\"size\":\"123456789012.12345678\"}"), json);
        assertEquals(delta, ProtocolJson.decode(json, BookDelta.class));
    }

    @Test
    void snapshotLevelsRoundTripWithWideAndNarrowSizes() {
        BookSnapshot snapshot = new BookSnapshot(KEY,
                List.of(PriceLevel.parse(Decimals.parse("0.0000000123"), "98765432109876.54321"),
                        PriceLevel.parse(Decimals.parse("0.0000000122"), "1.5")),
                List.of(PriceLevel.parse(Decimals.parse("0.0000000124"), "0.00000001")), 1, 2, 3);
        String json = ProtocolJson.encode(snapshot);
        assertTrue(json.contains("[\"0.0000000123\",\"98765432109876.54321\"]"), json);
        assertTrue(json.contains("[\"0.0000000122\",\"1.5\"]"), json);
        assertEquals(snapshot, ProtocolJson.decode(json, BookSnapshot.class));
    }

    @Test
    void aSizeThatFitsIsNeverWideWhateverItsTrailingZeros() {
        PriceLevel level = PriceLevel.parse(Decimals.parse("65000.1"), "1.50000000000000000000");
        assertNull(level.wideSize());
        assertEquals(Decimals.parse("1.5"), level.size());
        assertEquals(new PriceLevel(Decimals.parse("65000.1"), Decimals.parse("1.5")), level);
        assertEquals(level, new PriceLevel(Decimals.parse("65000.1"), 0, new BigDecimal("1.500")));
    }

    @Test
    void wideSizesDifferingOnlyBeyondSeventeenDigitsAreDifferentLevels() {
        PriceLevel a = PriceLevel.parse(1, "123456789012.12345678");
        PriceLevel b = PriceLevel.parse(1, "123456789012.12345679");
        assertEquals(a.size(), b.size());
        assertNotEquals(a, b);
    }

    @Test
    void garbageIsStillRefused() {
        assertThrows(NumberFormatException.class, () -> PriceLevel.parse(1, "12a"));
        assertThrows(NumberFormatException.class, () -> LevelUpdate.parse(Side.ASK, 1, ""));
    }

    @Test
    void tradeAndTickerSizesAreExactAtAnyWidth() {
        Trade trade = new Trade(KEY, "t1", Decimals.parse("0.0000000123"), WideSizes.parse("123456789012.12345678"),
                Side.ASK, 1, 2);
        String json = ProtocolJson.encode(trade);
        assertTrue(json.contains("\"size\":\"123456789012.12345678\""), json);
        assertEquals(trade, ProtocolJson.decode(json, Trade.class));
        assertEquals(new Trade(KEY, "t1", 5, Decimals.parse("3"), Side.BID, 1, 2),
                new Trade(KEY, "t1", 5, new BigDecimal("3.000"), Side.BID, 1, 2));

        Ticker ticker = new Ticker(KEY, Decimals.parse("0.0000000123"), WideSizes.parse("98765432109876.54321"),
                Decimals.NONE, null, Decimals.NONE, null, null, 1, 2);
        String tickerJson = ProtocolJson.encode(ticker);
        assertTrue(tickerJson.contains("\"bestBidSize\":\"98765432109876.54321\""), tickerJson);
        assertTrue(tickerJson.contains("\"bestAskSize\":null"), tickerJson);
        assertEquals(ticker, ProtocolJson.decode(tickerJson, Ticker.class));
    }
}
