package io.marketmesh.node.venue.kraken;

/**
 * Kraken v2 timestamps ({@code 2024-10-03T02:46:57.050170Z}, RFC 3339 in UTC) to epoch milliseconds, read from the
 * parser's characters without making a String or a {@code java.time} object per frame. A timestamp changes no book,
 * so one that does not have this shape reads as 0 ("not sent") rather than failing the frame.
 */
final class KrakenTime {

    private KrakenTime() {
    }

    static long epochMillis(CharSequence text) {
        char[] chars = text.toString().toCharArray();
        return epochMillis(chars, 0, chars.length);
    }

    static long epochMillis(char[] c, int offset, int length) {
        // yyyy-MM-ddTHH:mm:ss[.fraction]Z
        if (length < 20) {
            return 0;
        }
        int i = offset;
        int year = digits(c, i, 4);
        int month = digits(c, i + 5, 2);
        int day = digits(c, i + 8, 2);
        int hour = digits(c, i + 11, 2);
        int minute = digits(c, i + 14, 2);
        int second = digits(c, i + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 60 || c[i + 4] != '-' || c[i + 7] != '-'
                || (c[i + 10] != 'T' && c[i + 10] != 't' && c[i + 10] != ' ') || c[i + 13] != ':' || c[i + 16] != ':') {
            return 0;
        }
        int end = offset + length;
        int p = i + 19;
        int millis = 0;
        if (p < end && c[p] == '.') {
            p++;
            int scale = 100;
            while (p < end && c[p] >= '0' && c[p] <= '9') {
                millis += (c[p] - '0') * scale;
                scale /= 10;
                p++;
            }
        }
        if (p != end - 1 || (c[p] != 'Z' && c[p] != 'z')) {
            return 0;
        }
        long days = daysFromCivil(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    private static int digits(char[] c, int from, int count) {
        int v = 0;
        for (int k = from; k < from + count; k++) {
            char ch = c[k];
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097L + doe - 719468;
    }
}
