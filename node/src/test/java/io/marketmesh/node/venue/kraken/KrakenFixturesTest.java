package io.marketmesh.node.venue.kraken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every real Kraken capture through a session. One capture is WebSocket v2 (the ALGO/USD book, 2024): its snapshot and
 * update are parsed exactly and both checksums verify. The two cryptofeed captures (2021) are WebSocket v1, which this
 * session does not speak (arrays, {@code "event"} objects, numbers as strings): every v1 frame is refused as such, and
 * their 4,000-odd v1 book checksums, which Kraken computes by the same rule, are replayed through the v2 session after a
 * test-side rewrite into v2 messages (the numbers' text unchanged), so the session's parsing, depth and checksum
 * claims are checked on real books of ten pairs at depth 1000.
 */
class KrakenFixturesTest {

    private static final String V2_ALGO = "readme-embedded__ALGO-USD_v2_book_2024-10-03_frames.jsonl";
    private static final String V1_FRAMES = "cryptofeed_v3__KRAKEN_ws_frames_recv_only.jsonl";
    private static final String V1_RECORDING = "cryptofeed_v3__KRAKEN_recording_2021-04-17.jsonl";
    private static final long RECEIVED = 1_800_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingOutput out = new RecordingOutput();

    @Test
    void everyCapturedFileHasATestHere() {
        Set<String> files = Fixtures.all("kraken").stream().map(Path::getFileName).map(Path::toString)
                .collect(Collectors.toSet());
        assertEquals(Set.of(V2_ALGO, V1_FRAMES, V1_RECORDING), files, "a new Kraken capture needs its own test here");
    }

    @Test
    void v2CaptureParsesExactlyAndBothChecksumsVerify() {
        List<String> frames = Fixtures.lines("kraken", V2_ALGO);
        assertEquals(3, frames.size());
        KrakenSession session = new KrakenSession(10, 10, Duration.ofSeconds(10));
        session.subscribe(List.of("ALGO/USD"), out);
        out.clear();
        MarketKey algo = MarketKey.of(Venue.KRAKEN, "ALGO/USD");

        session.onText(frames.get(0), RECEIVED, out); // status: online
        StatusUpdate status = out.only(StatusUpdate.class);
        assertEquals(MarketStatus.ACTIVE, status.status());
        assertEquals("kraken system: online", status.detail());
        out.clear();

        session.onText(frames.get(1), RECEIVED, out);
        BookSnapshot snapshot = out.only(BookSnapshot.class);
        assertEquals(algo, snapshot.market());
        assertEquals(10, snapshot.depthLimit());
        assertEquals(10, snapshot.bids().size());
        assertEquals(10, snapshot.asks().size());
        assertEquals(level("0.12291", "27039.62776299"), snapshot.bids().get(0));
        assertEquals(level("0.12290", "8136.33288180"), snapshot.bids().get(1));
        assertEquals(level("0.12307", "600.00000000"), snapshot.asks().get(0));
        assertEquals(level("0.12322", "4718.99755630"), snapshot.asks().get(9));
        // 5 price and 8 qty decimals, as the venue printed them (trailing zeros included)
        assertEquals(new BookClaim.Checksum(new ChecksumLayout(10, ChecksumLayout.Order.ASKS_THEN_BIDS, "",
                ChecksumLayout.Numbers.FIXED_DIGITS, 5, 8), 2375857985L), snapshot.claim());
        assertEquals(RECEIVED, snapshot.receivedAt());
        out.clear();

        session.onText(frames.get(2), RECEIVED + 1, out);
        BookDelta update = out.only(BookDelta.class);
        assertEquals(BookDelta.Mode.ABSOLUTE, update.mode());
        assertEquals(List.of(new LevelUpdate(Side.BID, d("0.12275"), d("6597.51731160"))), update.updates());
        assertEquals(Instant.parse("2024-10-03T02:46:57.050Z").toEpochMilli(), update.venueTimestamp());
        assertEquals(1100635717L, ((BookClaim.Checksum) update.claim()).expected());

        VerifiedBooks books = new VerifiedBooks();
        books.apply(snapshot);
        books.apply(update);
        assertEquals(List.of(), books.failures);
        assertEquals(2, books.verified);
        assertTrue(out.badFrames.isEmpty(), out.badFrameReasons().toString());
        assertEquals(new KrakenCounters(1, 1, 2, 0, 0, 0, 0, 0, 0), session.counters());
    }

    @Test
    void aMissedChangeFailsTheNextChecksumAndTheResyncRefetchesTheBook() {
        List<String> frames = Fixtures.lines("kraken", V2_ALGO);
        KrakenSession session = new KrakenSession(10, 10, Duration.ofSeconds(10));
        session.subscribe(List.of("ALGO/USD"), out);
        session.onText(frames.get(1), RECEIVED, out);
        VerifiedBooks books = new VerifiedBooks();
        books.applyAll(out.events);
        assertEquals(1, books.verified);
        // A change the venue made but this node never received: an ask at 0.12306.
        books.book(MarketKey.of(Venue.KRAKEN, "ALGO/USD")).set(Side.ASK, d("0.12306"), d("1"));
        out.clear();

        session.onText(frames.get(2), RECEIVED, out);
        books.applyAll(out.events);
        assertEquals(1, books.failures.size());
        assertTrue(books.failures.get(0).contains("checksum mismatch"), books.failures.toString());

        // The market's actor now asks for a fresh snapshot: the documented way is unsubscribe, then subscribe.
        out.clear();
        session.resync("ALGO/USD", out);
        assertEquals(List.of(
                "{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"ALGO/USD\"],\"depth\":10},\"req_id\":5}",
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"ALGO/USD\"],\"depth\":10,\"snapshot\":true},\"req_id\":6}"),
                out.sent);
        // Updates of the old subscription still in flight are dropped; the new snapshot heals the book.
        out.clear();
        session.onText(frames.get(2), RECEIVED, out);
        assertTrue(out.events.isEmpty());
        session.onText(frames.get(1), RECEIVED, out);
        session.onText(frames.get(2), RECEIVED, out);
        books.failures.clear();
        books.applyAll(out.events);
        assertEquals(List.of(), books.failures);
        KrakenCounters counters = session.counters();
        assertEquals(1, counters.resyncsRequested());
        assertEquals(1, counters.updatesAwaitingSnapshot());
    }

    @Test
    void v1FramesAreRefusedAsV1() {
        List<String> frames = Fixtures.lines("kraken", V1_FRAMES);
        assertEquals(4430, frames.size());
        KrakenSession session = new KrakenSession(1000, 10, Duration.ofSeconds(10));
        session.subscribe(List.of("XMR/USD", "XBT/CHF"), out);
        out.clear();
        for (String frame : frames) {
            session.onText(frame, RECEIVED, out);
        }
        assertTrue(out.events.isEmpty(), "no event from a v1 frame");
        assertEquals(frames.size(), out.badFrames.size());
        assertTrue(out.badFrameReasons().stream().allMatch(r -> r.contains("v1")), out.badFrameReasons().stream()
                .filter(r -> !r.contains("v1")).findFirst().orElse(""));
        assertTrue(out.stale.isEmpty());
    }

    @Test
    void theRecordingHoldsTheSameV1FramesAndARealAssetPairsAnswer() throws Exception {
        List<String> received = new ArrayList<>();
        String assetPairs = null;
        for (String line : Fixtures.lines("kraken", V1_RECORDING)) {
            JsonNode record = JSON.readTree(line);
            switch (record.path("t").asText()) {
                case "recv" -> received.add(record.path("data").asText());
                case "http" -> assetPairs = record.path("data").asText();
                default -> {
                    // header, connect and send records: the recorder's own, not venue frames
                }
            }
        }
        assertEquals(Fixtures.lines("kraken", V1_FRAMES), received);
        assertNotNull(assetPairs);
        // KrakenDiscoveryTest reads this AssetPairs answer in full; here: every pair with a WebSocket name is read.
        assertEquals(withWsName(assetPairs), KrakenDiscovery.markets(assetPairs, null).size());
    }

    @Test
    void v1BookChecksumsVerifyThroughTheV2SessionAtDepth1000() throws Exception {
        List<String> frames = Fixtures.lines("kraken", V1_FRAMES);
        Set<String> pairs = new LinkedHashSet<>();
        List<String> v2 = new ArrayList<>();
        int v1Checksums = 0;
        for (String line : frames) {
            JsonNode frame = JSON.readTree(line);
            if (!frame.isArray() || !frame.get(frame.size() - 2).asText().startsWith("book-")) {
                continue;
            }
            assertEquals("book-1000", frame.get(frame.size() - 2).asText());
            pairs.add(frame.get(frame.size() - 1).asText());
            String rewritten = V1Rewrite.book(line);
            v1Checksums += rewritten.contains("\"checksum\"") ? 1 : 0;
            v2.add(rewritten);
        }
        assertEquals(10, pairs.size());
        KrakenSession session = new KrakenSession(1000, 10, Duration.ofSeconds(10));
        session.subscribe(List.copyOf(pairs), out);
        out.clear();
        VerifiedBooks books = new VerifiedBooks();
        java.util.Map<String, ChecksumLayout> lastLayout = new java.util.HashMap<>();
        for (String frame : v2) {
            session.onText(frame, RECEIVED, out);
            books.applyAll(out.events);
            for (BookDelta delta : out.events(BookDelta.class)) {
                lastLayout.put(delta.market().symbol(), ((BookClaim.Checksum) delta.claim()).layout());
            }
            out.events.clear();
        }
        assertTrue(out.badFrames.isEmpty(), out.badFrameReasons().toString());
        assertEquals(List.of(), books.failures);
        assertEquals(v1Checksums, books.verified);
        assertTrue(books.verified >= 4269, "verified " + books.verified);
        assertEquals(10, books.unclaimed, "v1 snapshots carry no checksum");
        assertEquals(books.verified, session.counters().checksumClaims());
        assertEquals(0, session.counters().precisionsCorrected(), "the text as sent is the precision: nothing to search");
        // XBT/CHF printed 5 price decimals in 2021 though AssetPairs then said pair_decimals 1: the text decides.
        assertEquals(new ChecksumLayout(10, ChecksumLayout.Order.ASKS_THEN_BIDS, "", ChecksumLayout.Numbers.FIXED_DIGITS,
                5, 8), lastLayout.get("XBT/CHF"));
        assertEquals(9, lastLayout.get("OCEAN/XBT").priceDecimals());
    }

    @Test
    void numbersAreExactFromTheirTextNeverThroughADouble() {
        KrakenSession session = new KrakenSession(10, 10, Duration.ofSeconds(10));
        session.subscribe(List.of("PEPE/USD"), out);
        out.clear();
        session.onText("{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"PEPE/USD\","
                + "\"bids\":[{\"price\":0.0000000123,\"qty\":123456789.12345678}],"
                + "\"asks\":[{\"price\":0.0000000124,\"qty\":0.00000001}],\"checksum\":0}]}", RECEIVED, out);
        BookSnapshot snapshot = out.only(BookSnapshot.class);
        assertEquals(new BigDecimal("0.0000000123"), Decimals.toBigDecimal(snapshot.bids().get(0).price()));
        assertEquals(new BigDecimal("123456789.12345678"), Decimals.toBigDecimal(snapshot.bids().get(0).size()));
        assertEquals(new BigDecimal("0.00000001"), Decimals.toBigDecimal(snapshot.asks().get(0).size()));
        ChecksumLayout layout = ((BookClaim.Checksum) snapshot.claim()).layout();
        assertEquals(10, layout.priceDecimals());
        assertEquals(8, layout.sizeDecimals());
    }

    @Test
    void aSizeWiderThanSeventeenDigitsIsExactAndItsChecksumVerifies() {
        KrakenSession session = new KrakenSession(10, 10, Duration.ofSeconds(10));
        session.subscribe(List.of("SHIB/USD"), out);
        session.onText("{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"SHIB/USD\",\"bids\":[],"
                + "\"asks\":[{\"price\":0.00001240,\"qty\":99999999999999.99999999}],\"checksum\":"
                + crc("1240" + "9".repeat(22)) + "}]}", RECEIVED, out);
        session.onText("{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"SHIB/USD\","
                + "\"bids\":[{\"price\":0.00001234,\"qty\":123456789012.12345678}],\"asks\":[],\"checksum\":"
                + crc("1240" + "9".repeat(22) + "1234" + "12345678901212345678") + "}]}", RECEIVED, out);
        assertTrue(out.badFrames.isEmpty(), out.badFrameReasons().toString());
        BookSnapshot snapshot = out.events(BookSnapshot.class).get(0);
        assertEquals(new BigDecimal("99999999999999.99999999"), snapshot.asks().get(0).exactSize());
        BookDelta delta = out.events(BookDelta.class).get(0);
        assertEquals(new BigDecimal("123456789012.12345678"), delta.updates().get(0).exactSize());
        VerifiedBooks books = new VerifiedBooks();
        books.applyAll(out.events);
        assertEquals(List.of(), books.failures);
        assertEquals(2, books.verified);
    }

    private static long crc(String text) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    private static int withWsName(String assetPairs) throws Exception {
        int count = 0;
        for (JsonNode pair : JSON.readTree(assetPairs).path("result")) {
            if (pair.hasNonNull("wsname")) {
                count++;
            }
        }
        return count;
    }

    private static PriceLevel level(String price, String size) {
        return new PriceLevel(d(price), d(size));
    }

    private static long d(String s) {
        return Decimals.parse(s);
    }

    /** A v1 checksum-verified book at depth 1000 is a v2 book too: only the envelope differs. */
    @Test
    void theRewriteKeepsEveryNumbersText() {
        String v1 = "[992,{\"a\":[[\"354.15000000\",\"5.00000000\",\"1618678133.365913\",\"r\"]]},"
                + "{\"b\":[[\"354.10000000\",\"0.00000000\",\"1618678133.365914\"]],\"c\":\"2583817756\"},\"book-1000\",\"XMR/USD\"]";
        assertEquals("{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"XMR/USD\","
                + "\"bids\":[{\"price\":354.10000000,\"qty\":0.00000000}],"
                + "\"asks\":[{\"price\":354.15000000,\"qty\":5.00000000}],"
                + "\"checksum\":2583817756,\"timestamp\":\"2021-04-17T16:48:53.365914Z\"}]}", V1Rewrite.book(v1));
    }
}
