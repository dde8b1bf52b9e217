package io.marketmesh.node.venue.coinbase;

/**
 * Reads the venue's RFC 3339 times ({@code 2026-08-09T21:05:48.506659391Z}, offsets like {@code +00:00} too) into
 * epoch milliseconds straight from the parser's buffer: a timestamp per frame is on the hot path, and
 * {@code Instant.parse} would make a String and a formatter's worth of objects for each.
 */
final class Rfc3339 {

    private Rfc3339() {
    }

    /** Epoch milliseconds (sub-millisecond digits dropped), or 0 when the text is not such a time. */
    static long epochMillis(char[] c, int offset, int length) {
        int end = offset + length;
        if (length < 20 || c[offset + 4] != '-' || c[offset + 7] != '-'
                || (c[offset + 10] != 'T' && c[offset + 10] != 't' && c[offset + 10] != ' ')
                || c[offset + 13] != ':' || c[offset + 16] != ':') {
            return 0;
        }
        int year = digits(c, offset, 4);
        int month = digits(c, offset + 5, 2);
        int day = digits(c, offset + 8, 2);
        int hour = digits(c, offset + 11, 2);
        int minute = digits(c, offset + 14, 2);
        int second = digits(c, offset + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 60) {
            return 0;
        }
        int i = offset + 19;
        int millis = 0;
        if (i < end && c[i] == '.') {
            i++;
            int fractionDigits = 0;
            while (i < end && c[i] >= '0' && c[i] <= '9') {
                if (fractionDigits < 3) {
                    millis = millis * 10 + (c[i] - '0');
                }
                fractionDigits++;
                i++;
            }
            if (fractionDigits == 0) {
                return 0;
            }
            for (int k = fractionDigits; k < 3; k++) {
                millis *= 10;
            }
        }
        int offsetMinutes;
        if (i == end - 1 && (c[i] == 'Z' || c[i] == 'z')) {
            offsetMinutes = 0;
        } else if (i == end - 6 && (c[i] == '+' || c[i] == '-') && c[i + 3] == ':') {
            int h = digits(c, i + 1, 2);
            int m = digits(c, i + 4, 2);
            if (h < 0 || m < 0) {
                return 0;
            }
            offsetMinutes = (c[i] == '-' ? -1 : 1) * (h * 60 + m);
        } else {
            return 0;
        }
        long days = daysFromCivil(year, month, day);
        long seconds = days * 86_400 + hour * 3_600L + minute * 60L + second - offsetMinutes * 60L;
        return seconds * 1000 + millis;
    }

    private static int digits(char[] c, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char ch = c[i];
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468;
    }
}
