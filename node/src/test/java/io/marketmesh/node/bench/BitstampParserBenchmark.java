package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.bitstamp.BitstampSession;
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
 * Throughput of {@link BitstampSession#onText} on a live book's {@code diff_order_book} frame (the shape of the 2022
 * ethusd capture: one to three levels, sizes at eight decimals, zeros spelled {@code 0.00000000}): parse, the
 * microtimestamp check, and the {@link BookDelta} built. The frames carry rising microtimestamps, so none is refused;
 * when they run out a fresh session is spliced onto a small REST book, a few microseconds per {@value #FRAMES} frames.
 *
 * <p>Run: {@code mvn -B -pl node test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main BitstampParser -f 1 -wi 2 -i 3"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BitstampParserBenchmark {

    static final int FRAMES = 8192;
    private static final String PAIR = "ethusd";
    private static final long START = 1641343691406478L;
    private static final VenueSettings SETTINGS = new VenueSettings(Venue.BITSTAMP, true, "ws://127.0.0.1/",
            "http://127.0.0.1", List.of(), 0, 50, 1, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(5), ConfigFactory.parseMap(java.util.Map.of("recheck-interval", "0s", "ticker-interval", "0s")));

    private String[] diffs;
    private BitstampSession session;
    private SessionOutput out;
    private int next;

    @Setup
    public void setUp(Blackhole blackhole) {
        out = new BlackholeOutput(blackhole);
        diffs = new String[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            long micros = START + 1 + i * 613L;
            String bid = "[\"" + (3800 + i % 97) + "." + (10 + i % 89) + "\",\"" + (i % 4 == 0 ? "0.00000000" : "1.76200000") + "\"]";
            String ask = "[\"" + (3805 + i % 89) + "." + (10 + i % 83) + "\",\"" + (3 + i % 7) + ".30726204\"]";
            String asks = i % 3 == 0 ? "" : ask + (i % 5 == 0 ? ",[\"3900.01\",\"0.00000000\"]" : "");
            diffs[i] = "{\"data\":{\"timestamp\":\"" + micros / 1_000_000 + "\",\"microtimestamp\":\"" + micros
                    + "\",\"bids\":[" + bid + "],\"asks\":[" + asks + "]},\"channel\":\"diff_order_book_" + PAIR
                    + "\",\"event\":\"data\"}";
        }
        checkFramesAreApplied();
        freshSession();
    }

    /** A benchmark of frames the session drops would measure nothing: every prepared diff must become a delta. */
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
        };
        freshSession();
        for (String diff : diffs) {
            session.onText(diff, 1L, out);
        }
        if (deltas[0] != FRAMES) {
            throw new IllegalStateException("expected " + FRAMES + " deltas, got " + deltas[0]);
        }
        out = real;
    }

    /** A session whose book is live: subscribed, its REST snapshot fetched and spliced (nothing buffered). */
    private void freshSession() {
        session = new BitstampSession(SETTINGS);
        List<String> fetchTags = new ArrayList<>();
        SessionOutput setup = new BlackholeOutput(null) {
            @Override
            public void send(String frame) {
            }

            @Override
            public void stale(String symbol, String reason) {
                // waiting for its snapshot: expected while the session is set up
            }

            @Override
            public void fetch(String tag, FetchRequest request) {
                fetchTags.add(tag);
            }

            @Override
            public void event(MarketEvent event) {
            }
        };
        session.subscribe(List.of(PAIR), setup);
        session.onTimer("fetch|" + PAIR, setup);
        session.onFetched(fetchTags.get(0), new FetchResponse(200, "{\"timestamp\":\"1641343691\",\"microtimestamp\":\""
                + START + "\",\"bids\":[[\"3802.90\",\"0.60000000\"],[\"3802.89\",\"3.23948640\"]],"
                + "\"asks\":[[\"3805.47\",\"8.26964788\"]]}", null), setup);
        next = 0;
    }

    @Benchmark
    public void diffOrderBook() {
        if (next == FRAMES) {
            freshSession();
        }
        session.onText(diffs[next++], 1L, out);
    }
}
