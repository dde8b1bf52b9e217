package io.marketmesh.protocol;

import java.math.BigDecimal;
import java.util.List;

/**
 * One instrument across its venues, as {@code GET /api/v1/instruments/{id}} answers it, the {@code summary:<id>}
 * stream channel carries it and {@code marketmesh.summaries} publishes it (keyed by instrument): the best bid and ask
 * over every member book that can be trusted, and each member's own top of book. A stale member is listed with
 * {@code stale: true} and takes no part in {@code bestBid}, {@code bestAsk}, {@code spread} or {@code mid}.
 *
 * @param instrument the instrument's id ({@code BTC-USDT}, or a configured one)
 * @param bestBid    the highest bid over the fresh members (ties: the larger size, then the market id), null when none
 * @param bestAsk    the lowest ask over the fresh members (same ties), null when none
 * @param spread     {@code bestAsk - bestBid}, exact; negative when venues cross; null unless both exist
 * @param mid        {@code (bestBid + bestAsk) / 2}, exact; null unless both exist
 * @param venues     every member, in the instrument's member order
 * @param sequence   this summary's number for the instrument on the node computing it, rising by one per change
 * @param updatedAt  epoch ms of the member change it reflects
 */
public record InstrumentSummary(String instrument, Quote bestBid, Quote bestAsk, @Exact BigDecimal spread,
                                @Exact BigDecimal mid, List<Member> venues, long sequence, long updatedAt) {

    public InstrumentSummary {
        venues = List.copyOf(venues);
    }

    /**
     * One member market's own top of book, in the instrument's terms.
     *
     * @param market      {@code venue:symbol}
     * @param yes         whether the market's YES is the instrument's YES (always true for crypto)
     * @param bestBid     its best bid, null when its bid side is empty or nothing arrived yet
     * @param bestAsk     its best ask, null likewise
     * @param stale       true while its book cannot be trusted (or nothing arrived yet): excluded from the summary
     * @param staleReason why, null when fresh
     * @param updatedAt   epoch ms of its last top-of-book change seen, 0 when none
     */
    public record Member(String market, boolean yes, Quote bestBid, Quote bestAsk, boolean stale, String staleReason,
                         long updatedAt) {
    }
}
