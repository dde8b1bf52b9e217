package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.marketmesh.node.api.ApiBodies.MarketRow;
import io.marketmesh.node.catalog.CatalogView;
import io.marketmesh.node.instrument.InstrumentDefinition;
import io.marketmesh.node.instrument.InstrumentsView;
import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/markets}' filters over the followed markets and the catalogue's metadata. */
class MarketQueryTest {

    private static final MarketKey BTC_BINANCE = MarketKey.of(Venue.BINANCE, "BTCUSDT");
    private static final MarketKey BTC_KRAKEN = MarketKey.of(Venue.KRAKEN, "XBT/USD");
    private static final MarketKey RAIN_YES = MarketKey.of(Venue.POLYMARKET, "1234567890");
    private static final MarketKey RAIN_KALSHI = MarketKey.of(Venue.KALSHI, "KXRAIN-26DEC31-T2");
    private static final MarketKey UNKNOWN = MarketKey.of(Venue.KALSHI, "KXNEW-1");

    private final CatalogView catalog = new CatalogView();
    private final InstrumentsView instruments = new InstrumentsView();
    private final Subscriptions.Followed followed = new Subscriptions.Followed(Map.of(
            Venue.BINANCE, Set.of("BTCUSDT"), Venue.KRAKEN, Set.of("XBT/USD"), Venue.POLYMARKET, Set.of("1234567890"),
            Venue.KALSHI, Set.of("KXRAIN-26DEC31-T2", "KXNEW-1")));

    MarketQueryTest() {
        catalog.publish(Map.of(
                BTC_BINANCE, crypto(BTC_BINANCE, "BTC", "USDT", "trading", true),
                BTC_KRAKEN, crypto(BTC_KRAKEN, "XBT", "USD", "online", true),
                RAIN_YES, prediction(RAIN_YES, "Will it rain in Paris on 2026-12-31?", "Yes", "active", true),
                RAIN_KALSHI, prediction(RAIN_KALSHI, "Rain in Paris above 2 mm?", "Yes", "closed", false)));
        instruments.publish(Map.of("PARIS-RAIN", new InstrumentDefinition("PARIS-RAIN", List.of(
                new InstrumentDefinition.Leg(RAIN_YES, true), new InstrumentDefinition.Leg(RAIN_KALSHI, true)),
                InstrumentDefinition.CONFIG)));
    }

    @Test
    void everyWordMustBeginAWordOfTheMarketsTextAnyCase() {
        assertEquals(List.of("binance:BTCUSDT"), markets(query("btc usdt", null, null, null)));
        assertEquals(List.of("kraken:XBT/USD"), markets(query("XBT usd", null, null, null)));
        assertEquals(List.of("kalshi:KXRAIN-26DEC31-T2", "polymarket:1234567890"),
                markets(query("PARIS rain", null, null, null)));
        assertEquals(List.of("polymarket:1234567890"), markets(query("paris 2026", null, null, null)));
        // "ain" is inside "rain" but begins no word; a market without metadata matches by its symbol only.
        assertEquals(List.of(), markets(query("ain", null, null, null)));
        assertEquals(List.of("kalshi:KXNEW-1"), markets(query("kxnew", null, null, null)));
    }

    @Test
    void aLongNumberInASymbolIsFoundOnlyWhole() {
        MarketKey token = MarketKey.of(Venue.POLYMARKET, "21742633143463906290569050155826241533067272736897614950488156847949938836455");
        CatalogView withToken = new CatalogView();
        withToken.publish(Map.of(token, prediction(token, "Simulated question 5?", "Yes", "active", true)));
        Subscriptions.Followed one = new Subscriptions.Followed(Map.of(Venue.POLYMARKET, Set.of(token.symbol())));
        assertEquals(List.of(), query("question 2", null, null, null).apply(one, withToken, instruments),
                "a 2 at the start of a token id is not the word 2");
        assertEquals(List.of(token.id()), query(token.symbol(), null, null, null).apply(one, withToken, instruments)
                .stream().map(MarketRow::market).toList());
    }

    @Test
    void statusVenueAndInstrumentNarrowTheList() {
        assertEquals(List.of("kalshi:KXRAIN-26DEC31-T2"), markets(query(null, null, "closed", null)));
        assertEquals(4, markets(query(null, null, "open", null)).size(), "unknown metadata counts as open");
        assertEquals(List.of("binance:BTCUSDT"), markets(query(null, null, "TRADING", null)));
        assertEquals(List.of("kalshi:KXNEW-1", "kalshi:KXRAIN-26DEC31-T2"), markets(query(null, "kalshi", null, null)));
        assertEquals(List.of("kalshi:KXRAIN-26DEC31-T2", "polymarket:1234567890"),
                markets(query(null, null, null, "PARIS-RAIN")));
        assertEquals(List.of("polymarket:1234567890"), markets(query("rain", null, "open", "PARIS-RAIN")));
        List<MarketRow> rows = query(null, null, null, "PARIS-RAIN").apply(followed, catalog, instruments);
        assertEquals(List.of("PARIS-RAIN"), rows.get(0).instruments());
    }

    @Test
    void badValuesAreRefused() {
        assertEquals(400, assertThrows(ApiError.class, () -> query(" ", null, null, null)).status);
        assertEquals(400, assertThrows(ApiError.class, () -> query("!?", null, null, null)).status);
        assertEquals(400, assertThrows(ApiError.class, () -> query("x".repeat(257), null, null, null)).status);
        assertEquals(400, assertThrows(ApiError.class, () -> query(null, null, "no such", null)).status);
        assertEquals(400, assertThrows(ApiError.class, () -> query(null, null, null, " ")).status);
        assertEquals(404, assertThrows(ApiError.class, () -> query(null, null, null, "NOPE")).status);
        assertEquals(404, assertThrows(ApiError.class, () -> query(null, "nowhere", null, null)).status);
    }

    private MarketQuery query(String q, String venue, String status, String instrument) {
        return MarketQuery.parse(Optional.ofNullable(q), Optional.ofNullable(venue), Optional.ofNullable(status),
                Optional.ofNullable(instrument), instruments);
    }

    private List<String> markets(MarketQuery query) {
        return query.apply(followed, catalog, instruments).stream().map(MarketRow::market).toList();
    }

    private static MarketMetadata crypto(MarketKey key, String base, String quote, String status, boolean active) {
        return new MarketMetadata(key, null, null, null, base, quote, "spot", new BigDecimal("0.01"),
                new BigDecimal("0.00001"), status, active, 0, 0, null, active ? 0 : 1, 1);
    }

    private static MarketMetadata prediction(MarketKey key, String title, String outcome, String status, boolean active) {
        return new MarketMetadata(key, title, outcome, "EVENT", null, null, "binary", new BigDecimal("0.01"),
                BigDecimal.ONE, status, active, 0, 0, null, active ? 0 : 1, 1);
    }
}
