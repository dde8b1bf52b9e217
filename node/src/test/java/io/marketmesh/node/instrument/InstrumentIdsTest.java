package io.marketmesh.node.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import io.marketmesh.protocol.Venue;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstrumentIdsTest {

    private static MarketMetadata spot(String market, String base, String quote) {
        return new MarketMetadata(MarketKey.parse(market), null, null, null, base, quote, "spot", null, null,
                "trading", true, 0, 0, null, 0, 1);
    }

    @Test
    void everyVenuesBitcoinTetherPairIsOneInstrument() {
        InstrumentIds ids = InstrumentIds.withoutAliases();
        assertEquals("BTC-USDT", ids.canonicalId(spot("binance:BTCUSDT", "BTC", "USDT")));
        assertEquals("BTC-USDT", ids.canonicalId(spot("okx:BTC-USDT", "BTC", "USDT")));
        assertEquals("BTC-USDT", ids.canonicalId(spot("bybit:BTCUSDT", "BTC", "USDT")));
        assertEquals("BTC-USDT", ids.canonicalId(spot("cryptocom:BTC_USDT", "btc", "usdt")));
        assertEquals("BTC-USD", ids.canonicalId(spot("coinbase:BTC-USD", "BTC", "USD")));
        assertEquals("BTC-USD", ids.canonicalId(spot("bitstamp:btcusd", "BTC", "USD")));
    }

    @Test
    void krakensOwnSpellingsAreTheCommonNames() {
        InstrumentIds ids = InstrumentIds.withoutAliases();
        assertEquals("BTC-USD", ids.canonicalId(spot("kraken:BTC/USD", "XBT", "USD")));
        assertEquals("BTC-USD", ids.canonicalId(spot("kraken:BTC/USD", "XXBT", "ZUSD")));
        assertEquals("DOGE-USD", ids.canonicalId(spot("kraken:DOGE/USD", "XDG", "USD")));
        // Elsewhere XBT is not renamed: it could be another token.
        assertEquals("XBT-USDT", ids.canonicalId(spot("binance:XBTUSDT", "XBT", "USDT")));
    }

    @Test
    void configuredAliasesMergeQuoteAssets() {
        InstrumentIds ids = new InstrumentIds(Map.of("usdc", "usd"));
        assertEquals("BTC-USD", ids.canonicalId(spot("coinbase:BTC-USDC", "BTC", "USDC")));
        assertEquals("BTC-USD", ids.canonicalId(spot("coinbase:BTC-USD", "BTC", "USD")));
        assertEquals("USD", ids.asset(Venue.KRAKEN, "USDC"));
        assertThrows(IllegalArgumentException.class, () -> new InstrumentIds(Map.of("USDC", "US D")));
    }

    @Test
    void onlySpotPairsWithBothAssetsKnownHaveOne() {
        InstrumentIds ids = InstrumentIds.withoutAliases();
        assertNull(ids.canonicalId(MarketMetadata.unknown(MarketKey.parse("binance:BTCUSDT"))));
        assertNull(ids.canonicalId(new MarketMetadata(MarketKey.parse("okx:BTC-USDT-SWAP"), null, null, null, "BTC",
                "USDT", "SWAP", null, null, "live", true, 0, 0, null, 0, 1)));
        assertNull(ids.canonicalId(new MarketMetadata(MarketKey.parse("kalshi:KX-A"), "Will it?", "Yes", "KX", null,
                null, "binary", null, null, "active", true, 0, 0, null, 0, 1)));
        assertNull(ids.canonicalId(spot("binance:BTCUSDT", "", "USDT")));
        assertNull(ids.canonicalId(spot("binance:BTCUSDT", "BTC", null)));
        assertNull(ids.canonicalId(null));
    }

    @Test
    void instrumentIdsAreUrlSegmentsAndKafkaKeys() {
        assertTrue(InstrumentIds.isValid("BTC-USDT"));
        assertTrue(InstrumentIds.isValid("fed-cut_2026.12:yes"));
        assertFalse(InstrumentIds.isValid("BTC/USD"));
        assertFalse(InstrumentIds.isValid("two words"));
        assertFalse(InstrumentIds.isValid(""));
        assertFalse(InstrumentIds.isValid(null));
        assertFalse(InstrumentIds.isValid(".."));
        assertFalse(InstrumentIds.isValid("ÉTÉ"));
        assertFalse(InstrumentIds.isValid("x".repeat(InstrumentIds.MAX_LENGTH + 1)));
        assertTrue(InstrumentIds.isValid("x".repeat(InstrumentIds.MAX_LENGTH)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InstrumentIds.requireValid("BTC/USD"));
        assertTrue(e.getMessage().contains("'/'"), e.getMessage());
    }
}
