package io.marketmesh.protocol;

import java.math.BigDecimal;
import java.util.List;

/**
 * The top levels of every fresh member book of an instrument merged into one ladder, as
 * {@code GET /api/v1/instruments/{id}/book?depth=N} answers it: bids highest first, asks lowest first, each level tagged
 * with its market (two markets at one price are two levels, the larger size first, then by market id). Stale members
 * are left out and named in {@code staleMarkets}.
 */
public record ConsolidatedBook(String instrument, int depth, List<Level> bids, List<Level> asks,
                               List<String> staleMarkets, long updatedAt) {

    public ConsolidatedBook {
        bids = List.copyOf(bids);
        asks = List.copyOf(asks);
        staleMarkets = List.copyOf(staleMarkets);
    }

    /** One level of one market, in the instrument's terms. */
    public record Level(@Exact BigDecimal price, @Exact BigDecimal size, String market) {
    }
}
