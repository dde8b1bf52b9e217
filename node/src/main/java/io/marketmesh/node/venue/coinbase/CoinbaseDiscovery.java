package io.marketmesh.node.venue.coinbase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.MarketListing;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spot products from the public products endpoint, {@code GET {rest-url}/api/v3/brokerage/market/products
 * ?product_type=SPOT} (no auth), paged with {@code offset} while {@code pagination.has_next} says so. Cold path:
 * plain and readable, a tree per page.
 *
 * <p>Kept: {@code product_type} SPOT, {@code status} online, not {@code trading_disabled}, {@code is_disabled},
 * {@code cancel_only} or {@code view_only}, quote asset ({@code quote_currency_id}) in {@code quote-assets}, and no
 * {@code alias}: an aliased product (BTC-USDC is an alias of BTC-USD) is not served on the market-data channels,
 * which answer it with the data of the product it aliases, under that product's id. Ranked by
 * {@code approximate_quote_24h_volume} (24-hour volume in the quote asset), highest first.
 */
final class CoinbaseDiscovery {

    static final String PATH = "/api/v3/brokerage/market/products";
    private static final int MAX_PAGES = 50;

    private static final Logger log = LoggerFactory.getLogger(CoinbaseDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    CoinbaseDiscovery(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /**
     * The most traded active spot products in the quote assets, as native symbols.
     *
     * @param quoteAssets upper case; empty keeps every quote asset
     * @param limit       at most this many; zero or less means no limit
     */
    List<String> discover(String restUrl, Set<String> quoteAssets, int limit) throws IOException, InterruptedException {
        return markets(restUrl, quoteAssets, limit).stream().map(MarketInfo::symbol).toList();
    }

    /** As {@link #discover}, with what the venue says about each product. */
    List<MarketInfo> markets(String restUrl, Set<String> quoteAssets, int limit) throws IOException, InterruptedException {
        List<MarketInfo> chosen = select(products(restUrl), quoteAssets, limit);
        log.info("coinbase discovery: {} spot products chosen from {}", chosen.size(), restUrl);
        return chosen;
    }

    /** Every spot product the venue lists that can be followed, with its metadata, in the venue's order. */
    List<MarketInfo> products(String restUrl) throws IOException, InterruptedException {
        Map<String, MarketInfo> followable = new LinkedHashMap<>();
        for (JsonNode product : listing(restUrl)) {
            MarketInfo info = followable(product);
            if (info != null) {
                followable.putIfAbsent(info.symbol(), info);
            }
        }
        return new ArrayList<>(followable.values());
    }

    /** What the products listing says now about each of {@code symbols}, whatever its status (absent: delisted). */
    List<MarketInfo> describe(String restUrl, Collection<String> symbols) throws IOException, InterruptedException {
        List<MarketInfo> listed = new ArrayList<>();
        for (JsonNode product : listing(restUrl)) {
            MarketInfo info = product(product);
            if (info != null) {
                listed.add(info);
            }
        }
        return MarketListing.describe(listed, symbols);
    }

    /** Every spot product of every page, as the venue wrote it. */
    private List<JsonNode> listing(String restUrl) throws IOException, InterruptedException {
        String base = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
        List<JsonNode> listed = new ArrayList<>();
        int offset = 0;
        for (int page = 0; page < MAX_PAGES; page++) {
            URI uri = URI.create(base + PATH + "?product_type=SPOT" + (offset == 0 ? "" : "&offset=" + offset));
            JsonNode body = get(uri);
            JsonNode products = body.get("products");
            if (products == null || !products.isArray()) {
                throw new IOException("coinbase discovery: GET " + uri + " answered without a 'products' array");
            }
            products.forEach(listed::add);
            boolean more = body.path("pagination").path("has_next").asBoolean(false);
            if (!more || products.isEmpty()) {
                return listed;
            }
            offset += products.size();
        }
        log.warn("coinbase discovery stopped after {} pages: the venue kept saying has_next", MAX_PAGES);
        return listed;
    }

    /** The product as discovery keeps it, or null when it cannot be followed on the market-data channels. */
    static MarketInfo followable(JsonNode p) {
        MarketInfo info = product(p);
        if (info == null || !info.active() || !"SPOT".equals(p.path("product_type").asText(""))
                || !p.path("alias").asText("").isBlank()) {
            return null;
        }
        return info;
    }

    /**
     * Any product of the listing, whatever its status; null without a {@code product_id}. Active (tradable now) when
     * its {@code status} is {@code online} and neither {@code trading_disabled}, {@code is_disabled},
     * {@code cancel_only} nor {@code view_only} is set: each of those stops new orders.
     */
    static MarketInfo product(JsonNode p) {
        String symbol = p.path("product_id").asText("");
        if (symbol.isBlank()) {
            return null;
        }
        boolean active = "online".equalsIgnoreCase(p.path("status").asText(""))
                && !p.path("trading_disabled").asBoolean(false)
                && !p.path("is_disabled").asBoolean(false)
                && !p.path("cancel_only").asBoolean(false)
                && !p.path("view_only").asBoolean(false);
        String type = p.path("product_type").asText("");
        return MarketListing.crypto(symbol,
                text(p, "base_currency_id", text(p, "base_display_symbol", "")),
                text(p, "quote_currency_id", text(p, "quote_display_symbol", "")),
                type.isEmpty() || type.equals("SPOT") ? "spot" : type,
                decimal(p, "price_increment", decimal(p, "quote_increment", null)),
                decimal(p, "base_increment", null),
                p.path("status").asText("").toLowerCase(Locale.ROOT),
                decimal(p, "approximate_quote_24h_volume", null),
                "https://www.coinbase.com/advanced-trade/spot/" + symbol, active);
    }

    /** Filters by quote asset, ranks by volume (unknown volume last, then by symbol), keeps the first {@code limit}. */
    static List<MarketInfo> select(List<MarketInfo> markets, Set<String> quoteAssets, int limit) {
        Comparator<MarketInfo> byVolume = Comparator.comparing(MarketInfo::volume,
                Comparator.nullsLast(Comparator.<BigDecimal>reverseOrder()));
        return markets.stream()
                .filter(m -> quoteAssets.isEmpty() || quoteAssets.contains(m.quote()))
                .sorted(byVolume.thenComparing(MarketInfo::symbol))
                .limit(limit > 0 ? limit : Long.MAX_VALUE)
                .toList();
    }

    private static String text(JsonNode p, String field, String otherwise) {
        String value = p.path(field).asText("");
        return value.isBlank() ? otherwise : value;
    }

    /**
     * An exact decimal, or {@code otherwise} when absent, empty or not a number (one odd product must not stop
     * discovery).
     */
    private static BigDecimal decimal(JsonNode p, String field, BigDecimal otherwise) {
        String value = p.path(field).asText("").strip();
        if (value.isEmpty()) {
            return otherwise;
        }
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("coinbase discovery: GET " + uri + " answered HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("coinbase discovery: GET " + uri + " answered with invalid JSON: "
                    + abbreviate(response.body()), e);
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
