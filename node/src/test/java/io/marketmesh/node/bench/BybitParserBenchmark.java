package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.bybit.BybitAdapter;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * Throughput of a Bybit session ({@code onText}) on its book-update frame, an {@code orderbook.50} delta of the linear
 * socket shaped like the captured ones (topic, type, ts, data with {@code s}, 3 bid and 5 ask levels at fixed decimals,
 * {@code u}, {@code seq}, then {@code cts}; the capture's deltas carry 8.6 levels on average, 5 at the median): parse,
 * the update-id chain check, and the normalized {@link BookDelta}. Bybit has no checksum. The frames carry consecutive
 * {@code u}, so no gap is ever reported (a gap would fail the run); when they run out a fresh session takes a snapshot
 * and starts over, a few microseconds per {@value #FRAMES} frames.
 *
 * <p>Target: at least 500k frames/s on one core. Run: {@code mvn -B -pl node test-compile exec:exec
 * -Dexec.executable=java -Dexec.classpathScope=test -Dexec.args="-cp %classpath org.openjdk.jmh.Main BybitParser -f 1
 * -wi 2 -i 3"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BybitParserBenchmark {

    static final int FRAMES = 8192;
    private static final long FIRST_U = 15_076_952L;
    private static final VenueSettings SETTINGS = new VenueSettings(Venue.BYBIT, true,
            "ws://127.0.0.1/v5/public/spot", "http://127.0.0.1", List.of(), 0, 50, 10, Duration.ofSeconds(20),
            Duration.ofSeconds(30), Duration.ofSeconds(5), ConfigFactory.parseMap(Map.of("depth", 50)));

    private String[] deltas;
    private String snapshot;
    private VenueSession session;
    private SessionOutput out;
    private int next;

    @Setup
    public void setUp(Blackhole blackhole) {
        out = new BlackholeOutput(blackhole);
        StringBuilder book = new StringBuilder("{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1786310818129,"
                + "\"data\":{\"s\":\"BTCUSDT\",\"b\":[");
        for (int i = 0; i < 50; i++) {
            book.append(i == 0 ? "" : ",").append("[\"").append(price(65114.20 - i * 0.1)).append("\",\"0.5\"]");
        }
        book.append("],\"a\":[");
        for (int i = 0; i < 50; i++) {
            book.append(i == 0 ? "" : ",").append("[\"").append(price(65114.30 + i * 0.1)).append("\",\"0.5\"]");
        }
        snapshot = book.append("],\"u\":").append(FIRST_U).append(",\"seq\":753843911359},\"cts\":1786310818027}")
                .toString();
        deltas = new String[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            StringBuilder delta = new StringBuilder(360).append("{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"delta\",\"ts\":")
                    .append(1786310818130L + i).append(",\"data\":{\"s\":\"BTCUSDT\",\"b\":[");
            for (int j = 0; j < 3; j++) {
                delta.append(j == 0 ? "" : ",").append("[\"").append(price(65114.20 - ((i + j * 7) % 50) * 0.1))
                        .append("\",\"").append((i + j) % 4 == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.3f", 0.001 * (1 + (i * 13 + j) % 9000)))
                        .append("\"]");
            }
            delta.append("],\"a\":[");
            for (int j = 0; j < 5; j++) {
                delta.append(j == 0 ? "" : ",").append("[\"").append(price(65114.30 + ((i + j * 5) % 50) * 0.1))
                        .append("\",\"").append((i + j) % 5 == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.3f", 0.001 * (1 + (i * 7 + j) % 9000)))
                        .append("\"]");
            }
            deltas[i] = delta.append("],\"u\":").append(FIRST_U + 1 + i).append(",\"seq\":").append(753843913870L + i * 17L)
                    .append("},\"cts\":").append(1786310818129L + i).append('}').toString();
        }
        checkFramesAreApplied();
        freshSession();
    }

    private static String price(double value) {
        return String.format(java.util.Locale.ROOT, "%.2f", value);
    }

    /** A benchmark of frames the session drops would measure nothing: every prepared delta must become an event. */
    private void checkFramesAreApplied() {
        SessionOutput real = out;
        int[] deltaEvents = {0};
        out = new BlackholeOutput(null) {
            @Override
            public void event(MarketEvent event) {
                deltaEvents[0] += event instanceof BookDelta ? 1 : 0;
            }

            @Override
            public void send(String frame) {
            }
        };
        freshSession();
        for (String delta : deltas) {
            session.onText(delta, 1L, out);
        }
        if (deltaEvents[0] != FRAMES) {
            throw new IllegalStateException("expected " + FRAMES + " deltas, got " + deltaEvents[0]);
        }
        out = real;
    }

    private void freshSession() {
        session = new BybitAdapter().newSession(SETTINGS, "linear");
        session.subscribe(List.of("linear:BTCUSDT"), out);
        session.onText(snapshot, 0, out);
        next = 0;
    }

    @Benchmark
    public void orderbookDelta() {
        if (next == FRAMES) {
            freshSession();
        }
        session.onText(deltas[next++], 1L, out);
    }
}
