package io.marketmesh.node.venue.okx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.testkit.fuzz.FuzzFrames;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
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
        List<List<String>> sockets = List.of(Fixtures.lines("okx", "cryptofeed_v3__OKX_ws_frames_recv_only.jsonl"),
                Fixtures.lines("okx", "testcode-embedded__roq_okx_books_seqId_2025-12-08_and_books5_2022.jsonl"));
        List<String> instruments = FuzzFrames.matches(sockets.stream().flatMap(List::stream).toList(), "\"instId\"\\s*:\\s*\"([A-Z0-9-]+)\"");
        AtomicLong clock = new AtomicLong(1_800_000_000_000L);
        VenueFuzzer.Report report = VenueFuzzer.ofSockets(Venue.OKX, () -> OkxTestSupport.session(clock, 450, 20),
                        instruments, sockets)
                .compareLevels(25)
                .healWith(FuzzFrames.firstPer(sockets.get(0), "\"action\":\"snapshot\"", "\"instId\":\"([A-Z0-9-]+)\""))
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }

    /** Found by the fuzzer: the scanner skipped unknown values recursively, and 10,000 brackets overflowed the stack. */
    @Test
    void aFrameNestedThousandsDeepIsOneBadFrame() {
        OkxSession session = OkxTestSupport.session(new AtomicLong(1_800_000_000_000L), 450, 20);
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("BTC-USDT"), out);
        out.clear();
        session.onText("{\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},\"x\":" + "[".repeat(10_000)
                + "]".repeat(10_000) + "}", 1_800_000_000_000L, out);
        assertEquals(1, out.badFrames.size(), out.badFrameReasons().toString());
        assertTrue(out.badFrames.get(0).reason().contains("nested deeper than 1000"), out.badFrameReasons().toString());
        session.onText("{\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}", 1_800_000_000_000L, out);
        assertTrue(out.badFrames.size() <= 2, "a frame within the limit is read (and refused only for what it says)");
    }

    /** Found by the fuzzer: the scanner that promises to refuse anything that is not JSON read 00012 as a number. */
    @Test
    void aNumberWithLeadingZerosIsABadFrame() {
        OkxSession session = OkxTestSupport.session(new AtomicLong(1_800_000_000_000L), 450, 20);
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("UNI-USD-SWAP"), out);
        out.clear();
        session.onText("{\"arg\":{\"channel\":\"books\",\"instId\":\"UNI-USD-SWAP\"},\"action\":\"update\",\"data\":"
                + "[{\"asks\":[[\"5.149\",\"272\",\"0\",\"3\"]],\"bids\":[],\"ts\":\"1652459227127\",\"checksum\":00012}]}",
                1_800_000_000_000L, out);
        assertEquals(1, out.badFrames.size(), out.badFrameReasons().toString());
        assertTrue(out.badFrames.get(0).reason().contains("leading zero"), out.badFrameReasons().toString());
        assertTrue(out.events.isEmpty());
    }
}
