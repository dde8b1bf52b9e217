package io.marketmesh.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Decimals} against {@link BigDecimal} over many random values of every size and sign: parsing, ordering,
 * unique encodings, arithmetic, units and scaling are exact where the value fits 17 significant digits in
 * 10^-18 .. 10^46, and refused (never rounded) where it does not.
 */
class DecimalsPropertyTest {

    static final BigDecimal MIN = new BigDecimal("1e-18");
    static final BigDecimal MAX = new BigDecimal("99999999999999999e29");

    static boolean representable(BigDecimal v) {
        if (v.signum() == 0) return true;
        BigDecimal s = v.stripTrailingZeros();
        if (s.precision() > 17) return false;
        BigDecimal a = s.abs();
        return a.compareTo(MIN) >= 0 && a.compareTo(MAX) <= 0;
    }

    static BigDecimal random(Random r) {
        int digits = 1 + r.nextInt(17);
        long m = 0;
        for (int i = 0; i < digits; i++) m = m * 10 + r.nextInt(10);
        if (r.nextInt(10) == 0) m = 0;
        int scale = r.nextInt(70) - 35;
        BigDecimal v = BigDecimal.valueOf(r.nextBoolean() ? -m : m, scale);
        return v;
    }

    @Test
    void roundTripOrderingAndUniqueness() {
        Random r = new Random(1);
        List<BigDecimal> vals = new ArrayList<>();
        List<Long> enc = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            BigDecimal v = random(r);
            String text = r.nextBoolean() ? v.toPlainString() : v.toString();
            boolean ok = representable(v);
            long e;
            try {
                e = Decimals.parse(text);
            } catch (NumberFormatException ex) {
                assertFalse(ok, "refused representable " + text + ": " + ex);
                continue;
            }
            assertTrue(ok, "accepted unrepresentable " + text);
            assertNotEquals(Decimals.NONE, e);
            assertEquals(0, v.compareTo(Decimals.toBigDecimal(e)), text);
            assertEquals(0, v.compareTo(new BigDecimal(Decimals.toString(e))), text);
            // unique: of() / fromBigDecimal agree
            assertEquals(e, Decimals.fromBigDecimal(v), text);
            vals.add(v);
            enc.add(e);
        }
        for (int i = 0; i + 1 < vals.size(); i++) {
            int c = vals.get(i).compareTo(vals.get(i + 1));
            int d = Long.compare(enc.get(i), enc.get(i + 1));
            assertEquals(Integer.signum(c), Integer.signum(d), vals.get(i) + " vs " + vals.get(i + 1));
            if (c == 0) assertEquals(enc.get(i), enc.get(i + 1));
        }
    }

    @Test
    void addSubtractExactOrRefused() {
        Random r = new Random(2);
        for (int i = 0; i < 60_000; i++) {
            BigDecimal a = random(r), b = random(r);
            if (r.nextInt(4) == 0) b = a.add(BigDecimal.valueOf(r.nextInt(100) - 50, r.nextInt(20))); // close values
            if (!representable(a) || !representable(b)) continue;
            long ea = Decimals.fromBigDecimal(a), eb = Decimals.fromBigDecimal(b);
            BigDecimal sum = a.add(b), diff = a.subtract(b);
            check(sum, () -> Decimals.add(ea, eb), a + "+" + b);
            check(diff, () -> Decimals.subtract(ea, eb), a + "-" + b);
        }
    }

    interface L { long get(); }

    static void check(BigDecimal expected, L f, String what) {
        long got;
        try {
            got = f.get();
        } catch (ArithmeticException ex) {
            assertFalse(representable(expected), "refused representable " + what + " = " + expected.toPlainString() + ": " + ex);
            return;
        }
        assertTrue(representable(expected), "accepted unrepresentable " + what);
        assertEquals(0, expected.compareTo(Decimals.toBigDecimal(got)), what);
        assertEquals(Decimals.fromBigDecimal(expected), got, what);
    }

    @Test
    void toUnitsMatchesBigDecimal() {
        Random r = new Random(3);
        for (int i = 0; i < 40_000; i++) {
            BigDecimal v = random(r);
            if (!representable(v)) continue;
            long e = Decimals.fromBigDecimal(v);
            int scale = r.nextInt(40) - 10;
            BigDecimal units = v.scaleByPowerOfTen(scale);
            Long expected;
            try { expected = units.longValueExact(); } catch (ArithmeticException ex) { expected = null; }
            Long got;
            try { got = Decimals.toUnits(e, scale); } catch (ArithmeticException ex) { got = null; }
            assertEquals(expected, got, v + " @" + scale);
            BigDecimal trunc = units.setScale(0, java.math.RoundingMode.DOWN);
            Long et;
            try { et = trunc.longValueExact(); } catch (ArithmeticException ex) { et = null; }
            Long gt;
            try { gt = Decimals.toUnitsTruncated(e, scale); } catch (ArithmeticException ex) { gt = null; }
            assertEquals(et, gt, "trunc " + v + " @" + scale);
        }
    }

    @Test
    void scaleAndOf() {
        Random r = new Random(4);
        for (int i = 0; i < 40_000; i++) {
            BigDecimal v = random(r);
            if (!representable(v)) continue;
            long e = Decimals.fromBigDecimal(v);
            int n = r.nextInt(80) - 40;
            BigDecimal exp = v.scaleByPowerOfTen(n);
            check(exp, () -> Decimals.scaleByPowerOfTen(e, n), v + "e" + n);
            long unscaled = r.nextLong() >> r.nextInt(64);
            int sc = r.nextInt(80) - 40;
            check(BigDecimal.valueOf(unscaled, sc), () -> Decimals.of(unscaled, sc), unscaled + "@" + sc);
        }
        check(BigDecimal.valueOf(Long.MIN_VALUE), () -> Decimals.of(Long.MIN_VALUE, 0), "min");
        check(BigDecimal.valueOf(Long.MAX_VALUE), () -> Decimals.of(Long.MAX_VALUE, 0), "max");
        check(BigDecimal.valueOf(Long.MIN_VALUE+8, 0), () -> Decimals.of(Long.MIN_VALUE+8, 0), "min+8");
        check(new BigDecimal("-9223372036854775800"), () -> Decimals.of(-9223372036854775800L, 0), "x");
    }

    @Test
    void parseEdgeCases() {
        String[] ok = {"-0", "+0", "0", ".5", "5.", "-.5", "+1", "1e-3", "1E3", "00000123.4500000", "-0.0",
                "123456789012345670000", "1234567890123456700.000", "0.000000000000000001", "1e-18", "9.9999999999999999e45",
                "1e46", "0e99999", "100000000000000000000000000000000000000000000000e-40", "0.0000000000000000010"};
        for (String s : ok) {
            BigDecimal bd = new BigDecimal(s.equals(".5")||s.equals("-.5")? s.replace(".", "0.") : s.endsWith(".") ? s + "0" : s);
            long e;
            try { e = Decimals.parse(s); } catch (NumberFormatException ex) {
                assertFalse(representable(bd), s + " refused: " + ex); continue; }
            assertEquals(0, bd.compareTo(Decimals.toBigDecimal(e)), s);
        }
        String[] bad = {"", "-", "+", ".", "-.", "e5", "1e", "1e+", "--1", "+-1", "1.2.3", " 1", "1 ", "0x10",
                "Infinity", "NaN", "1e2147483648", "1e-2147483648", "1234567890123456789", "1e47", "1e-19", "1,5", "٣"};
        for (String s : bad) {
            assertThrows(NumberFormatException.class, () -> Decimals.parse(s), s);
        }
    }

    @Test
    void digitCountBoundaries() {
        // via of(): exercises normalize/digitCount for every power-of-ten boundary
        long p = 1;
        for (int k = 0; k < 19; k++) {
            for (long d : new long[] {p - 1, p, p + 1}) {
                if (d <= 0) continue;
                final long x = d;
                check(BigDecimal.valueOf(x), () -> Decimals.of(x, 0), "of " + x);
                check(BigDecimal.valueOf(-x), () -> Decimals.of(-x, 0), "of -" + x);
            }
            if (k < 18) p *= 10;
        }
        check(BigDecimal.valueOf(Long.MAX_VALUE), () -> Decimals.of(Long.MAX_VALUE, 0), "max");
    }

    /** Pre-checks rely on the double being within a few ulps of the exact value, for every size and sign. */
    @Test
    void toDoubleIsWithinAFewUlpsOfTheExactValue() {
        Random r = new Random(7);
        for (int i = 0; i < 40_000; i++) {
            BigDecimal v = random(r);
            if (!representable(v)) {
                continue;
            }
            double approx = Decimals.toDouble(Decimals.fromBigDecimal(v));
            double nearest = v.doubleValue();
            assertTrue(Math.abs(approx - nearest) <= 3 * Math.ulp(nearest), v.toPlainString() + " -> " + approx);
            assertEquals(v.signum(), (int) Math.signum(approx), v.toPlainString());
        }
        assertEquals(0.52, Decimals.toDouble(Decimals.parse("0.52")));
        assertEquals(-65114.2, Decimals.toDouble(Decimals.parse("-65114.2")));
    }
}
