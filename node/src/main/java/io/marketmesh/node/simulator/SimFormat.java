package io.marketmesh.node.simulator;

/** Decimal strings as the venues write them, from the simulator's integer cents and hundredths. */
final class SimFormat {

    private SimFormat() {
    }

    /** Cents as a dollar/probability string with {@code decimals} (2 or more) places: 52 → "0.52" or "0.5200". */
    static String cents(int cents, int decimals) {
        StringBuilder sb = new StringBuilder(8);
        sb.append(cents / 100).append('.');
        int fraction = cents % 100;
        if (fraction < 10) {
            sb.append('0');
        }
        sb.append(fraction);
        for (int i = 2; i < decimals; i++) {
            sb.append('0');
        }
        return sb.toString();
    }

    /** Hundredths as a size string with two places, signed when negative: -1250 → "-12.50". */
    static String hundredths(long hundredths) {
        StringBuilder sb = new StringBuilder(12);
        if (hundredths < 0) {
            sb.append('-');
            hundredths = -hundredths;
        }
        sb.append(hundredths / 100).append('.');
        long fraction = hundredths % 100;
        if (fraction < 10) {
            sb.append('0');
        }
        return sb.append(fraction).toString();
    }

    /** Hundredths the way Polymarket writes sizes: no trailing ".00" on whole sizes ("3300", "21574.08"). */
    static String polymarketSize(long hundredths) {
        return hundredths % 100 == 0 ? Long.toString(hundredths / 100) : hundredths(hundredths);
    }

    /** Cents the way Polymarket writes prices: no trailing zero ("0.5", "0.52"). */
    static String polymarketPrice(int cents) {
        String text = cents(cents, 2);
        return text.endsWith("0") ? text.substring(0, text.length() - 1) : text;
    }
}
