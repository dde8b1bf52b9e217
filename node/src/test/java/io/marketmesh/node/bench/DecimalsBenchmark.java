package io.marketmesh.node.bench;

import io.marketmesh.protocol.Decimals;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The decimal operations on the book's path: parsing a venue's number, adding a signed change to a size (Kalshi's
 * relative deltas), and printing (JSON). One op = one operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecimalsBenchmark {

    private static final int N = 1 << 12;

    private final String[] texts = new String[N];
    private final long[] sizes = new long[N];
    private final long[] changes = new long[N];
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(3);
        for (int i = 0; i < N; i++) {
            texts[i] = (1 + random.nextInt(100_000)) / 100 + "." + String.format("%02d", random.nextInt(100));
            sizes[i] = Decimals.parse(texts[i]);
            changes[i] = Decimals.of(random.nextInt(2001) - 1000, 2);
        }
    }

    @Benchmark
    public long parse() {
        return Decimals.parse(texts[next++ & (N - 1)]);
    }

    @Benchmark
    public long add() {
        int i = next++ & (N - 1);
        return Decimals.add(sizes[i], changes[i]);
    }

    @Benchmark
    public String print() {
        return Decimals.toString(sizes[next++ & (N - 1)]);
    }
}
