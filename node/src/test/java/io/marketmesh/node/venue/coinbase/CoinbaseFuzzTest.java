package io.marketmesh.node.venue.coinbase;

import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Coinbase frames from the 2026 recording (see {@link VenueFuzzer}). Every frame carries the
 * socket's sequence number, so a frame lost (replaced by a mutated one) shows as a gap.
 */
class CoinbaseFuzzTest {

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() {
        List<String> frames = Fixtures.lines("coinbase", "cryptofeed_v3__COINBASE_ws_frames_recv_only.jsonl");
        VenueFuzzer.Report report = VenueFuzzer.of(Venue.COINBASE, () -> new CoinbaseSession(settings(10)),
                        List.of("BTC-USD", "ETH-USD"), frames)
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }
}
