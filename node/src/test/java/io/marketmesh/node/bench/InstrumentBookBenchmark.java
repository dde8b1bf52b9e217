package io.marketmesh.node.bench;

import io.marketmesh.node.instrument.InstrumentBook;
import io.marketmesh.node.instrument.InstrumentDefinition;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Top-of-book changes into an instrument of 7 venues. One op: one member's top 10 levels a side arrive (one side's
 * best size moved, and one time in four its price by a tick), are copied in, the best bid and ask are found again,
 * and the pairs with that member are checked for arbitrage. {@code quiet}: no two venues cross. {@code crossing}: two
 * venues cross by a few ticks, so every change on either walks both books, and a change of the walked size is an
 * {@code updated} step (which allocates its event). {@code fees}: the same crossing with a 0.1 % taker fee on every
 * venue, so every price comparison goes through the fee check.
 *
 * <p>Run: {@code mvn -B -pl node -am test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main InstrumentBookBenchmark -prof gc"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InstrumentBookBenchmark {

    private static final int LEGS = 7;
    private static final int UPDATES = 1 << 10;
    private static final String[] MARKETS = {"binance:BTCUSDT", "okx:BTC-USDT", "bybit:BTCUSDT", "cryptocom:BTC_USDT",
            "coinbase:BTC-USDC", "kraken:BTC/USDT", "bitstamp:btcusdt"};

    @Param({"quiet", "crossing", "fees"})
    String scenario;

    /** Levels per side each member sends (and the instrument keeps). */
    @Param({"10"})
    int depth;

    private InstrumentBook book;
    private final int[] legs = new int[UPDATES];
    private long[][] bidPrices;
    private long[][] bidSizes;
    private long[][] askPrices;
    private long[][] askSizes;
    private int next;
    private long now = 1;
    private long events;
    private long ops;
    private long cpuAtStart;
    private long opsAtStart;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(1);
        List<InstrumentDefinition.Leg> members = new ArrayList<>();
        for (String market : MARKETS) {
            members.add(new InstrumentDefinition.Leg(MarketKey.parse(market), true));
        }
        boolean crossing = !scenario.equals("quiet");
        List<BigDecimal> fees = scenario.equals("fees")
                ? Collections.nCopies(LEGS, new BigDecimal("0.001")) : Collections.nCopies(LEGS, null);
        book = new InstrumentBook("BTC-USDT", members, fees, depth, e -> events++);
        bidPrices = new long[UPDATES][depth];
        bidSizes = new long[UPDATES][depth];
        askPrices = new long[UPDATES][depth];
        askSizes = new long[UPDATES][depth];
        // Prices in cents around 65000.00. The other venues quote `wide` cents either side of it. Crossing: venue 0
        // asks from `cross` cents below, venue 1 bids from `cross` above, so these two cross each other and nothing
        // else (with fees: 0.1 % + 0.1 % is 130 dollars, so they cross by 140 dollars, inside the others' 400).
        long centre = 6_500_000;
        long wide = scenario.equals("fees") ? 20_000 : 10;
        long cross = scenario.equals("fees") ? 7_000 : 2;
        long[] bestBid = new long[LEGS];
        long[] bestAsk = new long[LEGS];
        long[] bidTopSize = new long[LEGS];
        long[] askTopSize = new long[LEGS];
        for (int leg = 0; leg < LEGS; leg++) {
            bestBid[leg] = crossing && leg == 1 ? centre + cross : centre - wide;
            bestAsk[leg] = crossing && leg == 0 ? centre - cross : centre + wide;
            bidTopSize[leg] = 25;
            askTopSize[leg] = 25;
        }
        for (int u = 0; u < UPDATES; u++) {
            // The first LEGS updates give every venue its book; then each is one side's top changing on one venue:
            // its size, and one time in four its price by a tick (within two ticks, so the scenario holds).
            int leg = u < LEGS ? u : random.nextInt(LEGS);
            legs[u] = leg;
            if (u >= LEGS) {
                boolean bid = random.nextBoolean();
                int move = random.nextInt(4) == 0 ? (random.nextBoolean() ? 1 : -1) : 0;
                if (bid) {
                    long base = crossing && leg == 1 ? centre + cross : centre - wide;
                    bestBid[leg] = Math.max(base - 2, Math.min(base, bestBid[leg] + move));
                    bidTopSize[leg] = 1 + random.nextInt(50);
                } else {
                    long base = crossing && leg == 0 ? centre - cross : centre + wide;
                    bestAsk[leg] = Math.max(base, Math.min(base + 2, bestAsk[leg] + move));
                    askTopSize[leg] = 1 + random.nextInt(50);
                }
            }
            for (int i = 0; i < depth; i++) {
                bidPrices[u][i] = Decimals.of(bestBid[leg] - i, 2);
                askPrices[u][i] = Decimals.of(bestAsk[leg] + i, 2);
                bidSizes[u][i] = Decimals.of(i == 0 ? bidTopSize[leg] : 10 + i, 2);
                askSizes[u][i] = Decimals.of(i == 0 ? askTopSize[leg] : 10 + i, 2);
            }
        }
        for (int u = 0; u < LEGS; u++) {
            topOfBookChange();
        }
        events = 0;
    }

    /**
     * The benchmark thread's CPU time over the iteration: ops per CPU second, the single-core figure that stays
     * meaningful when other processes share the cores (JMH's score is per wall-clock second).
     */
    @Setup(Level.Iteration)
    public void startCpuClock() {
        cpuAtStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        opsAtStart = ops;
    }

    @TearDown(Level.Iteration)
    public void readCpuClock() {
        long cpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuAtStart;
        System.out.printf(" [%.2f M ops per CPU second] ", (ops - opsAtStart) * 1e3 / cpuNanos);
    }

    @Benchmark
    public boolean topOfBookChange() {
        int u = next++ & (UPDATES - 1);
        ops++;
        return book.update(legs[u], bidPrices[u], bidSizes[u], depth, askPrices[u], askSizes[u], depth, now++);
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%n%s: %d arbitrage steps in %d ops (%.3f per op), %d open%n", scenario, events, ops,
                (double) events / ops, book.open(now).size());
    }
}
