package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.polymarket.PolymarketSession;
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
 * Throughput of {@link PolymarketSession#onText} on the commonest frame: a current-format price_change.
 * Target: at least 500k frames/s on one core. Run:
 * {@code mvn -B -pl node test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main PolymarketParser -f 1 -wi 2 -i 3"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolymarketParserBenchmark {

    private static final String YES = "52114319501245915516055106046884209969926127482827954674443846427813813222426";
    private static final String NO = "60487116984468020978247225474488676749601001829886755968952521846780452448915";

    /** One level on one token: the commonest message. */
    private static final String ONE_ITEM = "{\"market\":\"0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1\","
            + "\"price_changes\":[{\"asset_id\":\"" + YES + "\",\"price\":\"0.6\",\"side\":\"BUY\",\"size\":\"3300\","
            + "\"hash\":\"bf32b3746fff40c76c98021b7f3f07261169dd26\",\"best_bid\":\"0.6\",\"best_ask\":\"0.7\"}],"
            + "\"event_type\":\"price_change\",\"timestamp\":\"1729084877448\"}";

    /** An order resting on one outcome shows on both tokens: one item each for YES and NO. */
    private static final String TWO_ITEMS = "{\"market\":\"0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1\","
            + "\"price_changes\":[{\"asset_id\":\"" + YES + "\",\"price\":\"0.6\",\"side\":\"BUY\",\"size\":\"3300\","
            + "\"hash\":\"bf32b3746fff40c76c98021b7f3f07261169dd26\",\"best_bid\":\"0.6\",\"best_ask\":\"0.7\"},"
            + "{\"asset_id\":\"" + NO + "\",\"price\":\"0.4\",\"side\":\"SELL\",\"size\":\"3300\","
            + "\"hash\":\"af32b3746fff40c76c98021b7f3f07261169dd27\",\"best_bid\":\"0.3\",\"best_ask\":\"0.4\"}],"
            + "\"event_type\":\"price_change\",\"timestamp\":\"1729084877448\"}";

    private PolymarketSession session;
    private BlackholeOutput out;

    @Setup
    public void setUp(Blackhole blackhole) {
        VenueSettings settings = new VenueSettings(Venue.POLYMARKET, true, "ws://127.0.0.1:1/ws/market",
                "http://127.0.0.1:1", List.of(), 0, 200, 100, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(5), ConfigFactory.empty());
        out = new BlackholeOutput(blackhole);
        session = new PolymarketSession(settings);
        session.subscribe(List.of(YES, NO), out);
        for (String asset : List.of(YES, NO)) {
            session.onText("{\"event_type\":\"book\",\"asset_id\":\"" + asset + "\",\"bids\":[{\"price\":\"0.5\","
                    + "\"size\":\"10\"}],\"asks\":[{\"price\":\"0.7\",\"size\":\"10\"}],\"timestamp\":\"1\"}", 0, out);
        }
    }

    @Benchmark
    public void priceChangeOneItem() {
        session.onText(ONE_ITEM, 1L, out);
    }

    @Benchmark
    public void priceChangeTwoTokens() {
        session.onText(TWO_ITEMS, 1L, out);
    }
}
