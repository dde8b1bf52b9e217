package io.marketmesh.node.bench;

import io.marketmesh.node.market.OrderBook;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Level updates per second into one book. Changes are drawn like a live feed: most land within a few
 * ticks of the top of book, some deep; about a fifth remove a level and get re-added later, so the book
 * keeps its depth. One op = one level update.
 *
 * <p>Run: {@code mvn -B -pl node test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main OrderBookBenchmark"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OrderBookBenchmark {

    private static final int UPDATES = 1 << 16;

    /** Levels per side the book holds. */
    @Param({"50", "400"})
    int depth;

    private final OrderBook book = new OrderBook();
    private final Side[] sides = new Side[UPDATES];
    private final long[] prices = new long[UPDATES];
    private final long[] sizes = new long[UPDATES];
    /** Signed changes for relative updates (Kalshi's deltas): -0.5 .. +0.5. */
    private final long[] changes = new long[UPDATES];
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        // Prices in cents around 50000.00, sizes in tenths: the book compares the encoded longs as they are.
        long midCents = 5_000_000;
        for (int i = 1; i <= depth; i++) {
            book.set(Side.BID, Decimals.of(midCents - i, 2), Decimals.of(1 + random.nextInt(100), 0));
            book.set(Side.ASK, Decimals.of(midCents + i, 2), Decimals.of(1 + random.nextInt(100), 0));
        }
        for (int i = 0; i < UPDATES; i++) {
            boolean bid = random.nextBoolean();
            // 80% within 10 ticks of the top, 20% anywhere in the book.
            int distance = random.nextInt(5) < 4 ? 1 + random.nextInt(10) : 1 + random.nextInt(depth);
            sides[i] = bid ? Side.BID : Side.ASK;
            prices[i] = Decimals.of(bid ? midCents - distance : midCents + distance, 2);
            sizes[i] = random.nextInt(5) == 0 ? 0 : Decimals.of(1 + random.nextInt(1000), 1);
            changes[i] = Decimals.of(random.nextInt(11) - 5, 1);
        }
    }

    @Benchmark
    public OrderBook.Result setLevel() {
        int i = next++ & (UPDATES - 1);
        return book.set(sides[i], prices[i], sizes[i]);
    }

    /** A signed change added to a level (Kalshi): the decimal addition on top of the search. */
    @Benchmark
    public OrderBook.Result addToLevel() {
        int i = next++ & (UPDATES - 1);
        OrderBook.Result result = book.add(sides[i], prices[i], changes[i]);
        if (result == OrderBook.Result.NEGATIVE_SIZE) {
            book.set(sides[i], prices[i], sizes[i]);
        }
        return result;
    }

    @Benchmark
    public long setLevelAndReadTop() {
        int i = next++ & (UPDATES - 1);
        book.set(sides[i], prices[i], sizes[i]);
        return book.bestBid() + book.bestAsk();
    }
}
