package io.marketmesh.node.bench;

import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

/**
 * What the Kafka publisher pays per book record: one {@code book_delta} record (envelope and payload) encoded to the
 * JSON bytes the producer sends. One op = one record; {@code levels} changed levels per delta (a Polymarket change
 * has 1, a busy crypto frame 5-20).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordEncodingBenchmark {

    private static final int N = 256;

    @Param({"1", "5"})
    public int levels;

    private final List<MarketRecord<BookDelta>> records = new ArrayList<>();
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(5);
        MarketKey market = MarketKey.of(Venue.POLYMARKET,
                "72757300536135639417723531110983533391457976923817783769998147146228375864382");
        for (int i = 0; i < N; i++) {
            List<LevelUpdate> updates = new ArrayList<>();
            for (int l = 0; l < levels; l++) {
                updates.add(new LevelUpdate(random.nextBoolean() ? Side.BID : Side.ASK,
                        Decimals.parse("0." + (10 + random.nextInt(89))),
                        Decimals.parse(random.nextInt(5000) + "." + random.nextInt(100))));
            }
            long now = 1_795_432_490_980L + i;
            BookDelta delta = new BookDelta(market, BookDelta.Mode.ABSOLUTE, updates, 0, now - 30, now, null);
            records.add(new MarketRecord<>(MarketRecord.VERSION, market.venue().id(), market.id(), Channel.BOOK, i + 1,
                    "127.0.0.1:7355", now, now + 2, delta));
        }
    }

    @Benchmark
    public byte[] encodeBookDelta() {
        MarketRecord<BookDelta> record = records.get(next++ & (N - 1));
        return ProtocolJson.encodeRecordBytes(record);
    }
}
