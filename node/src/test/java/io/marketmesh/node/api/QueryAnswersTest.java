package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.marketmesh.protocol.BookView;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketState;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The book and market answers, written by the writers the API keeps for them, are byte for byte what
 * {@code ProtocolJson}'s mapper writes for the same values (the JSON clients have always had), with status 200 and
 * {@code application/json}.
 */
class QueryAnswersTest {

    private static final MarketKey MARKET = MarketKey.of(Venue.KRAKEN, "BTC/USD");

    private static long d(String s) {
        return Decimals.parse(s);
    }

    @Test
    void aStaleBookIsWrittenAsTheMapperWritesIt() throws Exception {
        BookView view = new BookView(MARKET,
                List.of(new PriceLevel(d("65000.1"), d("0.5")), new PriceLevel(d("64999"), 0,
                        new BigDecimal("1.123456789012345678901"))),
                List.of(new PriceLevel(d("65001"), d("2"))), true, "a change would take a level below zero",
                MarketStatus.ACTIVE, 12, 400000131, 1795992866619L, 1795992866622L, 1795992865221L, 0);
        assertSameAnswer(view, ApiRoutes.ok(ApiRoutes.BOOK_JSON, view));
    }

    @Test
    void aMarketStateWithTradeAndTickerIsWrittenAsTheMapperWritesIt() throws Exception {
        MarketState state = new MarketState(MARKET, MarketStatus.ACTIVE, false, null, true, d("65000.1"),
                new BigDecimal("0.5"), d("65001"), null, 2, 1, false,
                new Trade(MARKET, "7000059", d("65000.5"), new BigDecimal("0.0001"), Side.BID, 1795992866178L,
                        1795992866179L),
                new Ticker(MARKET, d("65000.1"), new BigDecimal("0.5"), d("65001"), new BigDecimal("2"), Decimals.NONE,
                        null, null, 0, 1795992866830L),
                23, 400000136, 1795992866828L, 1795992866830L, 1795992865221L,
                new MarketState.Counters(1, 22, 7, 0, 0, 0, 0, 0, 0), 0);
        assertSameAnswer(state, ApiRoutes.ok(ApiRoutes.STATE_JSON, state));
    }

    private static void assertSameAnswer(Object value, HttpResponse response) throws Exception {
        assertEquals(200, response.status().intValue());
        assertEquals(ContentTypes.APPLICATION_JSON, response.entity().getContentType());
        byte[] written = ((HttpEntity.Strict) response.entity()).getData().toArray();
        assertArrayEquals(ProtocolJson.mapper().writeValueAsBytes(value), written, new String(written));
    }
}
