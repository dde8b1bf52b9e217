package io.marketmesh.protocol;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Sizes wider than one {@link Decimals} long holds. A long keeps 17 significant digits; a venue that writes eight
 * decimals on a book of a micro-priced token sends sizes like {@code 123456789012.12345678} (20 digits). Such a size
 * travels as an exact {@link BigDecimal} beside its 17-digit rounding: the rounding keeps signs, zero tests and
 * ordering right for code that only compares, and everything that outputs or checks a size (JSON, checksums, the
 * book's levels) uses the exact value. Rare by nature, so the common path pays one null check.
 */
public final class WideSizes {

    private static final MathContext SEVENTEEN_DIGITS = new MathContext(Decimals.DIGITS, RoundingMode.HALF_EVEN);

    private WideSizes() {
    }

    /**
     * Exact decimal text of any width.
     *
     * @throws NumberFormatException when it is not a plain ASCII decimal
     */
    public static BigDecimal parse(CharSequence text) {
        return normalize(Decimals.parseWide(text));
    }

    /** Without trailing zeros (so equal sizes are equal records) and never with a negative scale. */
    public static BigDecimal normalize(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** The value normalized when a {@link Decimals} long cannot hold it exactly; null when one can. */
    public static BigDecimal exactIfWide(BigDecimal value) {
        return fits(value) ? null : normalize(value);
    }

    /** Whether a {@link Decimals} long holds it exactly. */
    public static boolean fits(BigDecimal value) {
        try {
            Decimals.fromBigDecimal(value);
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /**
     * The nearest {@link Decimals} long (exact when it {@link #fits}).
     *
     * @throws NumberFormatException when even the rounding is outside the range of {@link Decimals}
     */
    public static long approximate(BigDecimal value) {
        try {
            return Decimals.fromBigDecimal(value.round(SEVENTEEN_DIGITS));
        } catch (ArithmeticException e) {
            throw new NumberFormatException("size out of range: " + value.toPlainString());
        }
    }
}
