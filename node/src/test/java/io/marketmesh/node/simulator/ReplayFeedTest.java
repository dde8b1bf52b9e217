package io.marketmesh.node.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The load benchmark's replay feeds stay consistent for ever: a client that applies every frame holds, after several
 * cycles, exactly the book a fresh subscriber is sent; Polymarket's top-of-book claims match the book; Kalshi's
 * {@code seq} rises by one per message of a subscription across cycles; the send time is patched in.
 */
class ReplayFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] MS = "1799999999999".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ISO = "2027-01-15T08:00:00.000Z".getBytes(StandardCharsets.US_ASCII);

    /** A client that keeps every text frame it is sent. */
    private static final class Recorder implements ReplayFeed.Client {
        final List<JsonNode> frames = new ArrayList<>();

        @Override
        public void send(byte[] payload, int length) {
            try {
                frames.add(JSON.readTree(new String(payload, 0, length, StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + new String(payload, 0, length, StandardCharsets.UTF_8), e);
            }
        }
    }

    /** One book as a client holds it: side ("bid"/"ask" or "yes"/"no") and price to size. */
    private static final class Book {
        final Map<String, TreeMap<BigDecimal, BigDecimal>> sides = new HashMap<>();

        TreeMap<BigDecimal, BigDecimal> side(String side) {
            return sides.computeIfAbsent(side, s -> new TreeMap<>());
        }

        void set(String side, String price, BigDecimal size) {
            if (size.signum() == 0) {
                side(side).remove(new BigDecimal(price));
            } else {
                side(side).put(new BigDecimal(price), size);
            }
        }
    }

    @Test
    void polymarketBooksStayExactAndClaimsMatchOverSeveralCycles() {
        ReplayFeed feed = ReplayFeed.create(3, 0, 200, 7).get(0);
        Recorder client = new Recorder();
        feed.onText(client, subscribePolymarket(feed.symbols()));
        Map<String, Book> books = new HashMap<>();
        applyPolymarketBooks(client.frames.get(0), books);
        assertEquals(feed.symbols().size(), books.size(), "a book per token on subscription");
        client.frames.clear();
        int changes = 2 * feed.cycleLength() + 77;
        for (int i = 0; i < changes; i++) {
            feed.sendNext(MS, ISO);
        }
        assertEquals(changes, client.frames.size());
        for (JsonNode frame : client.frames) {
            assertEquals("price_change", frame.path("event_type").asText());
            assertEquals("1799999999999", frame.path("timestamp").asText());
            for (JsonNode item : frame.path("price_changes")) {
                Book book = books.get(item.path("asset_id").asText());
                book.set(item.path("side").asText().equals("BUY") ? "bid" : "ask", item.path("price").asText(),
                        new BigDecimal(item.path("size").asText()));
                assertEquals(0, book.side("bid").lastKey().compareTo(new BigDecimal(item.path("best_bid").asText())),
                        "best_bid claim");
                assertEquals(0, book.side("ask").firstKey().compareTo(new BigDecimal(item.path("best_ask").asText())),
                        "best_ask claim");
            }
        }
        Recorder fresh = new Recorder();
        feed.onClosed(client);
        feed.onText(fresh, subscribePolymarket(feed.symbols()));
        Map<String, Book> expected = new HashMap<>();
        applyPolymarketBooks(fresh.frames.get(0), expected);
        for (String token : feed.symbols()) {
            assertEquals(expected.get(token).sides, books.get(token).sides, "book of " + token);
        }
        assertEquals(changes, feed.changesSent());
    }

    @Test
    void kalshiSeqRisesForEverAndBooksStayExact() {
        ReplayFeed feed = ReplayFeed.create(0, 4, 150, 7).get(1);
        Recorder client = new Recorder();
        feed.onText(client, "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],"
                + "\"market_tickers\":" + JSON.valueToTree(feed.symbols()) + "}}");
        int changes = 3 * feed.cycleLength() + 5;
        for (int i = 0; i < changes; i++) {
            feed.sendNext(MS, ISO);
        }
        Map<String, Book> books = new HashMap<>();
        long seq = 0;
        for (JsonNode frame : client.frames) {
            String type = frame.path("type").asText();
            if (type.equals("subscribed")) {
                continue;
            }
            assertEquals(1, frame.path("sid").asLong());
            assertEquals(++seq, frame.path("seq").asLong(), "seq of sid 1 rises by one per message");
            JsonNode msg = frame.path("msg");
            if (type.equals("orderbook_snapshot")) {
                books.put(msg.path("market_ticker").asText(), kalshiBook(msg));
            } else {
                assertEquals("orderbook_delta", type);
                assertEquals(1799999999999L, msg.path("ts_ms").asLong());
                assertEquals("2027-01-15T08:00:00.000Z", msg.path("ts").asText());
                Book book = books.get(msg.path("market_ticker").asText());
                String side = msg.path("side").asText();
                BigDecimal price = new BigDecimal(msg.path("price_dollars").asText());
                BigDecimal size = book.side(side).getOrDefault(price, BigDecimal.ZERO)
                        .add(new BigDecimal(msg.path("delta_fp").asText()));
                assertTrue(size.signum() >= 0, "a level never goes below zero");
                book.set(side, price.toPlainString(), size);
            }
        }
        assertEquals(feed.symbols().size() + changes, seq);
        Recorder fresh = new Recorder();
        feed.onText(fresh, "{\"id\":2,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],"
                + "\"market_tickers\":" + JSON.valueToTree(feed.symbols()) + "}}");
        for (JsonNode frame : fresh.frames) {
            if (frame.path("type").asText().equals("orderbook_snapshot")) {
                String ticker = frame.path("msg").path("market_ticker").asText();
                assertEquals(kalshiBook(frame.path("msg")).sides, books.get(ticker).sides, "book of " + ticker);
            }
        }
    }

    private static String subscribePolymarket(List<String> tokens) {
        return "{\"assets_ids\":" + JSON.valueToTree(tokens) + ",\"type\":\"market\",\"initial_dump\":true}";
    }

    private static void applyPolymarketBooks(JsonNode array, Map<String, Book> books) {
        for (JsonNode frame : array) {
            Book book = new Book();
            frame.path("bids").forEach(l -> book.set("bid", l.path("price").asText(), new BigDecimal(l.path("size").asText())));
            frame.path("asks").forEach(l -> book.set("ask", l.path("price").asText(), new BigDecimal(l.path("size").asText())));
            books.put(frame.path("asset_id").asText(), book);
        }
    }

    private static Book kalshiBook(JsonNode msg) {
        Book book = new Book();
        msg.path("yes_dollars_fp").forEach(l -> book.set("yes", l.get(0).asText(), new BigDecimal(l.get(1).asText())));
        msg.path("no_dollars_fp").forEach(l -> book.set("no", l.get(0).asText(), new BigDecimal(l.get(1).asText())));
        return book;
    }
}
