package io.marketmesh.node.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.Side;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generic checksum seam against real venue captures: each venue's rule described as a {@link ChecksumLayout},
 * each book rebuilt from the captured frames in an {@link OrderBook} (window truncation included), and every
 * checksum the venue sent verified on the book. A wrong layout, number format or truncation fails here. The frames
 * are read with a plain JSON tree: these are not the venue parsers (those come with the venue packages), only the
 * book and its verifier under test.
 */
class BookVerifierTest {

    // Bare JSON numbers (Kraken v2) keep their text, trailing zeros included, as BigDecimal.
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final BookVerifier verifier = new BookVerifier();

    @Test
    void okxBooksMatchEveryCapturedChecksum() throws Exception {
        ChecksumLayout okx = new ChecksumLayout(25, ChecksumLayout.Order.INTERLEAVED_BID_FIRST, ":",
                ChecksumLayout.Numbers.SHORTEST, 0, 0);
        Map<String, OrderBook> books = new HashMap<>();
        int verified = 0;
        for (String line : Fixtures.lines("okx", "cryptofeed_v3__OKX_ws_frames_recv_only.jsonl")) {
            JsonNode frame = JSON.readTree(line);
            if (!"books".equals(frame.path("arg").path("channel").asText()) || !frame.has("data")) {
                continue;
            }
            String instrument = frame.path("arg").path("instId").asText();
            JsonNode data = frame.path("data").get(0);
            OrderBook book = books.computeIfAbsent(instrument, i -> new OrderBook());
            if ("snapshot".equals(frame.path("action").asText())) {
                book.clear();
            }
            List<LevelUpdate> updates = new ArrayList<>();
            data.path("bids").forEach(l -> updates.add(new LevelUpdate(Side.BID, Decimals.parse(l.get(0).asText()),
                    Decimals.parse(l.get(1).asText()))));
            data.path("asks").forEach(l -> updates.add(new LevelUpdate(Side.ASK, Decimals.parse(l.get(0).asText()),
                    Decimals.parse(l.get(1).asText()))));
            assertEquals(OrderBook.Result.APPLIED, book.apply(updates, false));
            // OKX sends the CRC as a signed int32; the check carries it unsigned.
            long expected = data.path("checksum").asLong() & 0xFFFF_FFFFL;
            assertNull(verifier.verify(new BookClaim.Checksum(okx, expected), book), instrument + ": " + line);
            verified++;
        }
        assertTrue(verified >= 280, "verified " + verified + " OKX checksums");
    }

    @Test
    void krakenV1BooksMatchEveryCapturedChecksumWithinTheirWindow() throws Exception {
        Map<String, OrderBook> books = new HashMap<>();
        Map<String, ChecksumLayout> layouts = new HashMap<>();
        int verified = 0;
        for (String line : Fixtures.lines("kraken", "cryptofeed_v3__KRAKEN_ws_frames_recv_only.jsonl")) {
            JsonNode frame = JSON.readTree(line);
            if (!frame.isArray() || !frame.get(frame.size() - 2).asText().startsWith("book-")) {
                continue;
            }
            String pair = frame.get(frame.size() - 1).asText();
            int depth = Integer.parseInt(frame.get(frame.size() - 2).asText().substring("book-".length()));
            OrderBook book = books.computeIfAbsent(pair, p -> new OrderBook());
            String checksum = null;
            List<LevelUpdate> updates = new ArrayList<>();
            for (int i = 1; i < frame.size() - 2; i++) {
                JsonNode part = frame.get(i);
                if (part.has("as")) {
                    book.clear();
                    // Each pair prints every price and volume at its own precision: the snapshot's text tells it.
                    JsonNode first = part.get("as").get(0);
                    layouts.put(pair, new ChecksumLayout(10, ChecksumLayout.Order.ASKS_THEN_BIDS, "",
                            ChecksumLayout.Numbers.FIXED_DIGITS, decimals(first.get(0).asText()),
                            decimals(first.get(1).asText())));
                }
                levels(part, "as", Side.ASK, updates);
                levels(part, "bs", Side.BID, updates);
                levels(part, "a", Side.ASK, updates);
                levels(part, "b", Side.BID, updates);
                if (part.has("c")) {
                    checksum = part.get("c").asText();
                }
            }
            assertEquals(OrderBook.Result.APPLIED, book.apply(updates, false));
            book.keepBest(depth);
            if (checksum != null) {
                assertNull(verifier.verify(new BookClaim.Checksum(layouts.get(pair), Long.parseLong(checksum)), book),
                        pair + ": " + line);
                verified++;
            }
        }
        assertTrue(verified >= 4000, "verified " + verified + " Kraken checksums");
    }

    @Test
    void krakenV2SnapshotAndUpdateMatchTheirChecksumsAndAMissedChangeDoesNot() throws Exception {
        List<String> lines = Fixtures.lines("kraken", "readme-embedded__ALGO-USD_v2_book_2024-10-03_frames.jsonl");
        ChecksumLayout algo = new ChecksumLayout(10, ChecksumLayout.Order.ASKS_THEN_BIDS, "",
                ChecksumLayout.Numbers.FIXED_DIGITS, 5, 8);
        OrderBook book = new OrderBook();
        int verified = 0;
        for (String line : lines) {
            JsonNode frame = JSON.readTree(line);
            if (!"book".equals(frame.path("channel").asText())) {
                continue;
            }
            JsonNode data = frame.path("data").get(0);
            List<LevelUpdate> updates = new ArrayList<>();
            data.path("bids").forEach(l -> updates.add(new LevelUpdate(Side.BID, decimal(l.get("price")), decimal(l.get("qty")))));
            data.path("asks").forEach(l -> updates.add(new LevelUpdate(Side.ASK, decimal(l.get("price")), decimal(l.get("qty")))));
            assertEquals(OrderBook.Result.APPLIED, book.apply(updates, false));
            book.keepBest(10);
            assertNull(verifier.verify(new BookClaim.Checksum(algo, data.get("checksum").asLong()), book), line);
            verified++;
        }
        assertEquals(2, verified);
        book.set(Side.ASK, Decimals.parse("0.12306"), Decimals.parse("1"));
        String failed = verifier.verify(new BookClaim.Checksum(algo, 1100635717L), book);
        assertTrue(failed != null && failed.contains("checksum mismatch"), failed);
    }

    @Test
    void writesFixedNumbersWithTheirPoint() {
        ChecksumLayout fixed = new ChecksumLayout(1, ChecksumLayout.Order.BIDS_THEN_ASKS, "|", ChecksumLayout.Numbers.FIXED,
                3, 2);
        OrderBook book = new OrderBook();
        book.set(Side.BID, Decimals.parse("0.5"), Decimals.parse("12"));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("0.500|12.00".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(crc.getValue(), verifier.checksum(fixed, book));
    }

    @Test
    void checksumsUseTheExactDigitsOfSizesWiderThanALong() {
        // Kraken's layout (digits without point or leading zeros) and OKX's (shortest text) over a book whose sizes
        // need 20 significant digits: the rounding a long holds would give another checksum.
        OrderBook book = new OrderBook();
        book.apply(List.of(LevelUpdate.parse(Side.BID, Decimals.parse("0.0000000123"), "123456789012.12345678"),
                LevelUpdate.parse(Side.ASK, Decimals.parse("0.0000000124"), "987654321098.7654321")), false);
        ChecksumLayout digits = new ChecksumLayout(10, ChecksumLayout.Order.ASKS_THEN_BIDS, "",
                ChecksumLayout.Numbers.FIXED_DIGITS, 10, 8);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(("124" + "98765432109876543210" + "123" + "12345678901212345678").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(crc.getValue(), verifier.checksum(digits, book));

        ChecksumLayout shortest = new ChecksumLayout(25, ChecksumLayout.Order.INTERLEAVED_BID_FIRST, ":",
                ChecksumLayout.Numbers.SHORTEST, 0, 0);
        crc.reset();
        crc.update("0.0000000123:123456789012.12345678:0.0000000124:987654321098.7654321"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(crc.getValue(), verifier.checksum(shortest, book));
    }

    @Test
    void fixedDigitsOfASizeWhoseUnitsOutgrowALongAreStillWritten() {
        // 100000000000 at 8 decimals is 10^19 units: more than a long, though the size itself has one digit.
        OrderBook book = new OrderBook();
        book.set(Side.ASK, Decimals.parse("0.5"), Decimals.parse("100000000000"));
        ChecksumLayout digits = new ChecksumLayout(10, ChecksumLayout.Order.ASKS_THEN_BIDS, "",
                ChecksumLayout.Numbers.FIXED_DIGITS, 1, 8);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(("5" + "10000000000000000000").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(crc.getValue(), verifier.checksum(digits, book));
    }

    private static void levels(JsonNode part, String key, Side side, List<LevelUpdate> into) {
        part.path(key).forEach(l -> into.add(new LevelUpdate(side, Decimals.parse(l.get(0).asText()),
                Decimals.parse(l.get(1).asText()))));
    }

    private static long decimal(JsonNode number) {
        return Decimals.parse(number.decimalValue().toPlainString());
    }

    private static int decimals(String text) {
        return new BigDecimal(text).scale();
    }
}
