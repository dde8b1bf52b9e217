package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.cryptocom.CryptocomAdapter;
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
 * Throughput of the Crypto.com session on its book-update frame: parse ({@code book.update}, two asks and two bids as
 * in the live probe capture, a delete among them), the {@code u}/{@code pu} chain check, and the normalized
 * {@code BookDelta}. Frames are prepared with chained {@code u}/{@code pu}, so none is a gap; when they run out a fresh
 * session takes a snapshot (a few microseconds per {@value #FRAMES} frames). The venue's {@code cs} is not computed:
 * its algorithm is unpublished.
 *
 * <p>Run: {@code mvn -B -pl node test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main CryptocomParser -f 1 -wi 2 -i 3"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CryptocomParserBenchmark {

    static final int FRAMES = 8192;
    private static final String SYMBOL = "ETHUSD-PERP";
    private static final long FIRST_U = 375554807297984L;
    private static final VenueSettings SETTINGS = new VenueSettings(Venue.CRYPTOCOM, true,
            "ws://127.0.0.1/exchange/v1/market", "http://127.0.0.1/exchange/v1", List.of(), 0, 50, 10,
            Duration.ofSeconds(30), Duration.ofSeconds(45), Duration.ofSeconds(5),
            ConfigFactory.parseMap(Map.of("connect-wait", "0s")));

    private final CryptocomAdapter adapter = new CryptocomAdapter();
    private String[] deltas;
    private VenueSession session;
    private SessionOutput out;
    private int next;

    @Setup
    public void setUp(Blackhole blackhole) {
        out = new BlackholeOutput(blackhole);
        deltas = new String[FRAMES];
        long u = FIRST_U;
        for (int i = 0; i < FRAMES; i++) {
            long pu = u;
            u += 10_000 + (i * 7919L) % 500_000;
            String ask = String.format("%d.%02d", 2750 + i % 7, i % 100);
            String bid = String.format("%d.%02d", 2748 - i % 5, (i * 3) % 100);
            deltas[i] = "{\"id\":-1,\"method\":\"subscribe\",\"code\":0,\"result\":{\"instrument_name\":\"" + SYMBOL
                    + "\",\"subscription\":\"book." + SYMBOL + ".50\",\"channel\":\"book.update\",\"depth\":50,"
                    + "\"data\":[{\"update\":{\"asks\":[[\"" + ask + "\",\"0\",\"0\"],[\"2753.11\",\"0." + (1000 + i % 9000)
                    + "\",\"1\"]],\"bids\":[[\"" + bid + "\",\"0\",\"0\"],[\"2748.10\",\"5.4" + (100 + i % 900)
                    + "\",\"1\"]]},\"t\":" + (1790114273659L + i) + ",\"tt\":" + (1790114273655L + i) + ",\"u\":" + u
                    + ",\"pu\":" + pu + ",\"cs\":1522984915}]}}";
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
        session = adapter.newSession(SETTINGS);
        session.subscribe(List.of(SYMBOL), out);
        session.onText("{\"id\":-1,\"method\":\"subscribe\",\"code\":0,\"result\":{\"instrument_name\":\"" + SYMBOL
                + "\",\"subscription\":\"book." + SYMBOL + ".50\",\"channel\":\"book\",\"depth\":50,\"data\":[{\"asks\":"
                + "[[\"2749.62\",\"0.2008\",\"2\"]],\"bids\":[[\"2749.61\",\"0.0786\",\"2\"]],\"t\":1790114273395,"
                + "\"tt\":1790114273346,\"u\":" + FIRST_U + ",\"cs\":-1183713967}]}}", 0, out);
        next = 0;
    }

    @Benchmark
    public void bookUpdate() {
        if (next == FRAMES) {
            freshSession();
        }
        session.onText(deltas[next++], 1L, out);
    }
}
