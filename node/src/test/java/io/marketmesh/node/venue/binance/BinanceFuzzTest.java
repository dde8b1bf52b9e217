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
}
