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
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Kalshi frames from every capture, one after another on one socket (see {@link VenueFuzzer}).
 * A book's asks are 1 - the NO bids, legacy frames count in cents, and changes are signed: the exactness check allows
 * for each. {@code seq} per subscription shows a lost frame.
 */
class KalshiFuzzTest {

    private static final BigDecimal ONE = BigDecimal.ONE;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() {
        List<String> frames = new ArrayList<>();
        for (String file : List.of("testcode-embedded__demo_capture_2026-08-27_frames.jsonl",
                "testcode-embedded__prod_capture_2026-07-28_frames.jsonl",
                "testcode-embedded__rust_decoder_prod_frames_2026-05-29.jsonl",
                "testcode-embedded__market_lifecycle_v2_live_nats_2026-07-19.jsonl")) {
            frames.addAll(Fixtures.lines("kalshi", file));
        }
        frames.add(Fixtures.read("kalshi", "ssmd-doc__ticker_legacy_integer_cents_2024-11-26.json"));
        List<String> tickers = FuzzFrames.matches(frames, "\"market_ticker\"\\s*:\\s*\"([^\"]+)\"");
        VenueFuzzer.Report report = VenueFuzzer.of(Venue.KALSHI, () -> new KalshiSession(10, Duration.ofSeconds(10)),
                        tickers, frames)
                .wirePrices(p -> List.of(p, ONE.subtract(p), p.multiply(HUNDRED), ONE.subtract(p).multiply(HUNDRED)))
                .relativeSizes()
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }
}
