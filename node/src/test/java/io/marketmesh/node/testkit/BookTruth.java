package io.marketmesh.node.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Compares the books a node serves over HTTP with the simulated venue's true books. */
public final class BookTruth {

    private BookTruth() {
    }

    /** Waits until the node serves the venue's true book for the market, not stale; fails with the difference. */
    public static void awaitBookEqualsTruth(TestNode node, VenueSimulator simulator, Venue venue, String symbol,
                                            Duration timeout) {
        BookSnapshot truth = simulator.trueBook(venue, symbol);
        String path = "/api/v1/markets/" + venue.id() + "/"
                + java.net.URLEncoder.encode(symbol, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                + "/book?depth=1000";
        TestNode.Reply reply = node.awaitJson(path, r -> r.status() == 200 && !r.body().path("stale").asBoolean(true)
                && levels(r.body().path("bids")).equals(truth.bids()) && levels(r.body().path("asks")).equals(truth.asks()),
                timeout);
        assertEquals(truth.bids(), levels(reply.body().path("bids")), venue + " " + symbol + " bids");
        assertEquals(truth.asks(), levels(reply.body().path("asks")), venue + " " + symbol + " asks");
    }

    /** {@code [["0.52","100"], ...]} as price levels. */
    public static List<PriceLevel> levels(JsonNode side) {
        List<PriceLevel> levels = new ArrayList<>();
        for (JsonNode level : side) {
            levels.add(PriceLevel.parse(Decimals.parse(level.get(0).asText()), level.get(1).asText()));
        }
        return levels;
    }
}
