package io.marketmesh.node.venue.okx;

import static io.marketmesh.node.venue.okx.OkxTestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every real OKX capture through a session: the books rebuilt from what it emits must match every checksum the venue
 * sent (computed here independently, the venue's documented way), every seqId chain in them must hold, trades keep
 * the taker's side, tickers their quotes.
 */
class OkxFixturesTest {

    private static final String RECV = "cryptofeed_v3__OKX_ws_frames_recv_only.jsonl";
    private static final String RECORDING = "cryptofeed_v3__OKX_recording_2022-05-13.jsonl";
    private static final String ROQ = "testcode-embedded__roq_okx_books_seqId_2025-12-08_and_books5_2022.jsonl";
    private static final List<String> CRYPTOFEED_INSTRUMENTS = List.of("BTC-USD-220527", "UNI-USD-SWAP", "BTC-USDT");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicLong clock = new AtomicLong(T0);
    private final RecordingOutput out = new RecordingOutput();

    @Test
    void everyCapturedFileHasATestHere() {
        Set<String> files = Fixtures.all("okx").stream().map(Path::getFileName).map(Path::toString)
                .filter(f -> !f.equals("SOURCES.md")).collect(Collectors.toSet());
        assertEquals(Set.of(RECV, RECORDING, ROQ), files, "a new OKX capture needs its own test in this class");
    }

    @Test
    void cryptofeedCaptureRebuildsEveryBookToItsChecksumAndKeepsTradesAndTickers() {
        OkxSession session = OkxTestSupport.session(clock, 450, 20);
        session.subscribe(CRYPTOFEED_INSTRUMENTS, out);
        out.clear();
        for (String line : Fixtures.lines("okx", RECV)) {
            session.onText(line, T0, out);
        }
        assertEquals(List.of(), out.badFrames);
        assertEquals(List.of(), out.stale);
        assertEquals(List.of(), out.venueErrors);
        assertEquals(List.of(), out.sent, "nothing to heal: no resubscription");

        int verified = verifyEveryChecksum(out.events);
        assertEquals(290, verified, "3 snapshots and 287 updates, each with its checksum");
        assertEquals(3, out.events(BookSnapshot.class).size());
        assertEquals(287, out.events(BookDelta.class).size());
        // 2022: the venue sent no seqId yet, so the checksum is the only check, and every update is applied unchained.
        assertEquals(0, out.sequenceChecks);
        assertEquals(287, session.counters().unchained());
        assertEquals(0, session.counters().checksumsAbsent());

        // The first captured snapshot, level by level as sent: BTC-USD-220527, asks from 30238.8, 400-level window.
        BookSnapshot first = out.events(BookSnapshot.class).get(0);
        assertEquals("BTC-USD-220527", first.market().symbol());
        assertEquals(new PriceLevel(Decimals.parse("30238.8"), Decimals.parse("2")), first.asks().get(0));
        assertEquals(400, first.depthLimit());

        List<Trade> trades = out.events(Trade.class);
        assertEquals(74, trades.size());
        // {"instId":"BTC-USD-220527","tradeId":"7849","px":"30218.8","sz":"1","side":"buy","ts":"1652459199958"}
        Trade trade = trades.get(0);
        assertEquals("BTC-USD-220527", trade.market().symbol());
        assertEquals("7849", trade.tradeId());
        assertEquals(Decimals.parse("30218.8"), trade.price());
        assertEquals(new BigDecimal("1"), trade.size());
        assertEquals(Side.BID, trade.aggressor(), "side buy: the taker bought");
        assertEquals(1652459199958L, trade.venueTimestamp());
        assertEquals(26, trades.stream().filter(t -> t.aggressor() == Side.ASK).count(), "the 26 sell trades");

        List<Ticker> tickers = out.events(Ticker.class);
        assertEquals(28, tickers.size());
        // "last":"30218.8","askPx":"30220.1","askSz":"3","bidPx":"30210.4","bidSz":"4","vol24h":"779573"
        Ticker ticker = tickers.get(0);
        assertEquals("BTC-USD-220527", ticker.market().symbol());
        assertEquals(Decimals.parse("30210.4"), ticker.bestBid());
        assertEquals(new BigDecimal("4"), ticker.bestBidSize());
        assertEquals(Decimals.parse("30220.1"), ticker.bestAsk());
        assertEquals(new BigDecimal("3"), ticker.bestAskSize());
        assertEquals(Decimals.parse("30218.8"), ticker.lastPrice());
        assertEquals(new BigDecimal("779573"), ticker.volume());
        assertNull(ticker.openInterest());
        assertEquals(1652459223003L, ticker.venueTimestamp());
    }

    @Test
    void recordingAsksForWhatCryptofeedAskedAndReplaysToEveryChecksum() throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Fixtures.lines("okx", RECORDING)) {
            records.add(JSON.readTree(line));
        }
        // cryptofeed's last subscribe frame of the recording asks for everything it followed.
        Set<String> asked = new HashSet<>();
        records.stream().filter(r -> "send".equals(r.path("t").asText())).reduce((a, b) -> b).ifPresent(send -> {
            try {
                JSON.readTree(send.path("data").asText()).path("args")
                        .forEach(a -> asked.add(a.path("channel").asText() + " " + a.path("instId").asText()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        OkxSession session = OkxTestSupport.session(clock, 450, 20);
        session.subscribe(CRYPTOFEED_INSTRUMENTS, out);
        assertEquals(1, out.sent.size(), "three instruments, three channels each, one frame");
        JsonNode ours = JSON.readTree(out.sent.get(0));
        assertEquals("subscribe", ours.path("op").asText());
        Set<String> ourArgs = new HashSet<>();
        ours.path("args").forEach(a -> ourArgs.add(a.path("channel").asText() + " " + a.path("instId").asText()));
        assertEquals(asked, ourArgs);
        out.clear();

        int frames = 0;
        for (JsonNode record : records) {
            if ("recv".equals(record.path("t").asText())) {
                long receivedAt = (long) (record.path("ts").asDouble() * 1000);
                session.onText(record.path("data").asText(), receivedAt, out);
                frames++;
            }
        }
        assertEquals(410, frames);
        assertEquals(List.of(), out.badFrames);
        assertEquals(List.of(), out.stale);
        assertEquals(290, verifyEveryChecksum(out.events));
    }

    @Test
    void roqCaptureKeepsItsSeqIdChainButItsTruncatedLevelsCannotMatchTheirChecksums() {
        List<String> lines = Fixtures.lines("okx", ROQ);
        assertEquals(3, lines.size());
        OkxSession session = OkxTestSupport.session(clock, 450, 20);
        session.subscribe(List.of("NEAR-USDT"), out);
        out.clear();

        session.onText(lines.get(0), T0, out);
        session.onText(lines.get(1), T0, out);
        assertEquals(List.of(), out.stale, "update prevSeqId 9690930615 = snapshot seqId: the chain holds");
        assertEquals(1, out.sequenceChecks);
        assertEquals(0, out.sequenceFailures);
        BookSnapshot snapshot = (BookSnapshot) out.events.get(0);
        assertEquals(9690930615L, snapshot.venueSequence());
        assertEquals(List.of(level("1.782", "2173.46443964"), level("1.781", "14620.34390321"), level("1.32", "541.81794985")),
                snapshot.bids());
        BookDelta update = (BookDelta) out.events.get(1);
        assertEquals(9690930617L, update.venueSequence());
        assertEquals(1765201257205L, update.venueTimestamp());
        assertEquals(2, update.updates().size());

        // The claims carry the venue's values (sent signed, carried unsigned) ...
        assertEquals(-1197821412L & 0xFFFF_FFFFL, ((BookClaim.Checksum) snapshot.claim()).expected());
        assertEquals(1923732318L, ((BookClaim.Checksum) update.claim()).expected());
        // ... but the capture's author kept only 3 of the 400 levels a side (SOURCES.md), so no book built from it can
        // match them: the MarketActor would (rightly) find these books wrong and resubscribe.
        OkxTestSupport.Books books = new OkxTestSupport.Books();
        for (MarketEvent e : out.events) {
            OrderBook book = books.apply(e);
            long claimed = e instanceof BookSnapshot s ? ((BookClaim.Checksum) s.claim()).expected()
                    : ((BookClaim.Checksum) ((BookDelta) e).claim()).expected();
            assertNotEquals(claimed, OkxTestSupport.okxChecksum(book));
        }

        // books5 is a channel this session never subscribes: reported, not taken for a book.
        out.clear();
        session.onText(lines.get(2), T0, out);
        assertEquals(List.of(), out.events);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrameReasons().get(0).contains("books5"), out.badFrameReasons().toString());
    }

    /** Rebuilds the books from the events and checks each checksum claim on them; returns how many were checked. */
    private static int verifyEveryChecksum(List<MarketEvent> events) {
        ChecksumLayout verifiedOnCaptures = new ChecksumLayout(25, ChecksumLayout.Order.INTERLEAVED_BID_FIRST, ":",
                ChecksumLayout.Numbers.SHORTEST, 0, 0); // the layout BookVerifierTest verifies on this capture
        OkxTestSupport.Books books = new OkxTestSupport.Books();
        int verified = 0;
        for (MarketEvent event : events) {
            OrderBook book = books.apply(event);
            if (book == null) {
                continue;
            }
            BookClaim claim = event instanceof BookSnapshot s ? s.claim() : ((BookDelta) event).claim();
            assertNotNull(claim, "every captured book message carries a checksum: " + event);
            BookClaim.Checksum checksum = (BookClaim.Checksum) claim;
            assertEquals(verifiedOnCaptures, checksum.layout());
            assertEquals(checksum.expected(), OkxTestSupport.okxChecksum(book), "after " + event);
            verified++;
        }
        return verified;
    }

    private static PriceLevel level(String price, String size) {
        return new PriceLevel(Decimals.parse(price), Decimals.parse(size));
    }
}
