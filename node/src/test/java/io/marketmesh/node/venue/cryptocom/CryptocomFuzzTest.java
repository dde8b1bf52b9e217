package io.marketmesh.node.venue.cryptocom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.fuzz.FuzzFrames;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Crypto.com frames from every capture, each on a socket of its own (see
 * {@link VenueFuzzer}). Each delta names the update it follows ({@code pu}), so a lost one shows as a gap.
 */
class CryptocomFuzzTest {

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() {
        List<List<String>> sockets = List.of(
                Fixtures.lines("cryptocom", "doc-embedded__ws-profile_probe_2026-09-22_v1_frames.jsonl"),
                Fixtures.lines("cryptocom", "tardis-node-test__v1_frames_2022-11-01.jsonl"),
                List.of(Fixtures.read("cryptocom", "testcode-embedded__ETHUSD-PERP_book.update_depth10_2025-09-21.json").strip()),
                Fixtures.lines("cryptocom", "cryptofeed_v3__CRYPTO.COM_v2api_ws_frames_recv_only_first229_2021-11-23.jsonl"));
        List<String> instruments = FuzzFrames.matches(sockets.stream().flatMap(List::stream).toList(),
                "\"instrument_name\"\\s*:\\s*\"([A-Z0-9_-]+)\"");
        String ethSnapshot = sockets.get(0).get(2); // the probe's ETHUSD-PERP book snapshot
        VenueFuzzer.Report report = VenueFuzzer.ofSockets(Venue.CRYPTOCOM, CryptocomTestSupport::session, instruments, sockets)
                .healWith(List.of(ethSnapshot))
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }
}
