package io.marketmesh.protocol;

import java.math.BigDecimal;

/**
 * One step in the life of an arbitrage opportunity: buying on {@code buyMarket} at its ask and selling on
 * {@code sellMarket} at its bid pays after both venues' taker fees. {@code GET /api/v1/arbitrage} lists the open ones,
 * the {@code arbitrage} stream channel and {@code marketmesh.arbitrage} (keyed by instrument) carry every step.
 *
 * @param type          {@code opened}, {@code updated} (prices, profit or size changed) or {@code closed}
 * @param id            {@code instrument/buyMarket/sellMarket#openedAt-n}: unique, the same on every step of one
 *                      opportunity
 * @param instrument    the instrument's id
 * @param buyMarket     where to buy (its ask)
 * @param sellMarket    where to sell (its bid)
 * @param buyPrice      the buy market's best ask, in the instrument's terms
 * @param sellPrice     the sell market's best bid, in the instrument's terms
 * @param buyFee        the buy venue's taker fee rate (0.001 = 0.1 %)
 * @param sellFee       the sell venue's taker fee rate
 * @param profitPercent {@code (sellPrice * (1 - sellFee) - buyPrice * (1 + buyFee)) / (buyPrice * (1 + buyFee)) * 100}
 *                      at the best prices, rounded half-even to {@link #PROFIT_DECIMALS} decimals
 * @param size          how much can be bought and sold at a profit: both books walked level by level (asks up, bids
 *                      down) while the next unit still pays after fees, within the levels the instrument holds
 * @param openedAt      epoch ms the opportunity opened
 * @param updatedAt     epoch ms of this step
 * @param closedAt      epoch ms it closed, 0 while open
 * @param durationMs    how long it lasted ({@code closed}) or has lasted so far
 * @param reason        why it closed: {@code uncrossed}, {@code stale} (a member book can no longer be trusted),
 *                      {@code removed} (the instrument's members changed or it went away; those still paying open
 *                      again under new ids) or {@code moved} (the instrument's actor moved to another node, which
 *                      opens those still paying again); null otherwise
 */
public record ArbitrageEvent(String type, String id, String instrument, String buyMarket, String sellMarket,
                             @Exact BigDecimal buyPrice, @Exact BigDecimal sellPrice, @Exact BigDecimal buyFee,
                             @Exact BigDecimal sellFee, @Exact BigDecimal profitPercent, @Exact BigDecimal size,
                             long openedAt, long updatedAt, long closedAt, long durationMs, String reason) {

    public static final int PROFIT_DECIMALS = 6;
    public static final String OPENED = "opened";
    public static final String UPDATED = "updated";
    public static final String CLOSED = "closed";
}
