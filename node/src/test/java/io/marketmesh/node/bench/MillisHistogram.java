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

    /** One count per millisecond from 0; as long as {@link #BUCKETS} where values are recorded, shorter when decoded. */
    private long[] counts;

    /** An empty histogram to record into (the clients' side). */
    static MillisHistogram recording() {
        return new MillisHistogram(new long[BUCKETS]);
    }

    /** An empty histogram to add into (the benchmark's side): it grows to the largest value it is given. */
    MillisHistogram() {
        this(new long[0]);
    }

    private MillisHistogram(long[] counts) {
        this.counts = counts;
    }

    void record(long millis) {
        counts[(int) Math.max(0, Math.min(BUCKETS - 1, millis))]++;
    }

    void add(MillisHistogram other) {
        int used = other.highest() + 1;
        if (used > counts.length) {
            counts = Arrays.copyOf(counts, used);
        }
        for (int i = 0; i < used; i++) {
            counts[i] += other.counts[i];
        }
    }

    /** What was recorded since {@code earlier} (this histogram as it was before). */
    MillisHistogram minus(MillisHistogram earlier) {
        long[] diff = Arrays.copyOf(counts, highest() + 1);
        for (int i = 0; i < Math.min(diff.length, earlier.counts.length); i++) {
            diff[i] -= earlier.counts[i];
        }
        return new MillisHistogram(diff);
    }

    /** The highest bucket with a count, -1 when empty. */
    private int highest() {
        for (int i = counts.length - 1; i >= 0; i--) {
            if (counts[i] != 0) {
                return i;
            }
        }
        return -1;
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
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i;
            }
        }
        return counts.length - 1;
    }

    long max() {
        return highest();
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
        for (int i = 0; i < counts.length; i++) {
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
        if (text == null || text.isBlank()) {
            return new MillisHistogram();
        }
        String[] pairs = text.split(",");
        String last = pairs[pairs.length - 1];
        long[] counts = new long[Integer.parseInt(last.substring(0, last.indexOf(':'))) + 1];
        for (String pair : pairs) {
            int colon = pair.indexOf(':');
            counts[Integer.parseInt(pair.substring(0, colon))] += Long.parseLong(pair.substring(colon + 1));
        }
        return new MillisHistogram(counts);
    }
}
