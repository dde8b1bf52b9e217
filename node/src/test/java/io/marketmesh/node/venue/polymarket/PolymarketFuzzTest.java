package io.marketmesh.node.venue.polymarket;

import static io.marketmesh.node.venue.polymarket.PolymarketTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.fuzz.FuzzFrames;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Polymarket frames made from the real captures (see {@link VenueFuzzer} for what is checked).
 * The market channel has no sequence numbers or checksum: a valid-looking mutation cannot be told from the truth,
 * so only the frames no honest venue sends must leave the books alone.
 */
class PolymarketFuzzTest {

    private static final List<String> FRAMES = List.of(
            "nautilus__ws_book.json", "nautilus__ws_price_change_v2_price_changes_array.json",
            "nautilus__ws_price_change_legacy_v1.json", "nautilus__ws_last_trade_price.json",
            "nautilus__ws_best_bid_ask.json", "nautilus__ws_tick_size_change.json", "nautilus__ws_book.json",
            "nautilus__rest_GET_book.json", "nautilus__ws_new_market.json", "nautilus__ws_market_resolved.json");

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() {
        List<String> frames = FRAMES.stream().map(f -> Fixtures.read("polymarket", f)).toList();
        List<String> assets = FuzzFrames.matches(frames, "\"(?:asset_id|assets_ids)\"\\s*:\\s*\\[?\\s*\"([0-9]+)\"");
        VenueFuzzer.Report report = VenueFuzzer.of(Venue.POLYMARKET, () -> new PolymarketSession(settings(100)),
                        assets, frames)
                .healWith(List.of(Fixtures.read("polymarket", "nautilus__ws_book.json")))
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }
}
