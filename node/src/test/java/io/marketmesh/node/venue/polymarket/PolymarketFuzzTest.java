package io.marketmesh.node.venue.polymarket;

import static io.marketmesh.node.venue.polymarket.PolymarketTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
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

    /**
     * Found by the fuzzer: a book whose "bids" was garbled ("bid3") was taken for a book with no bids and served fresh.
     * The venue writes both sides, empty or not: a book missing one is a bad frame, and the token is resubscribed.
     */
    @Test
    void aBookMissingASideIsABadFrameAndItsTokenIsResynced() {
        PolymarketSession session = new PolymarketSession(settings(100));
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("123"), out);
        session.onText("{\"event_type\":\"book\",\"asset_id\":\"123\",\"bids\":[{\"price\":\"0.4\",\"size\":\"5\"}],"
                + "\"asks\":[{\"price\":\"0.6\",\"size\":\"5\"}],\"timestamp\":\"1\"}", 1L, out);
        assertEquals(1, out.events.size());
        out.clear();
        session.onText("{\"event_type\":\"book\",\"asset_id\":\"123\",\"bid3\":[{\"price\":\"0.4\",\"size\":\"5\"}],"
                + "\"asks\":[{\"price\":\"0.6\",\"size\":\"5\"}],\"timestamp\":\"2\"}", 2L, out);
        assertEquals(List.of("book without bids"), out.badFrameReasons());
        assertTrue(out.events.isEmpty(), "no one-sided book goes out");
        assertEquals(List.of("123"), out.staleSymbols());
        assertTrue(out.sent.stream().anyMatch(f -> f.contains("123")), "the token is resubscribed: " + out.sent);
        out.clear();
        session.onText(PolymarketTestSupport.emptyBook("123"), 3L, out);
        assertEquals(1, out.events.size(), "a book with both sides empty is a book: " + out.badFrameReasons());
    }
}
