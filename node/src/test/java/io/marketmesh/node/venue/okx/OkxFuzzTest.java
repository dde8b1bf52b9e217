package io.marketmesh.node.venue.okx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.fuzz.FuzzFrames;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated OKX frames from the 2022 recording and the seqId capture (see {@link VenueFuzzer}). The CRC32
 * checksum covers the top 25 levels a side, so books are compared there.
 */
class OkxFuzzTest {

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() {
        List<String> frames = new ArrayList<>(Fixtures.lines("okx", "cryptofeed_v3__OKX_ws_frames_recv_only.jsonl"));
        frames.addAll(Fixtures.lines("okx", "testcode-embedded__roq_okx_books_seqId_2025-12-08_and_books5_2022.jsonl"));
        List<String> instruments = FuzzFrames.matches(frames, "\"instId\"\\s*:\\s*\"([A-Z0-9-]+)\"");
        AtomicLong clock = new AtomicLong(1_800_000_000_000L);
        VenueFuzzer.Report report = VenueFuzzer.of(Venue.OKX, () -> OkxTestSupport.session(clock, 450, 20),
                        instruments, frames)
                .compareLevels(25)
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }
}
