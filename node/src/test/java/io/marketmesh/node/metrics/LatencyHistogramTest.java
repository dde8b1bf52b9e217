package io.marketmesh.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void emptyHistogramReportsZero() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.count());
        assertEquals(0, h.percentile(99));
        assertEquals(0, h.max());
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int us = 1; us <= 50; us++) {
            h.record(us * 1_000L);
        }
        assertEquals(50, h.count());
        assertEquals(25, h.percentile(50));
        assertEquals(50, h.percentile(99));
        assertEquals(1, h.percentile(0));
        assertEquals(50, h.percentile(100));
        assertEquals(50, h.max());
    }

    @Test
    void percentilesOfAUniformRangeAreWithinThreePercent() {
        LatencyHistogram h = new LatencyHistogram();
        // 1..100_000 µs, once each: p50 = 50_000, p99 = 99_000, p99.9 = 99_900.
        for (long us = 1; us <= 100_000; us++) {
            h.recordMicros(us);
        }
        assertEquals(100_000, h.count());
        assertWithin(50_000, h.percentile(50));
        assertWithin(99_000, h.percentile(99));
        assertWithin(99_900, h.percentile(99.9));
        assertWithin(100_000, h.max());
    }

    @Test
    void aFewSlowValuesShowInTheTailOnly() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 9_980; i++) {
            h.record(200_000); // 200 µs
        }
        for (int i = 0; i < 20; i++) {
            h.record(15_000_000); // 15 ms
        }
        assertWithin(200, h.percentile(50));
        assertWithin(200, h.percentile(99));
        assertWithin(15_000, h.percentile(99.9));
        assertTrue(h.percentile(99.9) >= 15_000, "the top of the bucket, never below the value");
    }

    @Test
    void bucketsCoverEveryValueAndReportTheirTop() {
        long previousTop = -1;
        for (int index = 0; index < LatencyHistogram.index(1L << 40); index++) {
            long top = LatencyHistogram.highestEquivalent(index);
            assertTrue(top > previousTop, "bucket " + index);
            assertEquals(index, LatencyHistogram.index(top), "top of bucket " + index);
            assertEquals(index, LatencyHistogram.index(previousTop + 1), "bottom of bucket " + index);
            previousTop = top;
        }
    }

    @Test
    void negativeAndHugeValuesAreClamped() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5);
        h.recordMicros(Long.MAX_VALUE);
        assertEquals(2, h.count());
        assertEquals(0, h.percentile(50));
        assertTrue(h.percentile(100) >= 1L << 40);
        assertThrows(IllegalArgumentException.class, () -> h.percentile(101));
    }

    @Test
    void resetClearsAndConcurrentRecordsAreAllCounted() throws Exception {
        LatencyHistogram h = new LatencyHistogram();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 100_000; i++) {
                    h.record((i % 1000) * 1_000L);
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(400_000, h.count());
        h.reset();
        assertEquals(0, h.count());
    }

    private static void assertWithin(long expected, long actual) {
        assertTrue(actual >= expected && actual <= expected * 1.035, "expected ~" + expected + " (+3.5%), was " + actual);
    }
}
