package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.market.BookVerifier;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.kraken.KrakenSession;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of a Kraken v2 {@code book} update frame (the shape of the 2024 capture: one level, checksum, timestamp;
 * BTC/USD precisions, depth 10). {@code bookUpdate} is the session alone: parse and normalize into a {@link BookDelta}
 * carrying its checksum claim. {@code bookUpdateVerified} is what the node does with it on one core: the same, then the
 * change applied to an {@link OrderBook}, the book truncated to the subscribed depth and the CRC32 over its top 10
 * asks and bids computed and compared by the node's own {@code BookVerifier}. The frames are a random walk whose checksums are computed the same way when they are
 * prepared, so every one must verify; when they run out a fresh session and book start from the snapshot.
 *
 * <p>Run: {@code mvn -B -pl node test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main KrakenParser -f 1 -wi 2 -i 3"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KrakenParserBenchmark {

    static final int FRAMES = 8192;
    static final int DEPTH = 10;
    private static final String SYMBOL = "BTC/USD";
    private static final ChecksumLayout LAYOUT = new ChecksumLayout(10, ChecksumLayout.Order.ASKS_THEN_BIDS, "",
            ChecksumLayout.Numbers.FIXED_DIGITS, 1, 8);
    private static final VenueSettings SETTINGS = new VenueSettings(Venue.KRAKEN, true, "ws://127.0.0.1/v2",
            "http://127.0.0.1", List.of(), 0, 50, 10, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(5), ConfigFactory.parseString("book-depth = " + DEPTH));
    private String snapshot;
    private String[] updates;
    private KrakenSession session;
    private Blackhole blackhole;
    private SessionOutput parseOnly;
    private VerifyingOutput verifying;
    private int next;

    /** Applies each book event to the node's own book and verifies its claim, as a MarketActor does. */
    private static final class VerifyingOutput extends BlackholeOutput {
        final OrderBook book = new OrderBook();
        final BookVerifier verifier = new BookVerifier();
        int depth;

        VerifyingOutput(Blackhole blackhole) {
            super(blackhole);
        }

        @Override
        public void event(MarketEvent event) {
            BookClaim claim;
            if (event instanceof BookDelta delta) {
                book.apply(delta.updates(), false);
                claim = delta.claim();
            } else {
                BookSnapshot snapshot = (BookSnapshot) event;
                book.replace(snapshot.bids(), snapshot.asks());
                depth = snapshot.depthLimit();
                claim = snapshot.claim();
            }
            book.keepBest(depth);
            String failed = verifier.verify(claim, book);
            if (failed != null) {
                throw new IllegalStateException("benchmark frame failed its checksum: " + failed);
            }
        }
    }

    @Setup
    public void setUp(Blackhole blackhole) throws Throwable {
        this.blackhole = blackhole;
        parseOnly = new BlackholeOutput(blackhole);
        verifying = new VerifyingOutput(blackhole);
        prepareFrames();
        // Every prepared frame must become a delta that verifies: a benchmark of dropped frames measures nothing.
        freshSession(verifying);
        for (String update : updates) {
            session.onText(update, 1L, verifying);
        }
        freshSession(verifying);
    }

    /** A random walk near the touch of a BTC/USD book at depth 10, each frame with the checksum of the book after it. */
    private void prepareFrames() throws Throwable {
        Random random = new Random(42);
        OrderBook truth = new OrderBook();
        BookVerifier verifier = new BookVerifier();
        StringBuilder bids = new StringBuilder();
        StringBuilder asks = new StringBuilder();
        for (int i = 0; i < 14; i++) {
            BigDecimal bid = new BigDecimal("64990.0").subtract(new BigDecimal("0.1").multiply(BigDecimal.valueOf(i)));
            BigDecimal ask = new BigDecimal("64990.1").add(new BigDecimal("0.1").multiply(BigDecimal.valueOf(i)));
            String bidQty = qty(random);
            String askQty = qty(random);
            truth.set(Side.BID, Decimals.parse(bid.toPlainString()), Decimals.parse(bidQty));
            truth.set(Side.ASK, Decimals.parse(ask.toPlainString()), Decimals.parse(askQty));
            if (i < DEPTH) {
                bids.append(i == 0 ? "" : ",").append("{\"price\":").append(bid.toPlainString()).append(",\"qty\":")
                        .append(bidQty).append('}');
                asks.append(i == 0 ? "" : ",").append("{\"price\":").append(ask.toPlainString()).append(",\"qty\":")
                        .append(askQty).append('}');
            }
        }
        truth.keepBest(DEPTH);
        snapshot = "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"" + SYMBOL + "\",\"bids\":[" + bids
                + "],\"asks\":[" + asks + "],\"checksum\":" + verifier.checksum(LAYOUT, truth) + "}]}";
        updates = new String[FRAMES];
        for (int n = 0; n < FRAMES; n++) {
            boolean bid = random.nextBoolean();
            int level = random.nextInt(DEPTH);
            long price = bid ? truth.bidPriceAt(Math.min(level, truth.bidDepth() - 1))
                    : truth.askPriceAt(Math.min(level, truth.askDepth() - 1));
            String qty = qty(random);
            truth.set(bid ? Side.BID : Side.ASK, price, Decimals.parse(qty));
            long checksum = verifier.checksum(LAYOUT, truth);
            String level1 = "[{\"price\":" + new BigDecimal(Decimals.toString(price)).setScale(1).toPlainString()
                    + ",\"qty\":" + qty + "}]";
            updates[n] = "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + SYMBOL + "\",\"bids\":"
                    + (bid ? level1 : "[]") + ",\"asks\":" + (bid ? "[]" : level1) + ",\"checksum\":" + checksum
                    + ",\"timestamp\":\"2024-10-03T02:46:57.050170Z\"}]}";
        }
    }

    private static String qty(Random random) {
        return BigDecimal.valueOf(1 + random.nextInt(99_999_999), 8).toPlainString();
    }

    private void freshSession(SessionOutput out) {
        session = new KrakenSession(SETTINGS);
        session.subscribe(List.of(SYMBOL), new BlackholeOutput(blackhole));
        session.onText(snapshot, 0L, out);
        next = 0;
    }

    @Benchmark
    public void bookUpdate() {
        if (next == FRAMES) {
            freshSession(parseOnly);
        }
        session.onText(updates[next++], 1L, parseOnly);
    }

    @Benchmark
    public void bookUpdateVerified() {
        if (next == FRAMES) {
            freshSession(verifying);
        }
        session.onText(updates[next++], 1L, verifying);
    }
}
