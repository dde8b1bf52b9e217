package io.marketmesh.node.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The books a stream client holds, rebuilt from the {@code book_snapshot}s and {@code book_delta}s of each
 * (subscription, market), and the protocol's promises checked as messages arrive: {@code seq} per subscription starts
 * at 1 and never skips, and a subscription's first book message for a market is a snapshot. A broken promise is kept
 * in {@link #violations()}.
 */
public final class HeldBooks {

    /**
     * One book as a client holds it: price → size (exact decimal text), per side. The client's socket thread changes it
     * while a test reads it: both hold the book's lock.
     */
    public static final class HeldBook {
        private final TreeMap<Long, String> bids = new TreeMap<>(Collections.reverseOrder());
        private final TreeMap<Long, String> asks = new TreeMap<>();
        public volatile boolean stale;

        public synchronized List<PriceLevel> bidLevels() {
            return levels(bids);
        }

        public synchronized List<PriceLevel> askLevels() {
            return levels(asks);
        }

        private static List<PriceLevel> levels(TreeMap<Long, String> side) {
            List<PriceLevel> levels = new ArrayList<>();
            side.forEach((price, size) -> levels.add(PriceLevel.parse(price, size)));
            return levels;
        }
    }

    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<String, Long> seqs = new HashMap<>();
    /** subscription → market → book. */
    private final Map<String, Map<String, HeldBook>> books = new HashMap<>();

    public List<String> violations() {
        return violations;
    }

    /** The book held for the market under that subscription, or null. */
    public synchronized HeldBook book(String subscription, String market) {
        Map<String, HeldBook> bySubscription = books.get(subscription);
        return bySubscription == null ? null : bySubscription.get(market);
    }

    /** The last {@code seq} taken for the subscription (0: none yet). */
    public synchronized long seq(String subscription) {
        return seqs.getOrDefault(subscription, 0L);
    }

    /** Takes one message the node sent, checking what the protocol promises. */
    public synchronized void onMessage(JsonNode message) {
        String type = message.path("type").asText();
        JsonNode payload = message.path("payload");
        String subscription = message.path("subscription").asText(null);
        if (subscription != null) {
            long seq = message.path("seq").asLong();
            long expected = seqs.getOrDefault(subscription, 0L) + 1;
            if (seq != expected) {
                violations.add(subscription + ": seq " + seq + " after " + (expected - 1));
            }
            seqs.put(subscription, seq);
            String market = message.path("market").asText();
            String payloadType = payload.path("type").asText();
            Map<String, HeldBook> held = books.computeIfAbsent(subscription, s -> new HashMap<>());
            switch (payloadType) {
                case "book_snapshot" -> {
                    HeldBook book = new HeldBook();
                    payload.path("bids").forEach(l -> book.bids.put(Decimals.parse(l.get(0).asText()), l.get(1).asText()));
                    payload.path("asks").forEach(l -> book.asks.put(Decimals.parse(l.get(0).asText()), l.get(1).asText()));
                    book.stale = message.path("stale").asBoolean();
                    held.put(market, book);
                }
                case "book_delta" -> {
                    HeldBook book = held.get(market);
                    if (book == null) {
                        violations.add(subscription + ": a book_delta for " + market + " before its snapshot");
                        return;
                    }
                    synchronized (book) {
                        for (JsonNode update : payload.path("updates")) {
                            TreeMap<Long, String> side = update.path("side").asText().equals("bid") ? book.bids : book.asks;
                            long price = Decimals.parse(update.path("price").asText());
                            String size = update.path("size").asText();
                            if (Decimals.parse(size) == 0) {
                                side.remove(price);
                            } else {
                                side.put(price, size);
                            }
                        }
                    }
                }
                case "book_reset" -> {
                    HeldBook book = new HeldBook();
                    book.stale = true;
                    held.put(market, book);
                }
                default -> {
                    if (payload.path("kind").asText().equals("book_stale") && held.get(market) != null) {
                        held.get(market).stale = true;
                    }
                }
            }
        } else if (type.isEmpty()) {
            violations.add("a message with neither type nor subscription: " + message);
        }
    }

}
