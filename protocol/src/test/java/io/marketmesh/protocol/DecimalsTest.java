package io.marketmesh.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecimalsTest {

    private static void assertExact(String expected, String text) {
        long value = Decimals.parse(text);
        assertEquals(expected, Decimals.toString(value), text);
        assertEquals(0, new BigDecimal(text).compareTo(Decimals.toBigDecimal(value)), text);
    }

    @Test
    void parsesVenueDecimalTextExactly() {
        assertExact("0.52", "0.52");
        assertExact("0.48", ".48");
        assertExact("-5", "-5.00");
        assertExact("65114.2", "65114.20");
        assertExact("0.00000001", "0.00000001");
        assertExact("10500100", "10500100");
        assertExact("0.3513", "0.35130000");
        assertExact("100", "1e2");
        assertExact("0", "-0.000");
        assertEquals(0L, Decimals.parse("0.00"));
    }

    @Test
    void holdsEveryInstrumentsNumbersExactly() {
        // A memecoin's ten-decimal price, its trillions of tokens traded, bitcoin's satoshis and a large quote volume.
        assertExact("0.0000001234", "0.0000001234");
        assertExact("0.0000000001", "0.0000000001");
        assertExact("10000000000000", "10000000000000");
        assertExact("3791537562373", "3791537562373.00");
        assertExact("123456789.12345678", "123456789.12345678");
        assertExact("0.000000000000000001", "0.000000000000000001");
        assertExact("12345678901234567", "12345678901234567");
        assertExact("12345678901234567000000000", "12345678901234567000000000");
    }

    @Test
    void refusesWhatCannotBeHeldExactly() {
        assertThrows(NumberFormatException.class, () -> Decimals.parse("123456789012345678"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("1234567890.12345678"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("0.0000000000000000001"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("1e60"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("1.2.3"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse(""));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("-"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("abc"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("NaN"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("1e\u0663"));
    }

    @Test
    void printsPlainTextWithoutTrailingZeros() {
        assertEquals("0.52", Decimals.toString(Decimals.of(52, 2)));
        assertEquals("100", Decimals.toString(Decimals.of(100, 0)));
        assertEquals("-0.00000001", Decimals.toString(Decimals.of(-1, 8)));
        assertEquals("0", Decimals.toString(0L));
        assertEquals("1", Decimals.toString(Decimals.ONE));
        assertEquals("0.05", Decimals.toString(Decimals.parse("0.050")));
        assertEquals("1.05", Decimals.toString(Decimals.parse("1.050")));
        assertNull(Decimals.toString(Decimals.NONE));
    }

    @Test
    void comparingTheLongsComparesTheValues() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(List.of("0", "1", "-1", "0.1", "0.09", "0.11", "10", "9.99999", "-0.5",
                "-0.05", "0.0000000001", "10000000000000", "-10000000000000", "0.999", "1.001"));
        for (int i = 0; i < 2000; i++) {
            BigDecimal v = BigDecimal.valueOf(random.nextLong() % 100_000_000_000L, random.nextInt(19) - 4);
            texts.add(v.toPlainString());
        }
        for (String x : texts) {
            for (int k = 0; k < 20; k++) {
                String y = texts.get(random.nextInt(texts.size()));
                int expected = Integer.signum(new BigDecimal(x).compareTo(new BigDecimal(y)));
                assertEquals(expected, Integer.signum(Long.compare(Decimals.parse(x), Decimals.parse(y))), x + " vs " + y);
            }
            assertEquals(Integer.signum(new BigDecimal(x).signum()), Long.signum(Decimals.parse(x)), x);
        }
    }

    @Test
    void equalValuesHaveOneEncoding() {
        assertEquals(Decimals.parse("0.5"), Decimals.parse("0.500"));
        assertEquals(Decimals.parse("100"), Decimals.parse("1e2"));
        assertEquals(Decimals.of(54, 2), Decimals.of(5400, 4));
        assertEquals(Decimals.parse("2.5"), Decimals.fromBigDecimal(new BigDecimal("2.50")));
    }

    @Test
    void addsAndSubtractsExactly() {
        assertEquals(Decimals.parse("0.53"), Decimals.subtract(Decimals.ONE, Decimals.parse("0.47")));
        assertEquals(Decimals.parse("12.34"), Decimals.add(Decimals.parse("10"), Decimals.parse("2.34")));
        assertEquals(0L, Decimals.add(Decimals.parse("2.34"), Decimals.parse("-2.34")));
        assertEquals(Decimals.parse("10000000000000.5"), Decimals.add(Decimals.parse("10000000000000"), Decimals.parse("0.5")));
        assertEquals(Decimals.parse("-0.0000000001"), Decimals.subtract(Decimals.parse("0.0000001233"), Decimals.parse("0.0000001234")));
        Random random = new Random(11);
        for (int i = 0; i < 5000; i++) {
            BigDecimal a = BigDecimal.valueOf(random.nextLong() % 100_000_000L, random.nextInt(9));
            BigDecimal b = BigDecimal.valueOf(random.nextLong() % 100_000_000L, random.nextInt(9));
            assertEquals(0, a.add(b).compareTo(Decimals.toBigDecimal(
                    Decimals.add(Decimals.fromBigDecimal(a), Decimals.fromBigDecimal(b)))), a + " + " + b);
            assertEquals(0, a.subtract(b).compareTo(Decimals.toBigDecimal(
                    Decimals.subtract(Decimals.fromBigDecimal(a), Decimals.fromBigDecimal(b)))), a + " - " + b);
        }
        assertThrows(ArithmeticException.class,
                () -> Decimals.add(Decimals.parse("10000000000000000"), Decimals.parse("0.1")));
    }

    @Test
    void roundTripsThroughBigDecimal() {
        for (String s : new String[] {"0.001", "0.999", "21574.08", "1410", "0.0100", "123456789.12345678", "0.0000001234"}) {
            long value = Decimals.parse(s);
            assertEquals(0, new BigDecimal(s).compareTo(Decimals.toBigDecimal(value)), s);
            assertEquals(value, Decimals.fromBigDecimal(new BigDecimal(s)), s);
            assertEquals(value, Decimals.parse(Decimals.toString(value)), s);
        }
    }

    @Test
    void convertsUnits() {
        assertEquals(Decimals.parse("0.54"), Decimals.of(54, 2));
        assertEquals(Decimals.parse("300"), Decimals.of(300, 0));
        assertEquals(54, Decimals.toUnits(Decimals.parse("0.54"), 2));
        assertEquals(12291, Decimals.toUnits(Decimals.parse("0.12291"), 5));
        assertEquals(2_703_962_776_299L, Decimals.toUnits(Decimals.parse("27039.62776299"), 8));
        assertEquals(60_000_000_000L, Decimals.toUnits(Decimals.parse("600"), 8));
        assertThrows(ArithmeticException.class, () -> Decimals.toUnits(Decimals.parse("0.545"), 2));
        assertEquals(1_784_500_000_123L, Decimals.toUnitsTruncated(Decimals.parse("1784500000.123456"), 3));
        assertEquals(4, Decimals.decimals(Decimals.parse("0.35130000")));
        assertEquals(0, Decimals.decimals(Decimals.parse("1e2")));
    }

    @Test
    void everyDigitCountRoundTrips() {
        for (int digits = 1; digits <= 17; digits++) {
            long nines = Long.parseLong("9".repeat(digits));
            long power = nines + 1;
            for (long v : new long[] {nines, power, power + 1, nines - 1}) {
                if (v > 0 && Long.toString(v).length() <= 17) {
                    assertEquals(Long.toString(v), Decimals.toString(Decimals.of(v, 0)), "digits of " + v);
                    assertEquals(v, Decimals.toUnits(Decimals.of(v, 3), 3));
                }
            }
        }
    }

    @Test
    void noneIsNoNumber() {
        assertTrue(Decimals.NONE < Decimals.parse("-10000000000000000000000000000000000000000"));
        assertThrows(IllegalArgumentException.class, () -> Decimals.add(Decimals.NONE, Decimals.ONE));
    }
}
