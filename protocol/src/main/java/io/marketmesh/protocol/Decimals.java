package io.marketmesh.protocol;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Exact fixed-point decimals: every price and size in marketmesh is a {@code long} holding the value
 * times 10^8. Parsing is exact or it fails: a number with more than eight fractional digits, or one too
 * large for a long, is rejected rather than rounded, because a silently rounded size is a wrong book.
 */
public final class Decimals {

    /** Number of fractional digits carried by every fixed-point value. */
    public static final int SCALE = 8;
    /** 10^SCALE: the fixed-point representation of 1. */
    public static final long ONE = 100_000_000L;
    /** Marks an absent value (no best bid, no last price) where a primitive long is used. */
    public static final long NONE = Long.MIN_VALUE;

    private static final long MAX_BEFORE_DIGIT = Long.MAX_VALUE / 10;

    private Decimals() {
    }

    /** Parses a plain decimal string such as {@code "0.52"}, {@code ".48"}, {@code "-5.00"} or {@code "65114"}. */
    public static long parse(CharSequence text) {
        return parse(text, 0, text.length());
    }

    /**
     * Parses {@code text[start, end)} as a plain decimal (optional sign, digits, optional fraction; an
     * exponent is accepted only when it keeps the value exact at eight decimals).
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
        long value = 0;
        int fractionDigits = -1;
        boolean anyDigit = false;
        for (; i < end; i++) {
            c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                anyDigit = true;
                if (fractionDigits >= 0) {
                    if (fractionDigits == SCALE) {
                        if (c != '0') {
                            throw new NumberFormatException("more than " + SCALE + " decimals: " + text.subSequence(start, end));
                        }
                        continue;
                    }
                    fractionDigits++;
                }
                if (value > MAX_BEFORE_DIGIT) {
                    throw new NumberFormatException("out of range: " + text.subSequence(start, end));
                }
                value = value * 10 + (c - '0');
                if (value < 0) {
                    throw new NumberFormatException("out of range: " + text.subSequence(start, end));
                }
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
        int scaleUp = SCALE - Math.max(fractionDigits, 0);
        for (int k = 0; k < scaleUp; k++) {
            if (value > MAX_BEFORE_DIGIT) {
                throw new NumberFormatException("out of range: " + text.subSequence(start, end));
            }
            value *= 10;
        }
        if (value < 0) {
            throw new NumberFormatException("out of range: " + text.subSequence(start, end));
        }
        return negative ? -value : value;
    }

    private static long slowParse(String text) {
        try {
            return fromBigDecimal(new BigDecimal(text));
        } catch (ArithmeticException e) {
            throw new NumberFormatException("cannot hold exactly: " + text);
        }
    }

    /** Integer units (for example Kalshi's legacy cents with {@code unitScale = 2}) to fixed point. */
    public static long fromUnits(long units, int unitScale) {
        if (unitScale < 0 || unitScale > SCALE) {
            throw new IllegalArgumentException("unit scale " + unitScale);
        }
        long factor = 1;
        for (int k = unitScale; k < SCALE; k++) {
            factor *= 10;
        }
        return Math.multiplyExact(units, factor);
    }

    /** Exact conversion; fails if the value has more than eight decimals or does not fit. */
    public static long fromBigDecimal(BigDecimal value) {
        return value.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
    }

    public static BigDecimal toBigDecimal(long fixed) {
        return BigDecimal.valueOf(fixed, SCALE).stripTrailingZeros();
    }

    /** Plain decimal text without trailing zeros: 52000000 → {@code "0.52"}, 100 * ONE → {@code "100"}. */
    public static String toString(long fixed) {
        if (fixed == NONE) {
            return null;
        }
        StringBuilder sb = new StringBuilder(24);
        appendTo(sb, fixed);
        return sb.toString();
    }

    /** Appends the plain decimal text of {@code fixed}; allocation-free apart from the builder's growth. */
    public static void appendTo(StringBuilder sb, long fixed) {
        if (fixed < 0) {
            sb.append('-');
            if (fixed == Long.MIN_VALUE) {
                throw new IllegalArgumentException("NONE has no decimal text");
            }
            fixed = -fixed;
        }
        long whole = fixed / ONE;
        long fraction = fixed % ONE;
        sb.append(whole);
        if (fraction != 0) {
            sb.append('.');
            long divisor = ONE / 10;
            while (fraction != 0) {
                long digit = fraction / divisor;
                sb.append((char) ('0' + digit));
                fraction -= digit * divisor;
                divisor /= 10;
            }
        }
    }
}
