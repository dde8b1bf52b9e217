package io.marketmesh.node.venue.bybit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Bybit frames from the linear socket of the 2026 recording (see {@link VenueFuzzer}). Each
 * delta's {@code u} follows the last by one, so a lost delta shows as a gap.
 */
class BybitFuzzTest {

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() throws Exception {
        List<String> linear = List.of("linear:BTCUSDT", "linear:ETHUSDT", "linear:SOLUSDT", "linear:DOGEUSDT");
        VenueFuzzer.Report report = VenueFuzzer.of(Venue.BYBIT,
                        () -> new BybitSession(BybitCategory.LINEAR, 200, 10, Duration.ofSeconds(20)), linear,
                        linearSocket())
                .healWith(io.marketmesh.node.testkit.fuzz.FuzzFrames.firstPer(linearSocket(), "\"type\":\"snapshot\"",
                        "\"topic\":\"(orderbook\\.[^\"]+)\""))
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }

    /** The frames of the recording's linear socket, in order. */
    private static List<String> linearSocket() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> frames = new java.util.ArrayList<>();
        for (String line : io.marketmesh.node.testkit.Fixtures.lines("bybit", "cryptofeed_v3__BYBIT_recording_2026-08-09.jsonl")) {
            var record = json.readTree(line);
            if ("recv".equals(record.path("t").asText()) && "BYBIT.ws.2".equals(record.path("conn").asText())) {
                frames.add(record.path("data").asText());
            }
        }
        return frames;
    }
}
