package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.coinbase.CoinbaseSession;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
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
 * Throughput of {@link CoinbaseSession#onText} on the Advanced Trade book-update frame: parse, sequence_num check,
 * normalization into a {@code BookDelta}. The frames are the 773 real {@code l2_data} updates of the BTC-USD/ETH-USD
 * recording (one to a few dozen levels each), renumbered consecutively so the sequence check passes on every one;
 * each session starts with a small snapshot per product, and when the frames run out a fresh session is set up.
 *
 * <p>Run: {@code mvn -B -pl node test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main CoinbaseParser -f 1 -wi 2 -i 3"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoinbaseParserBenchmark {

    private static final VenueSettings SETTINGS = new VenueSettings(Venue.COINBASE, true,
            "wss://advanced-trade-ws.coinbase.com", "https://api.coinbase.com", List.of(), 0, 16, 16,
            Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(5), ConfigFactory.empty());
    private static final String[] SNAPSHOTS = {
        "{\"channel\":\"l2_data\",\"client_id\":\"\",\"timestamp\":\"2026-08-09T21:05:48.4Z\",\"sequence_num\":0,"
                + "\"events\":[{\"type\":\"snapshot\",\"product_id\":\"BTC-USD\",\"updates\":[{\"side\":\"bid\","
                + "\"event_time\":\"2026-08-09T21:05:48.17Z\",\"price_level\":\"65083.66\",\"new_quantity\":\"0.2\"}]}]}",
        "{\"channel\":\"l2_data\",\"client_id\":\"\",\"timestamp\":\"2026-08-09T21:05:48.4Z\",\"sequence_num\":1,"
                + "\"events\":[{\"type\":\"snapshot\",\"product_id\":\"ETH-USD\",\"updates\":[{\"side\":\"bid\","
                + "\"event_time\":\"2026-08-09T21:05:48.17Z\",\"price_level\":\"1919.44\",\"new_quantity\":\"0.2\"}]}]}"};

    private String[] updates;
    private CoinbaseSession session;
    private SessionOutput out;
    private int next;

    @Setup
    public void setUp(Blackhole blackhole) {
        out = new BlackholeOutput(blackhole);
        List<String> frames = new ArrayList<>();
        for (String frame : Fixtures.lines("coinbase", "cryptofeed_v3__COINBASE_ws_frames_recv_only.jsonl")) {
            if (frame.startsWith("{\"channel\":\"l2_data\"") && frame.contains("\"type\":\"update\"")) {
                long sequence = SNAPSHOTS.length + frames.size();
                frames.add(frame.replaceFirst("\"sequence_num\":\\d+", "\"sequence_num\":" + sequence));
            }
        }
        updates = frames.toArray(String[]::new);
        checkFramesAreApplied();
        freshSession();
    }

    /** A benchmark of frames the session drops would measure nothing: every prepared update must become a delta. */
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
        for (String update : updates) {
            session.onText(update, 1L, out);
        }
        if (updates.length != 773 || deltas[0] != updates.length
                || session.counts().sequenceFailures() != 0 || session.counts().sequenceChecks() != updates.length + 2) {
            throw new IllegalStateException("expected 773 deltas with every sequence_num in order, got " + deltas[0]
                    + " of " + updates.length + ", " + session.counts());
        }
        out = real;
    }

    private void freshSession() {
        session = new CoinbaseSession(SETTINGS);
        session.subscribe(List.of("BTC-USD", "ETH-USD"), out);
        for (String snapshot : SNAPSHOTS) {
            session.onText(snapshot, 0, out);
        }
        next = 0;
    }

    @Benchmark
    public void l2Update() {
        if (next == updates.length) {
            freshSession();
        }
        session.onText(updates[next++], 1L, out);
    }
}
