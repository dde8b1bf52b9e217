package io.marketmesh.node.venue.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Test-side only: rewrites a Kraken WebSocket v1 book frame ({@code [id, {"as"|"a": [[price, volume, time], ...]},
 * {"bs"|"b": [...], "c": "crc"}, "book-1000", "PAIR"]}) into the v2 message carrying the same change
 * ({@code {"channel":"book","type":"snapshot"|"update","data":[{...}]}}), each price and volume written as a bare JSON
 * number with exactly the text v1 sent, the checksum as a number, the latest level time as the RFC 3339 timestamp.
 * The capture file itself is never changed.
 */
final class V1Rewrite {

    private static final ObjectMapper JSON = new ObjectMapper();

    private V1Rewrite() {
    }

    static String book(String v1Frame) {
        JsonNode frame;
        try {
            frame = JSON.readTree(v1Frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String pair = frame.get(frame.size() - 1).asText();
        StringBuilder bids = new StringBuilder();
        StringBuilder asks = new StringBuilder();
        String checksum = null;
        boolean snapshot = false;
        BigDecimal latest = null;
        for (int i = 1; i < frame.size() - 2; i++) {
            JsonNode part = frame.get(i);
            snapshot |= part.has("as") || part.has("bs");
            latest = levels(part.path("as"), asks, latest);
            latest = levels(part.path("a"), asks, latest);
            latest = levels(part.path("bs"), bids, latest);
            latest = levels(part.path("b"), bids, latest);
            if (part.has("c")) {
                checksum = part.get("c").asText();
            }
        }
        StringBuilder v2 = new StringBuilder();
        v2.append("{\"channel\":\"book\",\"type\":\"").append(snapshot ? "snapshot" : "update")
                .append("\",\"data\":[{\"symbol\":\"").append(pair).append("\",\"bids\":[").append(bids)
                .append("],\"asks\":[").append(asks).append(']');
        if (checksum != null) {
            v2.append(",\"checksum\":").append(checksum);
        }
        if (latest != null) {
            long micros = latest.movePointRight(6).longValueExact();
            Instant time = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
            v2.append(",\"timestamp\":\"").append(time).append('"');
        }
        return v2.append("}]}").toString();
    }

    private static BigDecimal levels(JsonNode levels, StringBuilder into, BigDecimal latest) {
        for (JsonNode level : levels) {
            if (into.length() > 0) {
                into.append(',');
            }
            into.append("{\"price\":").append(level.get(0).asText()).append(",\"qty\":").append(level.get(1).asText())
                    .append('}');
            BigDecimal time = new BigDecimal(level.get(2).asText());
            latest = latest == null || time.compareTo(latest) > 0 ? time : latest;
        }
        return latest;
    }
}
