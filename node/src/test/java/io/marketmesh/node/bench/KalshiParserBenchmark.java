package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.kalshi.KalshiSession;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link KalshiSession#onText} on the most common Kalshi frame, a 2026-format orderbook_delta
 * (shape copied from the demo capture). The frames are prepared with consecutive seq numbers so no gap is ever
 * reported; when they run out, a fresh session is set up (subscribe, confirmation, snapshot), which costs a few
 * microseconds per {@value #FRAMES} frames.
 *
 * <p>Run: {@code mvn -B -pl node test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main KalshiParser -f 1 -wi 2 -i 3"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KalshiParserBenchmark {

    static final int FRAMES = 8192;
    private static final String TICKER = "KXGOLDH-26AUG2711-T4615.99";
    private static final VenueSettings SETTINGS = new VenueSettings(Venue.KALSHI, true,
            "ws://127.0.0.1/trade-api/ws/v2", "http://127.0.0.1/trade-api/v2", List.of(), 0, 500, 100,
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5), ConfigFactory.empty());

    private String[] deltas;
    private KalshiSession session;
    private SessionOutput out;
    private int next;

    @Setup
    public void setUp(Blackhole blackhole) {
        out = new BlackholeOutput(blackhole);
        deltas = new String[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            long seq = i + 2; // the snapshot takes seq 1
            String side = (i & 1) == 0 ? "yes" : "no";
            String price = String.format("0.%04d", 100 + (i % 97) * 50);
            String delta = ((i % 3) == 0 ? "-" : "") + (1 + i % 500) + ".00";
            long tsMs = 1787838983996L + i;
            deltas[i] = "{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":" + seq + ",\"msg\":{\"market_ticker\":\"" + TICKER
                    + "\",\"market_id\":\"ef793c45-beed-4096-8a3a-1c70af894be7\",\"price_dollars\":\"" + price
                    + "\",\"delta_fp\":\"" + delta + "\",\"side\":\"" + side + "\",\"ts\":\"2026-08-27T13:56:23.996443Z\",\"ts_ms\":"
                    + tsMs + "}}";
        }
        checkFramesAreApplied();
        freshSession();
    }

    /** A benchmark of frames the session drops would measure nothing: every prepared delta must become an event. */
    private void checkFramesAreApplied() {
        SessionOutput real = out;
        int[] events = {0};
        out = new BlackholeOutput(null) {
            @Override
            public void event(MarketEvent event) {
                events[0]++;
            }

            @Override
            public void send(String frame) {
            }
        };
        freshSession();
        for (String delta : deltas) {
            session.onText(delta, 1L, out);
        }
        if (events[0] != FRAMES + 1) {
            throw new IllegalStateException("expected a snapshot and " + FRAMES + " deltas, got " + events[0] + " events");
        }
        out = real;
    }

    private void freshSession() {
        session = new KalshiSession(SETTINGS);
        session.subscribe(List.of(TICKER), out);
        session.onText("{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":1}}", 0, out);
        session.onText("{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"" + TICKER
                + "\",\"market_id\":\"ef793c45-beed-4096-8a3a-1c70af894be7\",\"yes_dollars_fp\":[[\"0.0100\",\"1410.00\"]],"
                + "\"no_dollars_fp\":[[\"0.0100\",\"100.00\"],[\"0.0200\",\"2500.00\"]]}}", 0, out);
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
