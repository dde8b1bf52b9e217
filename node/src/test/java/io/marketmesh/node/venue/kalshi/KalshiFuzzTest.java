package io.marketmesh.node.venue.kalshi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.fuzz.FuzzFrames;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import static org.junit.jupiter.api.Assertions.assertEquals;
import io.marketmesh.node.testkit.RecordingOutput;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Kalshi frames from every capture, each on a socket of its own (see {@link VenueFuzzer}).
 * A book's asks are 1 - the NO bids, legacy frames count in cents, and changes are signed: the exactness check allows
 * for each. {@code seq} per subscription shows a lost frame.
 */
class KalshiFuzzTest {

    private static final BigDecimal ONE = BigDecimal.ONE;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() {
        List<List<String>> sockets = new ArrayList<>();
        for (String file : List.of("testcode-embedded__demo_capture_2026-08-27_frames.jsonl",
                "testcode-embedded__prod_capture_2026-07-28_frames.jsonl",
                "testcode-embedded__rust_decoder_prod_frames_2026-05-29.jsonl",
                "testcode-embedded__market_lifecycle_v2_live_nats_2026-07-19.jsonl")) {
            sockets.add(Fixtures.lines("kalshi", file));
        }
        sockets.add(List.of(Fixtures.read("kalshi", "ssmd-doc__ticker_legacy_integer_cents_2024-11-26.json")));
        List<String> tickers = FuzzFrames.matches(sockets.stream().flatMap(List::stream).toList(), "\"market_ticker\"\\s*:\\s*\"([^\"]+)\"");
        VenueFuzzer.Report report = VenueFuzzer.ofSockets(Venue.KALSHI, () -> new KalshiSession(10, Duration.ofSeconds(10)),
                        tickers, sockets)
                .wirePrices(p -> List.of(p, ONE.subtract(p), p.multiply(HUNDRED), ONE.subtract(p).multiply(HUNDRED)))
                .relativeSizes()
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }

    /**
     * Found by the fuzzer: a delta whose {@code seq} was null was applied unchecked, and its original (same seq) then
     * added the same signed change again: 1430 contracts served fresh where the venue had 1420.
     */
    @Test
    void aBookFrameWithoutSeqIsABadFrame() {
        List<String> demo = Fixtures.lines("kalshi", "testcode-embedded__demo_capture_2026-08-27_frames.jsonl");
        KalshiSession session = new KalshiSession(10, Duration.ofSeconds(10));
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("KXGOLDH-26AUG2711-T4615.99"), out);
        session.onText(demo.get(0), 1L, out); // subscribed
        session.onText(demo.get(1), 2L, out); // snapshot, seq 1
        out.clear();
        String delta = demo.get(2);
        session.onText(delta.replace("\"seq\":2", "\"seq\":null"), 3L, out);
        assertEquals(List.of("Kalshi orderbook_delta without seq"), out.badFrameReasons());
        assertTrue(out.events.isEmpty());
        session.onText(delta, 4L, out);
        assertEquals(1, out.events.size(), "the original applies once: " + out.events);
    }
}
