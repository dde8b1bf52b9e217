package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketmesh.node.venue.kalshi.KalshiSigner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * The REST side of the simulated Polymarket and Kalshi: Gamma's market pages (offset paging), Kalshi's market pages
 * (cursor paging), and the check of Kalshi's signed WebSocket handshake. Pure functions of the catalogue and the
 * settings, so the simulator's routes stay routing.
 */
final class PredictionMarketRest {

    /** How far a Kalshi handshake's timestamp may be from the simulator's clock. */
    private static final Duration KALSHI_CLOCK_SKEW = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimCatalog catalog;
    private final SimulatorSettings settings;

    PredictionMarketRest(SimCatalog catalog, SimulatorSettings settings) {
        this.catalog = catalog;
        this.settings = settings;
    }

    /** Gamma {@code GET /markets?limit=&offset=}: a JSON array of markets, tokens as a JSON-encoded string. */
    String gammaPage(int size, int from) {
        ArrayNode page = JSON.createArrayNode();
        List<SimCatalog.PolymarketMarket> all = catalog.polymarket();
        for (int i = Math.max(0, from); i < all.size() && page.size() < size; i++) {
            SimCatalog.PolymarketMarket market = all.get(i);
            ObjectNode node = page.addObject();
            node.put("id", market.id());
            node.put("question", market.question());
            node.put("conditionId", market.conditionId());
            node.put("slug", "simulated-question-" + market.id());
            node.put("active", true);
            node.put("closed", false);
            node.put("enableOrderBook", true);
            node.put("acceptingOrders", true);
            node.put("outcomes", "[\"Yes\", \"No\"]");
            node.put("clobTokenIds", "[\"" + market.yesToken() + "\", \"" + market.noToken() + "\"]");
        }
        return page.toString();
    }

    /** Kalshi {@code GET /markets?limit=&cursor=}: a page of markets and the cursor of the next ("" at the end). */
    String kalshiPage(int size, String cursor) {
        int from = 0;
        if (!cursor.isEmpty()) {
            try {
                from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                from = 0;
            }
        }
        ObjectNode page = JSON.createObjectNode();
        ArrayNode markets = page.putArray("markets");
        List<SimCatalog.KalshiMarket> all = catalog.kalshi();
        int i = Math.max(0, from);
        for (; i < all.size() && markets.size() < size; i++) {
            SimCatalog.KalshiMarket market = all.get(i);
            ObjectNode node = markets.addObject();
            node.put("ticker", market.ticker());
            node.put("event_ticker", market.eventTicker());
            node.put("market_type", "binary");
            node.put("title", market.title());
            node.put("status", "active");
        }
        page.put("cursor", i < all.size()
                ? Base64.getUrlEncoder().encodeToString(Integer.toString(i).getBytes(StandardCharsets.UTF_8)) : "");
        return page.toString();
    }

    /** Null when the handshake carries a valid signature (or none is demanded), else why it is refused. */
    String kalshiAuthFailure(HttpRequest request) {
        if (settings.kalshiPublicKey() == null) {
            return null;
        }
        String key = header(request, KalshiSigner.ACCESS_KEY);
        String timestamp = header(request, KalshiSigner.ACCESS_TIMESTAMP);
        String signature = header(request, KalshiSigner.ACCESS_SIGNATURE);
        if (key == null || timestamp == null || signature == null) {
            return "missing KALSHI-ACCESS-* headers";
        }
        if (!key.equals(settings.kalshiKeyId())) {
            return "unknown key id";
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return "timestamp is not epoch milliseconds";
        }
        if (Math.abs(System.currentTimeMillis() - ts) > KALSHI_CLOCK_SKEW.toMillis()) {
            return "timestamp too far from the venue's clock";
        }
        if (!KalshiSigner.verify(settings.kalshiPublicKey(), ts, "GET", request.getUri().path(), signature)) {
            return "signature does not verify";
        }
        return null;
    }

    private static String header(HttpRequest request, String name) {
        return request.getHeader(name).map(HttpHeader::value).orElse(null);
    }
}
