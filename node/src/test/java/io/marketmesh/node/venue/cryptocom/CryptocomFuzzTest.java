package io.marketmesh.node.venue.cryptocom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.fuzz.FuzzFrames;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Crypto.com frames from every capture, one after another on one socket (see
 * {@link VenueFuzzer}). Each delta names the update it follows ({@code pu}), so a lost one shows as a gap.
 */
class CryptocomFuzzTest {

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() {
        List<String> frames = new ArrayList<>();
        frames.addAll(Fixtures.lines("cryptocom", "doc-embedded__ws-profile_probe_2026-09-22_v1_frames.jsonl"));
        frames.addAll(Fixtures.lines("cryptocom", "tardis-node-test__v1_frames_2022-11-01.jsonl"));
        frames.add(Fixtures.read("cryptocom", "testcode-embedded__ETHUSD-PERP_book.update_depth10_2025-09-21.json").strip());
        frames.addAll(Fixtures.lines("cryptocom", "cryptofeed_v3__CRYPTO.COM_v2api_ws_frames_recv_only_first229_2021-11-23.jsonl"));
        List<String> instruments = FuzzFrames.matches(frames, "\"instrument_name\"\\s*:\\s*\"([A-Z0-9_-]+)\"");
        VenueFuzzer.Report report = VenueFuzzer.of(Venue.CRYPTOCOM, CryptocomTestSupport::session, instruments, frames)
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }
}
