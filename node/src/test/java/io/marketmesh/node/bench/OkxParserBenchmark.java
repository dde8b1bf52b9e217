package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.market.BookVerifier;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.okx.OkxSession;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of OKX's {@code books} update frame: {@link OkxSession#onText} (streaming parse, {@code seqId} chain
 * check, levels normalized into a {@link BookDelta} with its checksum claim) and, in {@link #booksUpdateWithChecksum},
 * also what the MarketActor then does with it: the change applied to a 400-level book (window kept) and the venue's
 * CRC32 over the top 25 levels recomputed by the node's own {@code BookVerifier} and compared.
 *
 * <p>The frames are shaped like the venue's (BTC-USDT, {@code [px, sz, "0", orders]}, {@link #levels} level changes on
 * average, about a fifth of them removals, {@code seqId} stepping by 1 to 5), each carrying the checksum of the true book after it, so
 * every check passes; when they run out a fresh session and book are set up from the snapshot.
 *
 * <p>Run: {@code java -cp <test classpath> org.openjdk.jmh.Main OkxParserBenchmark -f 1 -wi 2 -i 3} (see
 * docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OkxParserBenchmark {

    static final int FRAMES = 4096;
    private static final String INST = "BTC-USDT";
    private static final BigDecimal TICK = new BigDecimal("0.1");
    private static final VenueSettings SETTINGS = new VenueSettings(Venue.OKX, true, "ws://127.0.0.1/ws/v5/public",
            "http://127.0.0.1", List.of(), 0, 20, 20, Duration.ofSeconds(20), Duration.ofSeconds(30),
            Duration.ofSeconds(5), ConfigFactory.empty());
    /**
     * Level changes per update frame, on average: 20 as on BTC-USDT (the 2022 capture's updates have 19 as median, 25
     * as mean; OKX batches 100 ms of changes), 2 as on a quiet instrument.
     */
    @Param({"20", "2"})
    public int levels;

    private String snapshot;
    private String[] updates;
    private OkxSession session;
    private Capture out;
    private OrderBook book;
    private final BookVerifier verifier = new BookVerifier();
    private BookClaim lastClaim;
    private int next;

    /** Keeps the last event, so the benchmark can hand it to the book as the MarketActor would. */
    private static final class Capture extends BlackholeOutput {
        MarketEvent last;

        Capture(Blackhole blackhole) {
            super(blackhole);
        }

        @Override
        public void event(MarketEvent event) {
            last = event;
        }

        @Override
        public void send(String frame) {
        }
    }

    @Setup
    public void setUp(Blackhole blackhole) {
        prepareFrames(new Random(42));
        out = new Capture(blackhole);
        freshSession();
        for (int i = 0; i < FRAMES; i++) {
            // A benchmark of frames that fail a check would measure the failure path: every one must pass.
            String failed = applyAndVerify(updates[next++]);
            if (failed != null) {
                throw new IllegalStateException("prepared frame " + i + " fails: " + failed);
            }
        }
        freshSession();
    }

    private void freshSession() {
        session = new OkxSession(SETTINGS);
        session.subscribe(List.of(INST), out);
        session.onText(snapshot, 1L, out);
        BookSnapshot s = (BookSnapshot) out.last;
        book = new OrderBook();
        book.replace(s.bids(), s.asks());
        book.keepBest(s.depthLimit());
        lastClaim = s.claim();
        String failed = verifier.verify(s.claim(), book);
        if (failed != null) {
            throw new IllegalStateException("prepared snapshot fails its checksum");
        }
        next = 0;
    }

    /** Parse, chain check, normalize; then apply and verify the checksum as the MarketActor does. */
    private String applyAndVerify(String frame) {
        out.last = null;
        session.onText(frame, 1L, out);
        BookDelta delta = (BookDelta) out.last;
        book.apply(delta.updates(), false);
        book.keepBest(400);
        return verifier.verify(delta.claim(), book);
    }

    @Benchmark
    public Object booksUpdate() {
        if (next == FRAMES) {
            freshSession();
        }
        session.onText(updates[next++], 1L, out);
        return out.last;
    }

    @Benchmark
    public String booksUpdateWithChecksum() {
        if (next == FRAMES) {
            freshSession();
        }
        return applyAndVerify(updates[next++]);
    }

    /** The node's checksum of the current book alone (what {@link #booksUpdateWithChecksum} adds, less the apply). */
    @Benchmark
    public String checksumOnly() {
        return verifier.verify(lastClaim, book);
    }

    // ---------------------------------------------------------------- the prepared feed

    private void prepareFrames(Random random) {
        TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
        TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        BigDecimal mid = new BigDecimal("65000.0");
        for (int i = 1; i <= 400; i++) {
            bids.put(mid.subtract(TICK.multiply(BigDecimal.valueOf(i))), size(random));
            asks.put(mid.add(TICK.multiply(BigDecimal.valueOf(i))), size(random));
        }
        long seqId = 9_690_930_615L;
        snapshot = frame("snapshot", levels(bids, 400), levels(asks, 400), checksum(bids, asks), seqId, -1);
        updates = new String[FRAMES];
        for (int f = 0; f < FRAMES; f++) {
            StringBuilder bidLevels = new StringBuilder();
            StringBuilder askLevels = new StringBuilder();
            int changes = levels / 2 + random.nextInt(levels + 1); // levels on average
            for (int c = 0; c < changes; c++) {
                boolean bid = random.nextBoolean();
                TreeMap<BigDecimal, BigDecimal> side = bid ? bids : asks;
                // Near the touch, where a live book moves; never across it.
                BigDecimal best = bid ? asks.firstKey().subtract(TICK) : bids.firstKey().add(TICK);
                BigDecimal price = bid ? best.subtract(TICK.multiply(BigDecimal.valueOf(random.nextInt(40))))
                        : best.add(TICK.multiply(BigDecimal.valueOf(random.nextInt(40))));
                BigDecimal size = side.containsKey(price) && side.size() > 30 && random.nextInt(5) == 0 ? BigDecimal.ZERO
                        : size(random);
                if (size.signum() == 0) {
                    side.remove(price);
                } else {
                    side.put(price, size);
                }
                StringBuilder into = bid ? bidLevels : askLevels;
                if (!into.isEmpty()) {
                    into.append(',');
                }
                into.append("[\"").append(plain(price)).append("\",\"").append(plain(size)).append("\",\"0\",\"")
                        .append(size.signum() == 0 ? 0 : 1 + random.nextInt(30)).append("\"]");
            }
            // The venue's book is a 400-level window: what falls below it is gone without a word.
            while (bids.size() > 400) {
                bids.pollLastEntry();
            }
            while (asks.size() > 400) {
                asks.pollLastEntry();
            }
            long prev = seqId;
            seqId += 1 + random.nextInt(5);
            updates[f] = frame("update", bidLevels.toString(), askLevels.toString(), checksum(bids, asks), seqId, prev);
        }
    }

    private static BigDecimal size(Random random) {
        return BigDecimal.valueOf(1 + random.nextInt(2_000_000_000), 8).stripTrailingZeros();
    }

    private static String frame(String action, String bids, String asks, int checksum, long seqId, long prevSeqId) {
        return "{\"arg\":{\"channel\":\"books\",\"instId\":\"" + INST + "\"},\"action\":\"" + action + "\",\"data\":[{"
                + "\"asks\":[" + asks + "],\"bids\":[" + bids + "],\"ts\":\"1765201257205\",\"checksum\":" + checksum
                + ",\"seqId\":" + seqId + ",\"prevSeqId\":" + prevSeqId + "}]}";
    }

    private static String levels(TreeMap<BigDecimal, BigDecimal> side, int depth) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Map.Entry<BigDecimal, BigDecimal> level : side.entrySet()) {
            if (n++ == depth) {
                break;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append("[\"").append(plain(level.getKey())).append("\",\"").append(plain(level.getValue()))
                    .append("\",\"0\",\"3\"]");
        }
        return sb.toString();
    }

    /** OKX's checksum of the true book, written independently of the node's verifier; signed, as the venue sends it. */
    private static int checksum(TreeMap<BigDecimal, BigDecimal> bids, TreeMap<BigDecimal, BigDecimal> asks) {
        StringBuilder text = new StringBuilder();
        Iterator<Map.Entry<BigDecimal, BigDecimal>> b = bids.entrySet().iterator();
        Iterator<Map.Entry<BigDecimal, BigDecimal>> a = asks.entrySet().iterator();
        for (int i = 0; i < 25; i++) {
            for (Iterator<Map.Entry<BigDecimal, BigDecimal>> side : List.of(b, a)) {
                if (side.hasNext()) {
                    Map.Entry<BigDecimal, BigDecimal> level = side.next();
                    if (!text.isEmpty()) {
                        text.append(':');
                    }
                    text.append(plain(level.getKey())).append(':').append(plain(level.getValue()));
                }
            }
        }
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        return (int) crc.getValue();
    }

    private static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
