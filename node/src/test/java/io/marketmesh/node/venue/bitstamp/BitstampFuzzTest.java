package io.marketmesh.node.venue.bitstamp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.util.List;
import static org.junit.jupiter.api.Assertions.assertEquals;
import io.marketmesh.node.testkit.RecordingOutput;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Bitstamp frames from the 2022 session, each REST snapshot the session fetches answered with the
 * one recorded (see {@link VenueFuzzer}). The diff channel has no sequence numbers: a valid-looking mutation cannot
 * be told from the truth, so only frames no honest venue sends must leave the books alone.
 */
class BitstampFuzzTest {

    private static final List<String> PAIRS = List.of("sgbeur", "ethusd", "xrpeur", "bateur", "usdteur", "usdtusd",
            "xlmgbp", "adaeur", "batbtc", "galaeur");

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() {
        List<String> frames = Fixtures.lines("bitstamp", "cryptofeed_master__BITSTAMP_ws_frames_recv_only_2022-01-05.jsonl");
        VenueFuzzer.Report report = VenueFuzzer.of(Venue.BITSTAMP, BitstampTestSupport::session, PAIRS, frames)
                .rest(request -> {
                    String pair = request.url().replaceAll(".*/order_book/([a-z]+)/?$", "$1");
                    return PAIRS.contains(pair)
                            ? Fixtures.read("bitstamp", "cryptofeed_master__BITSTAMP_rest_order_book_" + pair + "_2022-01-05.json")
                            : null;
                })
                .fireTimers(tag -> tag.startsWith("fetch|"))
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }

    /** Found by the fuzzer: a channel that was an array stopped the read there, and the broken rest went uncounted. */
    @Test
    void aFrameBrokenAfterAnArrayChannelIsABadFrame() {
        BitstampSession session = BitstampTestSupport.session();
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("ethusd"), out);
        out.clear();
        session.onText("{\"event\":\"bts:subscription_succeeded\",\"channel\":[[[[", 1L, out);
        assertEquals(1, out.badFrames.size(), out.badFrameReasons().toString());
        session.onText("{\"event\":\"bts:subscription_succeeded\",\"channel\":\"diff_order_book_ethusd\",\"data\":{}} x", 2L, out);
        assertEquals(2, out.badFrames.size(), "trailing data too: " + out.badFrameReasons());
    }
}
