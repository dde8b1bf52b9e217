package io.marketmesh.node.venue.binance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import io.marketmesh.node.testkit.RecordingOutput;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Binance frames from the 2021 recording, each REST snapshot the session asks for answered with
 * the one recorded (see {@link VenueFuzzer}). Each diff's {@code U} follows the last {@code u}, so a lost one shows.
 */
class BinanceFuzzTest {

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> snapshots = new HashMap<>();
        List<String> frames = new ArrayList<>();
        for (String line : Fixtures.lines("binance", BinanceTestSupport.RECORDING)) {
            JsonNode record = json.readTree(line);
            switch (record.get("t").asText()) {
                case "http" -> {
                    String url = record.get("url").asText();
                    if (url.contains("/api/v3/depth?symbol=")) {
                        snapshots.put(url.replaceAll(".*symbol=([A-Z]+).*", "$1"), record.get("data").asText());
                    }
                }
                case "recv" -> frames.add(record.get("data").asText());
                default -> {
                }
            }
        }
        AtomicLong clock = new AtomicLong(BinanceTestSupport.RECEIVED_AT);
        VenueFuzzer.Report report = VenueFuzzer.of(Venue.BINANCE,
                        () -> BinanceTestSupport.session(10, Map.of("trade-stream", "aggTrade"), clock),
                        List.of("NKNUSDT", "BLZETH", "LRCBTC", "RUNEEUR"), frames)
                .rest(request -> snapshots.get(request.url().replaceAll(".*symbol=([A-Z]+).*", "$1")))
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }

    /**
     * Found by the fuzzer: a diff whose {@code b} was not an array was read as "no bid changes", spent its update ids,
     * and the original, resent, was ignored as already applied: a lost change served fresh.
     */
    @Test
    void aDiffWithoutItsLevelArraysIsABadFrame() {
        BinanceSession session = BinanceTestSupport.session(new AtomicLong(BinanceTestSupport.RECEIVED_AT));
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("BLZETH"), out);
        out.clear();
        session.onText("{\"e\":\"depthUpdate\",\"E\":1633998523573,\"s\":\"BLZETH\",\"U\":281916630,\"u\":281916630,"
                + "\"b\":true,\"a\":[]}", BinanceTestSupport.RECEIVED_AT, out);
        assertEquals(List.of("Binance depthUpdate without b or a levels"), out.badFrameReasons());
        assertTrue(out.events.isEmpty() && out.fetches.isEmpty(), "nothing buffered, nothing fetched for it");
    }
}
