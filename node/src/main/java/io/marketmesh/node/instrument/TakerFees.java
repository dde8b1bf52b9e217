package io.marketmesh.node.instrument;

import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.WideSizes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * Each leg's taker fee, and the one question arbitrage asks of it: does selling at {@code bid} on one leg and buying
 * at {@code ask} on another pay after both fees, {@code bid * (1 - sellFee) > ask * (1 + buyFee)}? The answer must
 * be exact (a rounded "yes" at the boundary would publish an opportunity that loses money), and cheap, since it is
 * asked for every level pair a walk visits. Without fees it is one comparison of two {@link Decimals} longs. With fees
 * a double pre-check decides every case whose two sides differ by more than 10^-12 relative (the doubles are within
 * about 10^-15 of the truth, so such a decision cannot be wrong), and the few close calls are decided with exact
 * {@link BigDecimal} products.
 */
final class TakerFees {

    /** Relative gap under which the double pre-check does not trust itself; its own error is below 10^-15. */
    private static final double CLOSE_CALL = 1e-12;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final BigDecimal[] rates;
    /** {@code 1 - fee}: what a sale keeps. */
    private final BigDecimal[] sellFactors;
    /** {@code 1 + fee}: what a purchase costs. */
    private final BigDecimal[] buyFactors;
    private final double[] sellFactorsApprox;
    private final double[] buyFactorsApprox;
    private final boolean[] free;
    /** How many decisions needed the exact comparison (tests prove the boundary goes through it). */
    private long exactDecisions;

    /**
     * @param rates one taker fee rate per leg (0.001 = 0.1 %), null for none; each in [0, 1)
     */
    TakerFees(List<BigDecimal> rates) {
        int legs = rates.size();
        this.rates = new BigDecimal[legs];
        this.sellFactors = new BigDecimal[legs];
        this.buyFactors = new BigDecimal[legs];
        this.sellFactorsApprox = new double[legs];
        this.buyFactorsApprox = new double[legs];
        this.free = new boolean[legs];
        for (int leg = 0; leg < legs; leg++) {
            BigDecimal rate = rates.get(leg) == null ? BigDecimal.ZERO : WideSizes.normalize(rates.get(leg));
            if (rate.signum() < 0 || rate.compareTo(BigDecimal.ONE) >= 0) {
                throw new IllegalArgumentException("a taker fee rate is in [0, 1), got " + rate.toPlainString());
            }
            this.rates[leg] = rate;
            sellFactors[leg] = BigDecimal.ONE.subtract(rate);
            buyFactors[leg] = BigDecimal.ONE.add(rate);
            sellFactorsApprox[leg] = sellFactors[leg].doubleValue();
            buyFactorsApprox[leg] = buyFactors[leg].doubleValue();
            free[leg] = rate.signum() == 0;
        }
    }

    BigDecimal rate(int leg) {
        return rates[leg];
    }

    /** Whether selling at {@code bid} on {@code sellLeg} and buying at {@code ask} on {@code buyLeg} pays, exactly. */
    boolean pays(int buyLeg, long ask, int sellLeg, long bid) {
        if (free[buyLeg] && free[sellLeg]) {
            return bid > ask;
        }
        double proceeds = Decimals.toDouble(bid) * sellFactorsApprox[sellLeg];
        double cost = Decimals.toDouble(ask) * buyFactorsApprox[buyLeg];
        double gap = proceeds - cost;
        double closeCall = CLOSE_CALL * (Math.abs(proceeds) + Math.abs(cost));
        if (gap > closeCall) {
            return true;
        }
        if (gap < -closeCall) {
            return false;
        }
        exactDecisions++;
        return exactProceeds(sellLeg, bid).compareTo(exactCost(buyLeg, ask)) > 0;
    }

    /**
     * {@code (bid * (1 - sellFee) - ask * (1 + buyFee)) / (ask * (1 + buyFee)) * 100}, rounded half-even to
     * {@link ArbitrageEvent#PROFIT_DECIMALS} decimals (exactly: the division rounds the true quotient once), without
     * trailing zeros. {@code ask} must be positive.
     */
    BigDecimal profitPercent(int buyLeg, long ask, int sellLeg, long bid) {
        BigDecimal cost = exactCost(buyLeg, ask);
        BigDecimal gain = exactProceeds(sellLeg, bid).subtract(cost).multiply(HUNDRED);
        return WideSizes.normalize(gain.divide(cost, ArbitrageEvent.PROFIT_DECIMALS, RoundingMode.HALF_EVEN));
    }

    long exactDecisions() {
        return exactDecisions;
    }

    private BigDecimal exactProceeds(int sellLeg, long bid) {
        return Decimals.toBigDecimal(bid).multiply(sellFactors[sellLeg]);
    }

    private BigDecimal exactCost(int buyLeg, long ask) {
        return Decimals.toBigDecimal(ask).multiply(buyFactors[buyLeg]);
    }
}
