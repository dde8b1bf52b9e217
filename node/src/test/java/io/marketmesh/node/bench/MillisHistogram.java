package io.marketmesh.node.bench;

import java.util.Arrays;

/**
 * Counts of latencies in whole milliseconds, one bucket per millisecond up to a minute (longer ones in the last). Both
 * ends of the stream benchmark's latencies are {@code System.currentTimeMillis()} values (the node's receipt stamp in
 * the message, the client's clock when it read it), so a millisecond is all the resolution there is: a figure of
 * {@code d} ms is a true latency between {@code d - 1} and {@code d + 1} ms.
 */
final class MillisHistogram {

    static final int BUCKETS = 60_001;

    final long[] counts;

    MillisHistogram() {
        this(new long[BUCKETS]);
    }

    private MillisHistogram(long[] counts) {
        this.counts = counts;
    }

    void record(long millis) {
        counts[(int) Math.max(0, Math.min(BUCKETS - 1, millis))]++;
    }

    void add(MillisHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
    }

    /** What was recorded since {@code earlier} (a copy of this histogram taken before). */
    MillisHistogram minus(MillisHistogram earlier) {
        long[] diff = counts.clone();
        for (int i = 0; i < BUCKETS; i++) {
            diff[i] -= earlier.counts[i];
        }
        return new MillisHistogram(diff);
    }

    MillisHistogram copy() {
        return new MillisHistogram(counts.clone());
    }

    long total() {
        return Arrays.stream(counts).sum();
    }

    /** The smallest bucket at or below which {@code fraction} of the values lie; -1 when empty. */
    long percentile(double fraction) {
        long total = total();
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i;
            }
        }
        return BUCKETS - 1;
    }

    long max() {
        for (int i = BUCKETS - 1; i >= 0; i--) {
            if (counts[i] > 0) {
                return i;
            }
        }
        return -1;
    }

    /** "p50 / p99 / p99.9 / max" in ms, or "-" when empty. */
    String summary() {
        if (total() == 0) {
            return "-";
        }
        return percentile(0.5) + " / " + percentile(0.99) + " / " + percentile(0.999) + " / " + max();
    }

    /** {@code ms:count,...} for the buckets that are not empty. */
    String encode() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] != 0) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(i).append(':').append(counts[i]);
            }
        }
        return sb.toString();
    }

    static MillisHistogram decode(String text) {
        MillisHistogram histogram = new MillisHistogram();
        if (text != null && !text.isBlank()) {
            for (String pair : text.split(",")) {
                int colon = pair.indexOf(':');
                histogram.counts[Integer.parseInt(pair.substring(0, colon))] += Long.parseLong(pair.substring(colon + 1));
            }
        }
        return histogram;
    }
}
