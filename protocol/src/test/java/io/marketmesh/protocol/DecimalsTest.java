package io.marketmesh.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class DecimalsTest {

    @Test
    void parsesVenueDecimalTextExactly() {
        assertEquals(52_000_000L, Decimals.parse("0.52"));
        assertEquals(48_000_000L, Decimals.parse(".48"));
        assertEquals(-500_000_000L, Decimals.parse("-5.00"));
        assertEquals(6_511_420_000_000L, Decimals.parse("65114.20"));
        assertEquals(1L, Decimals.parse("0.00000001"));
        assertEquals(1_050_010_000_000_000L, Decimals.parse("10500100"));
        assertEquals(35_130_000L, Decimals.parse("0.35130000"));
        assertEquals(100L * Decimals.ONE, Decimals.parse("1e2"));
    }

    @Test
    void trailingZerosBeyondEightDecimalsAreStillExact() {
        assertEquals(1L, Decimals.parse("0.0000000100"));
    }

    @Test
    void refusesWhatCannotBeHeldExactly() {
        assertThrows(NumberFormatException.class, () -> Decimals.parse("0.000000001"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("99999999999999999999"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("1.2.3"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse(""));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("-"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("abc"));
        assertThrows(NumberFormatException.class, () -> Decimals.parse("NaN"));
    }

    @Test
    void printsPlainTextWithoutTrailingZeros() {
        assertEquals("0.52", Decimals.toString(52_000_000L));
        assertEquals("100", Decimals.toString(100 * Decimals.ONE));
        assertEquals("-0.00000001", Decimals.toString(-1L));
        assertEquals("0", Decimals.toString(0L));
        assertEquals(null, Decimals.toString(Decimals.NONE));
    }

    @Test
    void roundTripsThroughBigDecimal() {
        for (String s : new String[] {"0.001", "0.999", "21574.08", "1410", "0.0100", "123456789.12345678"}) {
            long fixed = Decimals.parse(s);
            assertEquals(0, new BigDecimal(s).compareTo(Decimals.toBigDecimal(fixed)), s);
            assertEquals(fixed, Decimals.fromBigDecimal(new BigDecimal(s)), s);
            assertEquals(fixed, Decimals.parse(Decimals.toString(fixed)), s);
        }
    }

    @Test
    void convertsIntegerCents() {
        assertEquals(Decimals.parse("0.54"), Decimals.fromUnits(54, 2));
        assertEquals(Decimals.parse("300"), Decimals.fromUnits(300, 0));
    }
}
