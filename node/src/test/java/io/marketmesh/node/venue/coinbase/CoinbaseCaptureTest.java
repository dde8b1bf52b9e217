package io.marketmesh.node.venue.coinbase;

import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.BTC;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.ETH;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.FRAMES;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.RECEIVED_AT;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.RECORDING;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.VENUE;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.d;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.MarketListing;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The real Coinbase recording (cryptofeed, 2026-08-09, BTC-USD and ETH-USD on wss://advanced-trade-ws.coinbase.com),
 * replayed through a session: every frame's sequence_num checks out, both books are built exactly as the frames
 * describe them, trades carry the taker's side, tickers and discovery read what the venue sent.
 */
class CoinbaseCaptureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCapturedFileHasATestHere() {
        Set<String> files = Fixtures.all(VENUE).stream().map(Path::getFileName).map(Path::toString)
                .collect(Collectors.toSet());
        assertEquals(Set.of(RECORDING, FRAMES), files, "a new Coinbase capture needs its own test in this class");
    }

    @Test
    void theRecordingReplaysWithoutAGapAndBuildsTheBooksTheFramesDescribe() throws Exception {
        List<String> frames = CoinbaseTestSupport.frames();
        assertEquals(1030, frames.size());
        CoinbaseSession session = new CoinbaseSession(settings(10));
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("BTC-USD", "ETH-USD"), out);

        Map<MarketKey, OrderBook> books = Map.of(BTC, new OrderBook(), ETH, new OrderBook());
        int snapshots = 0;
        int deltas = 0;
        for (String frame : frames) {
            out.events.clear();
            session.onText(frame, RECEIVED_AT, out);
            for (MarketEvent event : out.events) {
                if (event instanceof BookSnapshot s) {
                    snapshots++;
                    assertEquals(OrderBook.Result.APPLIED, books.get(s.market()).replace(s.bids(), s.asks()));
                } else if (event instanceof BookDelta delta) {
                    deltas++;
                    assertEquals(BookDelta.Mode.ABSOLUTE, delta.mode());
                    OrderBook book = books.get(delta.market());
                    assertEquals(OrderBook.Result.APPLIED, book.apply(delta.updates(), false));
                    assertFalse(book.isCrossed(), delta.market() + " crossed after sequence " + delta.venueSequence());
                }
            }
        }

        assertEquals(new SequenceCounts(1030, 0), session.counts(), "sequence_num +1 on every frame: no gap");
        assertEquals(List.of(), out.stale, "no book ever stale");
        assertEquals(List.of(), out.badFrames, "every frame readable");
        assertEquals(2, snapshots);
        assertEquals(773, deltas);
        assertEquals(0, session.droppedAwaitingSnapshot(), "the venue sent no update before a product's snapshot");

        Map<String, Truth> truth = truth(frames);
        for (MarketKey market : List.of(BTC, ETH)) {
            OrderBook book = books.get(market);
            Truth t = truth.get(market.symbol());
            assertEquals(t.bids(), book.topBids(Integer.MAX_VALUE), market + " bids");
            assertEquals(t.asks(), book.topAsks(Integer.MAX_VALUE), market + " asks");
        }
        // What the independent reading found, pinned: the books are deep (the level2 snapshot is the whole book).
        assertEquals(18769, books.get(BTC).bidDepth());
        assertEquals(27238, books.get(BTC).askDepth());
        assertEquals(d("65083.66"), books.get(BTC).bestBid());
        assertEquals(d("65083.67"), books.get(BTC).bestAsk());
        assertEquals(d("1919.28"), books.get(ETH).bestBid());
        assertEquals(d("1919.38"), books.get(ETH).bestAsk());
    }

    @Test
    void theSnapshotsAreWholeBooksBestFirst() {
        CoinbaseSession session = new CoinbaseSession(settings(10));
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("BTC-USD", "ETH-USD"), out);
        List<String> frames = CoinbaseTestSupport.frames();
        session.onText(frames.get(13), RECEIVED_AT, out);
        BookSnapshot btc = out.only(BookSnapshot.class);
        assertEquals(BTC, btc.market());
        assertEquals(46000, btc.bids().size() + btc.asks().size());
        assertEquals(new PriceLevel(d("65083.66"), d("0.20371215")), btc.bids().get(0));
        assertEquals(new PriceLevel(d("65083.67"), d("0.23256041")), btc.asks().get(0));
        for (int i = 1; i < btc.bids().size(); i++) {
            assertTrue(btc.bids().get(i).price() < btc.bids().get(i - 1).price(), "bids descending");
        }
        for (int i = 1; i < btc.asks().size(); i++) {
            assertTrue(btc.asks().get(i).price() > btc.asks().get(i - 1).price(), "asks ascending");
        }
        assertEquals(13, btc.venueSequence());
        // The envelope's timestamp, 2026-08-09T21:05:48.4...Z, in epoch ms.
        assertEquals(java.time.Instant.parse("2026-08-09T21:05:48Z").toEpochMilli(), btc.venueTimestamp() / 1000 * 1000);
        assertEquals(RECEIVED_AT, btc.receivedAt());
    }

    @Test
    void tradesCarryTheTakersSideWhichIsOppositeTheMakerSideTheVenueSends() {
        List<String> frames = CoinbaseTestSupport.frames();
        CoinbaseSession session = new CoinbaseSession(settings(10));
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("BTC-USD", "ETH-USD"), out);
        Map<MarketKey, OrderBook> books = Map.of(BTC, new OrderBook(), ETH, new OrderBook());
        List<Trade> trades = new ArrayList<>();
        int atTheOffer = 0;
        int atTheBid = 0;
        for (String frame : frames) {
            out.events.clear();
            session.onText(frame, RECEIVED_AT, out);
            for (MarketEvent event : out.events) {
                if (event instanceof BookSnapshot s) {
                    books.get(s.market()).replace(s.bids(), s.asks());
                } else if (event instanceof BookDelta delta) {
                    books.get(delta.market()).apply(delta.updates(), false);
                } else if (event instanceof Trade trade) {
                    trades.add(trade);
                    OrderBook book = books.get(trade.market());
                    if (book.isEmpty()) {
                        continue;
                    }
                    // A print at or through the best offer lifted it: a buyer took. At or through the bid: a seller.
                    if (Decimals.toBigDecimal(trade.price()).compareTo(Decimals.toBigDecimal(book.bestAsk())) >= 0) {
                        atTheOffer++;
                        assertEquals(Side.BID, trade.aggressor(), "trade " + trade.tradeId() + " lifted the offer");
                    } else if (Decimals.toBigDecimal(trade.price()).compareTo(Decimals.toBigDecimal(book.bestBid())) <= 0) {
                        atTheBid++;
                        assertEquals(Side.ASK, trade.aggressor(), "trade " + trade.tradeId() + " hit the bid");
                    }
                }
            }
        }
        // 79 live trades; the two snapshots of 100 recent trades each are history and are not passed on.
        assertEquals(79, trades.size());
        assertTrue(atTheOffer >= 40 && atTheBid >= 20, "the check above ran on most trades: " + atTheOffer + "/" + atTheBid);

        Trade first = trades.get(0);
        assertEquals(BTC, first.market());
        assertEquals("1068572091", first.tradeId());
        assertEquals(d("65083.67"), first.price());
        assertEquals(new BigDecimal("0.01034361"), first.size());
        assertEquals(Side.BID, first.aggressor(), "sent as side SELL (the maker's), at the offer: a buyer took");
        assertEquals(java.time.Instant.parse("2026-08-09T21:05:48.167Z").toEpochMilli(), first.venueTimestamp());

        // A batch arrives newest first (833140787 .. 833140784) and is passed on oldest first.
        List<String> batch = trades.stream().map(Trade::tradeId)
                .filter(id -> id.compareTo("833140784") >= 0 && id.compareTo("833140787") <= 0).toList();
        assertEquals(List.of("833140784", "833140785", "833140786", "833140787"), batch);
    }

    @Test
    void tickersCarryTopOfBookLastPriceAndDailyVolume() {
        CoinbaseSession session = new CoinbaseSession(settings(10));
        RecordingOutput out = new RecordingOutput();
        session.subscribe(List.of("BTC-USD", "ETH-USD"), out);
        List<Ticker> tickers = new ArrayList<>();
        for (String frame : CoinbaseTestSupport.frames()) {
            out.events.clear();
            session.onText(frame, RECEIVED_AT, out);
            tickers.addAll(out.events(Ticker.class));
        }
        assertEquals(160, tickers.size());
        Ticker first = tickers.get(0); // the subscription's snapshot, sequence_num 6
        assertEquals(BTC, first.market());
        assertEquals(d("65083.66"), first.bestBid());
        assertEquals(new BigDecimal("0.20371215"), first.bestBidSize());
        assertEquals(d("65083.67"), first.bestAsk());
        assertEquals(new BigDecimal("0.24290402"), first.bestAskSize());
        assertEquals(d("65086.18"), first.lastPrice());
        assertEquals(new BigDecimal("2867.54532609"), first.volume());
        assertEquals(null, first.openInterest());
    }

    @Test
    void theRecordedSessionSubscribedAsTheNodeDoesOneChannelPerMessage() throws Exception {
        List<JsonNode> records = recording();
        List<JsonNode> sent = records.stream().filter(r -> r.path("t").asText().equals("send"))
                .map(r -> readTree(r.path("data").asText())).toList();
        RecordingOutput out = new RecordingOutput();
        new CoinbaseSession(settings(10)).subscribe(List.of("BTC-USD", "ETH-USD"), out);
        Map<String, JsonNode> ours = new HashMap<>();
        for (String frame : out.sent) {
            JsonNode node = readTree(frame);
            ours.put(node.path("channel").asText(), node);
        }
        assertEquals(Set.of("level2", "heartbeats", "market_trades", "ticker"), ours.keySet());
        for (JsonNode theirs : sent) {
            String channel = theirs.path("channel").asText();
            if (channel.equals("level2") || channel.equals("market_trades") || channel.equals("ticker")) {
                assertEquals(theirs, ours.get(channel), channel + " subscribe frame as the live venue accepted it");
            }
        }
        // And the recording's frames are the recv-only file's, in the same order.
        List<String> received = records.stream().filter(r -> r.path("t").asText().equals("recv"))
                .map(r -> r.path("data").asText()).toList();
        assertEquals(CoinbaseTestSupport.frames(), received.stream().filter(s -> !s.isBlank()).map(String::strip).toList());
    }

    @Test
    void aRecordedDelistedProductIsDescribedAsNotTradable() throws Exception {
        JsonNode http = recording().stream().filter(r -> r.path("t").asText().equals("http")).findFirst().orElseThrow();
        Map<String, MarketInfo> all = new HashMap<>();
        for (JsonNode product : readTree(http.path("data").asText()).path("products")) {
            MarketInfo info = CoinbaseDiscovery.product(product);
            all.put(info.symbol(), info);
        }
        assertEquals(920, all.size(), "every listed product is described, aliases and delisted ones too");
        MarketInfo dai = all.get("DAI-USD"); // status delisted, trading_disabled true in the recording
        assertEquals("delisted", dai.status());
        assertFalse(dai.active());
        assertTrue(all.get("BTC-USDC").active(), "an alias is tradable, though discovery follows its target");
        assertEquals(516, all.values().stream().filter(MarketInfo::active)
                .filter(m -> CoinbaseDiscovery.followable(productOf(http, m.symbol())) != null).count());
    }

    private static JsonNode productOf(JsonNode http, String symbol) {
        for (JsonNode product : readTree(http.path("data").asText()).path("products")) {
            if (product.path("product_id").asText().equals(symbol)) {
                return product;
            }
        }
        throw new AssertionError(symbol);
    }

    @Test
    void discoveryReadsTheRecordedProductsList() throws Exception {
        JsonNode http = recording().stream().filter(r -> r.path("t").asText().equals("http")).findFirst().orElseThrow();
        assertTrue(http.path("url").asText().endsWith(CoinbaseDiscovery.PATH));
        List<MarketInfo> followable = new ArrayList<>();
        JsonNode products = readTree(http.path("data").asText()).path("products");
        assertEquals(920, products.size());
        for (JsonNode product : products) {
            MarketInfo info = CoinbaseDiscovery.followable(product);
            if (info != null) {
                followable.add(info);
            }
        }
        // 920 listed: 8 delisted (trading disabled) and 400 aliases (BTC-USDC of BTC-USD, ...; 4 of them delisted
        // too) cannot be followed.
        assertEquals(516, followable.size());
        MarketInfo btc = followable.stream().filter(m -> m.symbol().equals("BTC-USD")).findFirst().orElseThrow();
        assertEquals(MarketListing.crypto("BTC-USD", "BTC", "USD", "spot", new BigDecimal("0.01"),
                new BigDecimal("0.00000001"), "online", new BigDecimal("186637571.25"),
                "https://www.coinbase.com/advanced-trade/spot/BTC-USD", true), btc);
        MarketInfo shib = followable.stream().filter(m -> m.symbol().equals("SHIB-USD")).findFirst().orElseThrow();
        assertEquals(new BigDecimal("0.00000001"), shib.tickSize(), "micro-priced token's tick, exact");
        assertEquals(new BigDecimal("1"), shib.lotSize());

        List<String> top = CoinbaseDiscovery.select(followable, Set.of("USD", "USDT", "USDC", "EUR"), 5).stream()
                .map(MarketInfo::symbol).toList();
        assertEquals(List.of("BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ZEC-USD"), top);
        List<String> eur = CoinbaseDiscovery.select(followable, Set.of("EUR"), 3).stream().map(MarketInfo::symbol).toList();
        assertEquals(List.of("USDC-EUR", "SOL-EUR", "BTC-EUR"), eur);
    }

    // ---- an independent reading of the capture: Jackson trees and BigDecimal maps ----------------------------

    private record Truth(List<PriceLevel> bids, List<PriceLevel> asks) {
    }

    private static Map<String, Truth> truth(List<String> frames) throws Exception {
        Map<String, TreeMap<BigDecimal, BigDecimal>> bids = new HashMap<>();
        Map<String, TreeMap<BigDecimal, BigDecimal>> asks = new HashMap<>();
        for (String frame : frames) {
            JsonNode root = JSON.readTree(frame);
            if (!root.path("channel").asText().equals("l2_data")) {
                continue;
            }
            for (JsonNode event : root.path("events")) {
                String product = event.path("product_id").asText();
                if (event.path("type").asText().equals("snapshot")) {
                    bids.put(product, new TreeMap<>(Collections.reverseOrder()));
                    asks.put(product, new TreeMap<>());
                }
                for (JsonNode u : event.path("updates")) {
                    TreeMap<BigDecimal, BigDecimal> side = (u.path("side").asText().equals("bid") ? bids : asks).get(product);
                    BigDecimal price = new BigDecimal(u.path("price_level").asText());
                    BigDecimal size = new BigDecimal(u.path("new_quantity").asText());
                    if (size.signum() == 0) {
                        side.remove(price);
                    } else {
                        side.put(price, size);
                    }
                }
            }
        }
        Map<String, Truth> truth = new HashMap<>();
        for (String product : bids.keySet()) {
            truth.put(product, new Truth(levels(bids.get(product)), levels(asks.get(product))));
        }
        return truth;
    }

    private static List<PriceLevel> levels(TreeMap<BigDecimal, BigDecimal> side) {
        List<PriceLevel> levels = new ArrayList<>(side.size());
        side.forEach((price, size) -> levels.add(new PriceLevel(Decimals.fromBigDecimal(price), Decimals.fromBigDecimal(size))));
        return levels;
    }

    private static List<JsonNode> recording() {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Fixtures.lines(VENUE, RECORDING)) {
            records.add(readTree(line));
        }
        assertNotNull(records.get(0).path("exchange").asText());
        return records;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("unreadable JSON: " + json, e);
        }
    }
}
