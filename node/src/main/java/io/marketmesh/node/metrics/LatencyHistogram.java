package io.marketmesh.node.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free latency histogram for the hot path: {@link #record(long)} is one array index computation and one
 * atomic increment, no allocation, no lock, safe from any thread.
 *
 * <p>Values are kept in microseconds in log-linear buckets (the layout of HdrHistogram with 5 bits of sub-bucket
 * precision): below 64 µs every microsecond has its own bucket; above, each power of two is split into 32 buckets,
 * so a percentile is off by at most 1/32 (about 3%) of its value, and is reported as the top of its bucket (never
 * flattering). Values of 2^41 µs (about 25 days) and more are counted in the last bucket.
 *
 * <p>{@link #percentile(double)} and {@link #reset()} read and clear the buckets one by one while recording may go
 * on: a percentile taken during recording reflects some instant in between, which is what a periodic report needs.
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 5;
    private static final int SUB_COUNT = 1 << SUB_BITS; // 32
    private static final int MAX_MSB = 40;
    private static final long MAX_MICROS = (1L << (MAX_MSB + 1)) - 1;
    private static final int BUCKETS = index(MAX_MICROS) + 1;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    /** The recorded values' sum in microseconds (Prometheus' {@code _sum}). */
    private final java.util.concurrent.atomic.LongAdder sumMicros = new java.util.concurrent.atomic.LongAdder();

    /** Records one latency given in nanoseconds; negative values count as 0. */
    public void record(long nanos) {
        recordMicros(nanos <= 0 ? 0 : nanos / 1_000);
    }

    public void recordMicros(long micros) {
        long kept = Math.min(Math.max(micros, 0), MAX_MICROS);
        counts.incrementAndGet(index(kept));
        sumMicros.add(kept);
    }

    /** The sum of the values recorded since the start or the last {@link #reset()}, in microseconds. */
    public long sumMicros() {
        return sumMicros.sum();
    }

    /**
     * Counts per coarser bucket, for an exposition with few buckets: {@code counts[i]} values whose bucket lies
     * entirely at or below {@code upperBoundsMicros[i]} and above the previous bound (a bucket straddling a bound is
     * counted in the next, so a count at a bound is never flattering); the last element counts the rest (+Inf).
     *
     * @param upperBoundsMicros ascending
     * @return {@code upperBoundsMicros.length + 1} counts, not cumulative
     */
    public long[] countsBelow(long[] upperBoundsMicros) {
        long[] result = new long[upperBoundsMicros.length + 1];
        int bound = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long count = counts.get(i);
            if (count == 0) {
                continue;
            }
            long top = highestEquivalent(i);
            while (bound < upperBoundsMicros.length && top > upperBoundsMicros[bound]) {
                bound++;
            }
            result[bound] += count;
        }
        return result;
    }

    /** Values recorded since the start or the last {@link #reset()}. */
    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /**
     * The latency in microseconds at or below which {@code percent} % of the recorded values lie (the top of that
     * value's bucket); 0 when nothing was recorded.
     */
    public long percentile(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent must be 0..100, was " + percent);
        }
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return highestEquivalent(i);
            }
        }
        return highestEquivalent(BUCKETS - 1);
    }

    /** The largest recorded value's bucket top, in microseconds; 0 when empty. */
    public long max() {
        for (int i = BUCKETS - 1; i >= 0; i--) {
            if (counts.get(i) > 0) {
                return highestEquivalent(i);
            }
        }
        return 0;
    }

    public void reset() {
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
        sumMicros.reset();
    }

    static int index(long micros) {
        if (micros < 2 * SUB_COUNT) {
            return (int) micros;
        }
        int msb = 63 - Long.numberOfLeadingZeros(micros);
        int shift = msb - SUB_BITS;
        return shift * SUB_COUNT + (int) (micros >>> shift);
    }

    /** The largest value that falls in bucket {@code index}. */
    static long highestEquivalent(int index) {
        if (index < 2 * SUB_COUNT) {
            return index;
        }
        int shift = index / SUB_COUNT - 1;
        long sub = index - (long) shift * SUB_COUNT;
        return ((sub + 1) << shift) - 1;
    }
}
