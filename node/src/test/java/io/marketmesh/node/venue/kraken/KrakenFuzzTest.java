package io.marketmesh.node.venue.kraken;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.fuzz.FuzzFrames;
import io.marketmesh.node.testkit.fuzz.VenueFuzzer;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated Kraken v2 book frames (the ALGO/USD capture and the 2021 v1 recording's book frames written as
 * v2, checksums included; see {@link VenueFuzzer} for what is checked). Kraken's CRC32 covers the top 10 levels, so
 * books are compared there: a lost change below them is invisible until it rises into them, when the checksum fails.
 */
class KrakenFuzzTest {

    @Test
    void mutatedFramesNeverServeAWrongBookAndAreCounted() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> algo = Fixtures.lines("kraken", "readme-embedded__ALGO-USD_v2_book_2024-10-03_frames.jsonl");
        List<String> frames = new ArrayList<>();
        for (String line : Fixtures.lines("kraken", "cryptofeed_v3__KRAKEN_ws_frames_recv_only.jsonl")) {
            JsonNode frame = json.readTree(line);
            if (frame.isArray() && frame.get(frame.size() - 2).asText().startsWith("book-")) {
                frames.add(V1Rewrite.book(line));
            }
        }
        List<String> pairs = FuzzFrames.matches(java.util.stream.Stream.concat(algo.stream(), frames.stream()).toList(), "\"symbol\":\"([A-Z0-9]+/[A-Z0-9]+)\"");
        VenueFuzzer.Report report = VenueFuzzer.ofSockets(Venue.KRAKEN, () -> new KrakenSession(1000, 10, Duration.ofSeconds(10)),
                        pairs, List.of(algo, frames))
                .compareLevels(10)
                .healWith(List.of(algo.get(1)))
                .detectsLoss()
                .run();
        assertTrue(report.badFrames() > report.mutated() / 4, "most mutated frames are refused and counted: " + report);
    }
}
