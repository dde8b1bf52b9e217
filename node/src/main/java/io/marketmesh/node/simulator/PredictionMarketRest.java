package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketmesh.node.venue.kalshi.KalshiSigner;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * The REST side of the simulated Polymarket and Kalshi: Gamma's market pages (offset paging), Kalshi's market pages
 * (cursor paging), each with the venue's documented filters and metadata fields, and the check of Kalshi's signed
 * WebSocket handshake. Pure functions of the catalogue and the
 * settings, so the simulator's routes stay routing.
 */
final class PredictionMarketRest {

    /** How far a Kalshi handshake's timestamp may be from the simulator's clock. */
    private static final Duration KALSHI_CLOCK_SKEW = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The simulated books move in whole cents; Polymarket's smallest order is 5 shares. */
    private static final BigDecimal TICK = new BigDecimal("0.01");
    private static final BigDecimal MIN_ORDER_SIZE = new BigDecimal("5");

    private final SimCatalog catalog;
    private final SimulatorSettings settings;

    PredictionMarketRest(SimCatalog catalog, SimulatorSettings settings) {
        this.catalog = catalog;
        this.settings = settings;
    }

    /**
     * Gamma {@code GET /markets}: a JSON array of markets, tokens and outcomes as JSON-encoded strings, filtered as the
     * venue documents it ({@code clob_token_ids} and {@code condition_ids} repeated or comma-separated,
     * {@code closed}, {@code active}) and paged with {@code limit}/{@code offset}. A closed market stays
     * {@code active} but no longer accepts orders, as on the venue.
     */
    String gammaMarkets(Map<String, List<String>> query) {
        Set<String> tokens = values(query, "clob_token_ids");
        Set<String> conditions = values(query, "condition_ids");
        String closed = first(query, "closed");
        String active = first(query, "active");
        int limit = Math.max(0, intParam(query, "limit", 100));
        int offset = Math.max(0, intParam(query, "offset", 0));
        ArrayNode page = JSON.createArrayNode();
        int matched = 0;
        for (SimCatalog.PolymarketMarket market : catalog.polymarket()) {
            boolean wanted = (tokens.isEmpty() || tokens.contains(market.yesToken()) || tokens.contains(market.noToken()))
                    && (conditions.isEmpty() || conditions.contains(market.conditionId()))
                    && (closed == null || Boolean.parseBoolean(closed) == market.closed())
                    && (active == null || Boolean.parseBoolean(active));
            if (!wanted || matched++ < offset) {
                continue;
            }
            if (page.size() >= limit) {
                break;
            }
            writeGamma(page.addObject(), market);
        }
        return page.toString();
    }

    private static void writeGamma(ObjectNode node, SimCatalog.PolymarketMarket market) {
        node.put("id", market.id());
        node.put("question", market.question());
        node.put("conditionId", market.conditionId());
        node.put("slug", "simulated-question-" + market.id());
        node.put("startDate", market.startDate().toString());
        node.put("endDate", market.endDate().toString());
        node.put("active", true);
        node.put("closed", market.closed());
        node.put("enableOrderBook", true);
        node.put("acceptingOrders", !market.closed());
        node.put("orderPriceMinTickSize", TICK);
        node.put("orderMinSize", MIN_ORDER_SIZE);
        node.put("outcomes", "[\"Yes\", \"No\"]");
        node.put("clobTokenIds", "[\"" + market.yesToken() + "\", \"" + market.noToken() + "\"]");
        ObjectNode event = node.putArray("events").addObject();
        event.put("id", market.id());
        event.put("slug", market.eventSlug());
        event.put("title", market.question());
    }

    /**
     * Kalshi {@code GET /markets}: a page of markets and the cursor of the next ("" at the end), filtered as the venue
     * documents it: {@code tickers} (comma-separated), {@code event_ticker}, {@code status} ({@code open} answers
     * markets whose status reads {@code active}; {@code closed}; any other status matches none here).
     */
    String kalshiMarkets(Map<String, List<String>> query) {
        Set<String> tickers = values(query, "tickers");
        Set<String> events = values(query, "event_ticker");
        String status = first(query, "status");
        int size = Math.min(1000, Math.max(1, intParam(query, "limit", 100)));
        String cursor = Objects.requireNonNullElse(first(query, "cursor"), "");
        int from = 0;
        if (!cursor.isEmpty()) {
            try {
                from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                from = 0;
            }
        }
        List<SimCatalog.KalshiMarket> all = catalog.kalshi().stream()
                .filter(m -> tickers.isEmpty() || tickers.contains(m.ticker()))
                .filter(m -> events.isEmpty() || events.contains(m.eventTicker()))
                .filter(m -> status == null || status.isEmpty()
                        || (status.equals("open") && !m.closed()) || (status.equals("closed") && m.closed()))
                .toList();
        ObjectNode page = JSON.createObjectNode();
        ArrayNode markets = page.putArray("markets");
        int i = Math.max(0, from);
        for (; i < all.size() && markets.size() < size; i++) {
            writeKalshi(markets.addObject(), all.get(i));
        }
        page.put("cursor", i < all.size()
                ? Base64.getUrlEncoder().encodeToString(Integer.toString(i).getBytes(StandardCharsets.UTF_8)) : "");
        return page.toString();
    }

    private static void writeKalshi(ObjectNode node, SimCatalog.KalshiMarket market) {
        node.put("ticker", market.ticker());
        node.put("event_ticker", market.eventTicker());
        node.put("market_type", "binary");
        node.put("title", market.title());
        node.put("subtitle", "");
        node.put("yes_sub_title", market.title());
        node.put("no_sub_title", market.title());
        node.put("open_time", market.openTime().toString());
        node.put("close_time", market.closeTime().toString());
        node.put("status", market.closed() ? "closed" : "active");
        node.put("tick_size", 1);
        node.put("price_level_structure", "linear_cent");
        ObjectNode range = node.putArray("price_ranges").addObject();
        range.put("start", "0.0000");
        range.put("end", "1.0000");
        range.put("step", "0.0100");
    }

    /** Every value of a parameter, given repeated or comma-separated; blank ones dropped. */
    private static Set<String> values(Map<String, List<String>> query, String name) {
        Set<String> values = new LinkedHashSet<>();
        for (String value : query.getOrDefault(name, List.of())) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.strip());
                }
            }
        }
        return values;
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.getOrDefault(name, List.of());
        return values.isEmpty() ? null : values.get(0);
    }

    private static int intParam(Map<String, List<String>> query, String name, int fallback) {
        try {
            String value = first(query, name);
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
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
