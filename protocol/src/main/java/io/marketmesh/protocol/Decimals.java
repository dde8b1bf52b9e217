package io.marketmesh.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Exact decimals in one {@code long}: every price and size in marketmesh is a decimal floating-point number with
 * 17 significant digits and an exponent, packed so that comparing two of them as plain {@code long}s compares their
 * values. {@code a < b}, {@code a == b}, {@code a > 0}, {@code Long.compare} and sorted primitive arrays all work
 * on them directly, and nothing is allocated. Parsing is exact or it fails: a number with more than 17 significant
 * digits, or outside 10^-18 .. 10^46, is refused rather than rounded, because a silently rounded size is a wrong
 * book.
 *
 * <p>Why not a fixed point: one scale cannot serve every instrument. A memecoin's price has ten decimals, its
 * 24-hour volume is in the trillions, a bitcoin size has eight decimals, and a long holds 19 digits. Here each value
 * carries its own exponent: {@code 0.0000001234} and {@code 10000000000000} are both exact.
 *
 * <p>Layout of a non-zero value v = c × 10^q with c normalized to 17 digits (10^16 ≤ c &lt; 10^17): the magnitude
 * is {@code (q + 34) << 57 | c}, non-negative and rising with |v|; a negative value is the negated magnitude. Zero is
 * {@code 0L}. Each value has exactly one encoding, so {@code ==} is equality. {@link #NONE} ({@code Long.MIN_VALUE})
 * is never the encoding of a number. Arithmetic goes through {@link #add}, {@link #subtract} and {@link #negate},
 * never {@code +}/{@code -} on the encodings.
 */
public final class Decimals {

    /** Marks an absent value (no best bid, no last price) where a primitive long is used. */
    public static final long NONE = Long.MIN_VALUE;
    /** Significant digits every value keeps exactly. */
    public static final int DIGITS = 17;
    /** Most decimals a value may have (its smallest unit is 10^-MAX_DECIMALS). */
    public static final int MAX_DECIMALS = 18;

    private static final int MANTISSA_BITS = 57;
    private static final long MANTISSA_MASK = (1L << MANTISSA_BITS) - 1;
    /** Exponent of a value's last kept digit ranges over [MIN_EXPONENT, MIN_EXPONENT + 63]. */
    private static final int MIN_EXPONENT = -MAX_DECIMALS - (DIGITS - 1);
    private static final int MAX_EXPONENT = MIN_EXPONENT + 63;
    private static final long[] POW10 = new long[19];
    private static final long MIN_MANTISSA;
    private static final long MAX_MANTISSA;
    /** 10^0 .. 10^64 as doubles (exact up to 10^22, correctly rounded above) for {@link #toDouble}. */
    private static final double[] DOUBLE_POW10 = new double[65];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
        for (int i = 0; i < DOUBLE_POW10.length; i++) {
            DOUBLE_POW10[i] = Double.parseDouble("1e" + i);
        }
        MIN_MANTISSA = POW10[DIGITS - 1];
        MAX_MANTISSA = POW10[DIGITS] - 1;
    }

    /** The value 1. */
    public static final long ONE = of(1, 0);

    private Decimals() {
    }

    // ---- making values ------------------------------------------------------------------------------------------

    /**
     * {@code unscaled × 10^-scale}, e.g. {@code of(54, 2)} = 0.54 and {@code of(300, 0)} = 300: integer units (cents,
     * satoshis) to a decimal.
     */
    public static long of(long unscaled, int scale) {
        return normalize(unscaled, -scale);
    }

    /** Parses a plain decimal string such as {@code "0.52"}, {@code ".48"}, {@code "-5.00"} or {@code "65114"}. */
    public static long parse(CharSequence text) {
        return parse(text, 0, text.length());
    }

    /**
     * Parses {@code text[start, end)} as a plain decimal (optional sign, digits, optional fraction; an exponent is
     * accepted when the value stays exact). Trailing zeros are free: {@code "0.35130000"} has 4 significant digits.
     *
     * @throws NumberFormatException when the text is not a number or cannot be held exactly
     */
    public static long parse(CharSequence text, int start, int end) {
        if (start >= end) {
            throw new NumberFormatException("empty decimal");
        }
        int i = start;
        boolean negative = false;
        char c = text.charAt(i);
        if (c == '-' || c == '+') {
            negative = c == '-';
            i++;
        }
        long digits = 0;
        int significant = 0;
        // Zeros after the last non-zero digit, not yet multiplied in: trailing zeros never cost a digit.
        int pendingZeros = 0;
        int fractionDigits = -1;
        boolean anyDigit = false;
        for (; i < end; i++) {
            c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                anyDigit = true;
                if (fractionDigits >= 0) {
                    fractionDigits++;
                }
                if (c == '0') {
                    if (significant > 0) {
                        pendingZeros++;
                    }
                    continue;
                }
                int needed = significant + pendingZeros + 1;
                if (needed > DIGITS) {
                    throw new NumberFormatException("more than " + DIGITS + " significant digits: "
                            + text.subSequence(start, end));
                }
                digits = digits * POW10[pendingZeros + 1] + (c - '0');
                significant = needed;
                pendingZeros = 0;
            } else if (c == '.' && fractionDigits < 0) {
                fractionDigits = 0;
            } else if (c == 'e' || c == 'E') {
                return slowParse(text.subSequence(start, end).toString());
            } else {
                throw new NumberFormatException("not a decimal: " + text.subSequence(start, end));
            }
        }
        if (!anyDigit) {
            throw new NumberFormatException("not a decimal: " + text.subSequence(start, end));
        }
        if (digits == 0) {
            return 0;
        }
        int exponent = pendingZeros - Math.max(fractionDigits, 0) - (DIGITS - significant);
        if (exponent < MIN_EXPONENT || exponent > MAX_EXPONENT) {
            throw new NumberFormatException("out of range (at most " + MAX_DECIMALS + " decimals): "
                    + text.subSequence(start, end));
        }
        long magnitude = encode(digits * POW10[DIGITS - significant], exponent);
        return negative ? -magnitude : magnitude;
    }

    private static long slowParse(String text) {
        requireAscii(text);
        try {
            return fromBigDecimal(new BigDecimal(text));
        } catch (ArithmeticException e) {
            throw new NumberFormatException("cannot hold exactly: " + text);
        }
    }

    /**
     * Parses decimal text of any width exactly, for totals that may outgrow 17 digits (see {@link Exact}).
     *
     * @throws NumberFormatException when the text is not a plain ASCII decimal (an exponent is allowed)
     */
    public static BigDecimal parseWide(CharSequence text) {
        String s = text.toString();
        requireAscii(s);
        return new BigDecimal(s);
    }

    /** BigDecimal would also take other scripts' digits; a venue's number is ASCII. */
    private static void requireAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
                throw new NumberFormatException("not a decimal: " + text);
            }
        }
    }

    /** Exact conversion; fails with {@link ArithmeticException} if the value has too many digits or is out of range. */
    public static long fromBigDecimal(BigDecimal value) {
        if (value.signum() == 0) {
            return 0;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        BigInteger unscaled = stripped.unscaledValue();
        if (unscaled.abs().compareTo(BigInteger.valueOf(MAX_MANTISSA)) > 0) {
            throw new ArithmeticException("more than " + DIGITS + " significant digits: " + value.toPlainString());
        }
        return normalize(unscaled.longValue(), -stripped.scale());
    }

    // ---- reading values -----------------------------------------------------------------------------------------

    public static BigDecimal toBigDecimal(long value) {
        requireNumber(value);
        if (value == 0) {
            return BigDecimal.ZERO;
        }
        long magnitude = Math.abs(value);
        long mantissa = magnitude & MANTISSA_MASK;
        BigDecimal exact = BigDecimal.valueOf(value < 0 ? -mantissa : mantissa, -exponentOf(magnitude)).stripTrailingZeros();
        // No trailing fraction zeros, and no negative scale: 351970 stays 351970, not 3.5197E+5.
        return exact.scale() < 0 ? exact.setScale(0) : exact;
    }

    /**
     * The nearest double, within a few units in the last place (relative error below 10^-15): for cheap pre-checks
     * whose close calls are then decided exactly, never for output. Allocation-free.
     */
    public static double toDouble(long value) {
        requireNumber(value);
        if (value == 0) {
            return 0.0;
        }
        long magnitude = Math.abs(value);
        double mantissa = magnitude & MANTISSA_MASK;
        int exponent = exponentOf(magnitude);
        double result = exponent >= 0 ? mantissa * DOUBLE_POW10[exponent] : mantissa / DOUBLE_POW10[-exponent];
        return value < 0 ? -result : result;
    }

    /**
     * The value as an integer count of {@code 10^-scale} units, exactly: {@code toUnits(0.54, 2)} = 54.
     *
     * @throws ArithmeticException when the value has more decimals than {@code scale} or the count does not fit
     */
    public static long toUnits(long value, int scale) {
        return toUnits(value, scale, false);
    }

    /** As {@link #toUnits(long, int)}, dropping any finer digits (towards zero): for timestamps, never for books. */
    public static long toUnitsTruncated(long value, int scale) {
        return toUnits(value, scale, true);
    }

    private static long toUnits(long value, int scale, boolean truncate) {
        requireNumber(value);
        if (value == 0) {
            return 0;
        }
        long magnitude = Math.abs(value);
        long mantissa = magnitude & MANTISSA_MASK;
        int shift = exponentOf(magnitude) + scale;
        long units;
        if (shift >= 0) {
            if (shift >= POW10.length) {
                throw new ArithmeticException("does not fit in " + scale + "-decimal units: " + toString(value));
            }
            units = Math.multiplyExact(mantissa, POW10[shift]);
        } else if (-shift >= POW10.length) {
            if (!truncate) {
                throw new ArithmeticException("more than " + scale + " decimals: " + toString(value));
            }
            units = 0;
        } else {
            long divisor = POW10[-shift];
            if (!truncate && mantissa % divisor != 0) {
                throw new ArithmeticException("more than " + scale + " decimals: " + toString(value));
            }
            units = mantissa / divisor;
        }
        return value < 0 ? -units : units;
    }

    /** Digits after the decimal point in the value's shortest plain text: 0.5 → 1, 100 → 0, 0.0001 → 4. */
    public static int decimals(long value) {
        requireNumber(value);
        if (value == 0) {
            return 0;
        }
        long magnitude = Math.abs(value);
        int exponent = exponentOf(magnitude);
        return Math.max(0, -(exponent + fractionZeros(magnitude & MANTISSA_MASK, exponent)));
    }

    /** Plain decimal text without trailing zeros: 0.52 → {@code "0.52"}, 100 → {@code "100"}; {@link #NONE} → null. */
    public static String toString(long value) {
        if (value == NONE) {
            return null;
        }
        StringBuilder sb = new StringBuilder(24);
        appendTo(sb, value);
        return sb.toString();
    }

    /** Plain text of a decimal of any width, without trailing zeros: {@code 1127313210.00855204}, never {@code 1E+3}. */
    public static String toString(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    /** Appends the plain decimal text of {@code value}; allocation-free apart from the builder's growth. */
    public static void appendTo(StringBuilder sb, long value) {
        requireNumber(value);
        if (value == 0) {
            sb.append('0');
            return;
        }
        if (value < 0) {
            sb.append('-');
        }
        long magnitude = Math.abs(value);
        long mantissa = magnitude & MANTISSA_MASK;
        int exponent = exponentOf(magnitude);
        int zeros = fractionZeros(mantissa, exponent);
        mantissa /= POW10[zeros];
        exponent += zeros;
        int length = digitCount(mantissa);
        if (exponent >= 0) {
            sb.append(mantissa);
            for (int k = 0; k < exponent; k++) {
                sb.append('0');
            }
            return;
        }
        int point = length + exponent;
        if (point <= 0) {
            sb.append("0.");
            for (int k = point; k < 0; k++) {
                sb.append('0');
            }
            sb.append(mantissa);
            return;
        }
        long high = mantissa / POW10[-exponent];
        long low = mantissa % POW10[-exponent];
        sb.append(high).append('.');
        for (int k = digitCount(low); k < -exponent; k++) {
            sb.append('0');
        }
        sb.append(low);
    }

    // ---- arithmetic ---------------------------------------------------------------------------------------------

    /** {@code a + b}, exactly. @throws ArithmeticException when the sum needs more than 17 significant digits */
    public static long add(long a, long b) {
        requireNumber(a);
        requireNumber(b);
        if (a == 0) {
            return b;
        }
        if (b == 0) {
            return a;
        }
        long ma = Math.abs(a);
        long mb = Math.abs(b);
        long ca = a < 0 ? -(ma & MANTISSA_MASK) : ma & MANTISSA_MASK;
        long cb = b < 0 ? -(mb & MANTISSA_MASK) : mb & MANTISSA_MASK;
        int ea = exponentOf(ma);
        int eb = exponentOf(mb);
        if (ea == eb) {
            return normalize(ca + cb, ea);
        }
        int high = Math.max(ea, eb);
        int low = Math.min(ea, eb);
        int d = high - low;
        long cHigh = ea > eb ? ca : cb;
        long cLow = ea > eb ? cb : ca;
        if (d < POW10.length) {
            // Usually the finer value's low digits are zeros (a size of 1420 and a change of -0.05): drop them and add
            // at the coarser exponent; both mantissas then fit a long with room to spare.
            long p = POW10[d];
            long shifted = cLow / p;
            if (shifted * p == cLow) {
                return normalize(cHigh + shifted, high);
            }
            // Otherwise align to the finer exponent: the coarser mantissa grows by 10^d, if a long holds it.
            long hi = Math.multiplyHigh(cHigh, p);
            long scaled = cHigh * p;
            if (hi == (scaled >> 63)) {
                long sum = scaled + cLow;
                if (((scaled ^ sum) & (cLow ^ sum)) >= 0) {
                    return normalize(sum, low);
                }
            }
        }
        return fromBigDecimal(toBigDecimal(a).add(toBigDecimal(b)));
    }

    /** {@code a - b}, exactly. */
    public static long subtract(long a, long b) {
        return add(a, negate(b));
    }

    public static long negate(long a) {
        requireNumber(a);
        return -a;
    }

    /** {@code value × 10^n}, exactly (only the exponent moves): cents to dollars is {@code scaleByPowerOfTen(c, -2)}. */
    public static long scaleByPowerOfTen(long value, int n) {
        requireNumber(value);
        if (value == 0) {
            return 0;
        }
        long magnitude = Math.abs(value);
        int exponent = exponentOf(magnitude) + n;
        if (exponent < MIN_EXPONENT || exponent > MAX_EXPONENT) {
            throw new ArithmeticException("out of range (at most " + MAX_DECIMALS + " decimals): "
                    + toBigDecimal(value).scaleByPowerOfTen(n).toPlainString());
        }
        long scaled = encode(magnitude & MANTISSA_MASK, exponent);
        return value < 0 ? -scaled : scaled;
    }

    // ---- encoding -----------------------------------------------------------------------------------------------

    /** {@code value × 10^exponent} for any long {@code value}, normalized to 17 digits or refused. */
    private static long normalize(long value, int exponent) {
        if (value == 0) {
            return 0;
        }
        if (value == Long.MIN_VALUE) {
            return fromBigDecimal(BigDecimal.valueOf(value).scaleByPowerOfTen(exponent));
        }
        boolean negative = value < 0;
        long mantissa = Math.abs(value);
        int length = digitCount(mantissa);
        if (length < DIGITS) {
            mantissa *= POW10[DIGITS - length];
            exponent -= DIGITS - length;
        } else if (length > DIGITS) {
            int drop = length - DIGITS;
            long divisor = POW10[drop];
            // A sum is one or two digits too long: dividing by a constant lets the JIT multiply instead of divide.
            long quotient = drop == 1 ? mantissa / 10 : drop == 2 ? mantissa / 100 : mantissa / divisor;
            if (quotient * divisor != mantissa) {
                throw new ArithmeticException("more than " + DIGITS + " significant digits: "
                        + BigDecimal.valueOf(value).scaleByPowerOfTen(exponent).toPlainString());
            }
            mantissa = quotient;
            exponent += length - DIGITS;
        }
        if (exponent < MIN_EXPONENT || exponent > MAX_EXPONENT) {
            throw new ArithmeticException("out of range (at most " + MAX_DECIMALS + " decimals): "
                    + BigDecimal.valueOf(value).scaleByPowerOfTen(exponent).toPlainString());
        }
        long magnitude = encode(mantissa, exponent);
        return negative ? -magnitude : magnitude;
    }

    private static long encode(long mantissa, int exponent) {
        assert mantissa >= MIN_MANTISSA && mantissa <= MAX_MANTISSA;
        return ((long) (exponent - MIN_EXPONENT) << MANTISSA_BITS) | mantissa;
    }

    /** Trailing zeros of {@code mantissa} that sit after the decimal point (so printing can drop them). */
    private static int fractionZeros(long mantissa, int exponent) {
        // At most -exponent of them count. Binary steps with constant divisors (which the JIT turns into
        // multiplications): five tests instead of up to sixteen divisions, on the path of every number printed.
        int max = -exponent;
        if (max <= 0) {
            return 0;
        }
        int zeros = 0;
        if (max >= 16 && mantissa % 10_000_000_000_000_000L == 0) {
            mantissa /= 10_000_000_000_000_000L;
            zeros = 16;
        }
        if (max - zeros >= 8 && mantissa % 100_000_000L == 0) {
            mantissa /= 100_000_000L;
            zeros += 8;
        }
        if (max - zeros >= 4 && mantissa % 10_000L == 0) {
            mantissa /= 10_000L;
            zeros += 4;
        }
        if (max - zeros >= 2 && mantissa % 100L == 0) {
            mantissa /= 100L;
            zeros += 2;
        }
        if (max - zeros >= 1 && mantissa % 10L == 0) {
            zeros += 1;
        }
        return zeros;
    }

    private static int exponentOf(long magnitude) {
        return (int) (magnitude >>> MANTISSA_BITS) + MIN_EXPONENT;
    }

    /** Decimal digits of a positive long: log10 estimated from its bit length, corrected by one comparison. */
    private static int digitCount(long positive) {
        int guess = ((64 - Long.numberOfLeadingZeros(positive)) * 1233) >>> 12;
        return guess < POW10.length && positive >= POW10[guess] ? guess + 1 : guess;
    }

    private static void requireNumber(long value) {
        if (value == NONE) {
            throw new IllegalArgumentException("NONE is not a number");
        }
    }
}
