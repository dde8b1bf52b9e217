package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.binance.BinanceSession;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link BinanceSession#onText} on the book-update frame, a raw-stream {@code depthUpdate} (shape and
 * number format of the 2021 capture: eight-decimal strings): parsed, its {@code U} checked against the previous
 * {@code u}, normalized into a {@code BookDelta}. {@code levels}: 4 is about the capture's average (2.4 levels a
 * frame), 20 a busy market's 100 ms batch. The frames carry consecutive update ids, so every one is applied; when
 * they run out a fresh session is synced (subscribe, one buffered diff, the REST snapshot), a few microseconds per
 * {@value #FRAMES} frames.
 *
 * <p>Run: {@code mvn -B -pl node test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main BinanceParser -f 1 -wi 2 -i 3"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BinanceParserBenchmark {

    static final int FRAMES = 8192;
    private static final String SYMBOL = "NKNUSDT";
    private static final long FIRST_ID = 499_869_753L;
    private static final VenueSettings SETTINGS = new VenueSettings(Venue.BINANCE, true,
            "ws://127.0.0.1/ws", "http://127.0.0.1", List.of(), 0, 50, 10,
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5), ConfigFactory.empty());

    @Param({"4", "20"})
    public int levels;

    private String[] frames;
    private BinanceSession session;
    private SessionOutput out;
    private int next;

    @Setup
    public void setUp(Blackhole blackhole) {
        out = new BlackholeOutput(blackhole);
        frames = new String[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            long id = FIRST_ID + 2L * i;
            StringBuilder bids = new StringBuilder();
            StringBuilder asks = new StringBuilder();
            for (int k = 0; k < levels; k++) {
                StringBuilder side = (k & 1) == 0 ? bids : asks;
                int ticks = 1 + (i * 7 + k * 13) % 300;
                String price = String.format("0.%04d0000", (k & 1) == 0 ? 3521 - ticks : 3524 + ticks);
                String size = (i + k) % 5 == 0 ? "0.00000000" : (100 + (i * 31 + k) % 9000) + ".00000000";
                side.append(side.length() == 0 ? "" : ",").append("[\"").append(price).append("\",\"").append(size)
                        .append("\"]");
            }
            frames[i] = "{\"e\":\"depthUpdate\",\"E\":" + (1633998512568L + i * 100L) + ",\"s\":\"" + SYMBOL
                    + "\",\"U\":" + id + ",\"u\":" + (id + 1) + ",\"b\":[" + bids + "],\"a\":[" + asks + "]}";
        }
        checkFramesAreApplied();
        freshSession();
    }

    /** A benchmark of frames the session drops or buffers would measure nothing: every frame must become a delta. */
    private void checkFramesAreApplied() {
        SessionOutput real = out;
        int[] deltas = {0};
        out = new BlackholeOutput(null) {
            @Override
            public void event(MarketEvent event) {
                if (event instanceof BookDelta) {
                    deltas[0]++;
                }
            }

            @Override
            public void send(String frame) {
            }
        };
        freshSession();
        for (String frame : frames) {
            session.onText(frame, 1L, out);
        }
        if (deltas[0] != FRAMES + 1) {
            throw new IllegalStateException("expected " + (FRAMES + 1) + " deltas (the buffered one too), got " + deltas[0]);
        }
        out = real;
    }

    /** A session whose book is live just before the first prepared frame. */
    private void freshSession() {
        session = new BinanceSession(SETTINGS);
        String[] tag = new String[1];
        SessionOutput syncing = new BlackholeOutput(null) {
            @Override
            public void fetch(String fetchTag, FetchRequest request) {
                tag[0] = fetchTag;
            }

            @Override
            public void send(String frame) {
            }

            @Override
            public void event(MarketEvent event) {
                out.event(event);
            }
        };
        session.subscribe(List.of(SYMBOL), syncing);
        session.onText("{\"e\":\"depthUpdate\",\"E\":1633998512068,\"s\":\"" + SYMBOL + "\",\"U\":" + (FIRST_ID - 3)
                + ",\"u\":" + (FIRST_ID - 1) + ",\"b\":[[\"0.35130000\",\"6195.00000000\"]],\"a\":[]}", 0, syncing);
        session.onFetched(tag[0], new FetchResponse(200, "{\"lastUpdateId\":" + (FIRST_ID - 2)
                + ",\"bids\":[[\"0.35210000\",\"672.00000000\"],[\"0.35200000\",\"1144.00000000\"]],"
                + "\"asks\":[[\"0.35260000\",\"3199.00000000\"]]}", null), syncing);
        next = 0;
    }

    @Benchmark
    public void depthUpdate() {
        if (next == FRAMES) {
            freshSession();
        }
        session.onText(frames[next++], 1L, out);
    }
}
