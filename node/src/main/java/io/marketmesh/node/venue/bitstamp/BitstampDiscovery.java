package io.marketmesh.node.venue.bitstamp;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spot pairs from Bitstamp's REST API: {@code GET {rest}/api/v2/trading-pairs-info/} (those with {@code trading}
 * {@code Enabled}, quote asset in {@code quote-assets}; tick = 10^-{@code counter_decimals}, lot =
 * 10^-{@code base_decimals}), ranked by 24-hour quote volume from {@code GET {rest}/api/v2/ticker/} where it answers
 * (without it, in the venue's listing order).
 */
final class BitstampDiscovery {

    private static final Logger log = LoggerFactory.getLogger(BitstampDiscovery.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String base;

    BitstampDiscovery(HttpClient http, String restUrl) {
        this.http = http;
        this.base = BitstampAdapter.restBase(restUrl);
    }

    /**
     * @param quoteAssets upper case; empty keeps every quote asset
     * @param limit       at most this many; zero or less means no limit
     */
    List<MarketInfo> discover(Set<String> quoteAssets, int limit) throws IOException, InterruptedException {
        JsonNode pairs = pairs();
        Map<String, BigDecimal> volumes = volumes();
        List<MarketInfo> markets = new ArrayList<>();
        for (JsonNode pair : pairs) {
            MarketInfo info = info(pair, volumes);
            if (info != null && info.active() && "spot".equals(info.kind())
                    && (quoteAssets.isEmpty() || quoteAssets.contains(info.quote()))) {
                markets.add(info);
            }
        }
        // Stable: pairs without a volume keep the venue's order, after those with one.
        markets.sort(Comparator.comparing(MarketInfo::volume, Comparator.nullsLast(Comparator.reverseOrder())));
        List<MarketInfo> chosen = limit > 0 && markets.size() > limit ? markets.subList(0, limit) : markets;
        log.info("Bitstamp market discovery: {} enabled spot pair(s) quoted in {}, following {}", markets.size(),
                quoteAssets.isEmpty() ? "any asset" : quoteAssets, chosen.stream().map(MarketInfo::symbol).toList());
        return List.copyOf(chosen);
    }

    /** What trading-pairs-info says now about each url_symbol, whatever its status (absent: delisted). */
    List<MarketInfo> describe(Collection<String> symbols) throws IOException, InterruptedException {
        List<MarketInfo> listed = new ArrayList<>();
        for (JsonNode pair : pairs()) {
            MarketInfo info = info(pair, Map.of());
            if (info != null) {
                listed.add(info);
            }
        }
        return MarketListing.describe(listed, symbols);
    }

    private JsonNode pairs() throws IOException, InterruptedException {
        String path = "/api/v2/trading-pairs-info/";
        JsonNode pairs;
        try {
            pairs = BitstampTickers.JSON.readTree(get(path));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("Bitstamp discovery: GET " + base + path + " answered with invalid JSON", e);
        }
        if (pairs == null || !pairs.isArray()) {
            throw new IOException("Bitstamp discovery: trading-pairs-info is not a JSON array");
        }
        return pairs;
    }

    /**
     * One listed pair, or null when it has no url_symbol or BASE/QUOTE name. Active when {@code trading} is
     * {@code Enabled} (Bitstamp's other word is {@code Disabled}). Spot unless the venue says another
     * {@code market_type} or names a perpetual ({@code BTC/USD-PERP}), whose kind is then that type (discovery
     * follows spot only). No trade-page URL: Bitstamp documents none per pair.
     */
    static MarketInfo info(JsonNode pair, Map<String, BigDecimal> volumes) {
        String symbol = BitstampTickers.text(pair, "url_symbol");
        String name = BitstampTickers.text(pair, "name");
        if (symbol == null || symbol.isBlank() || name == null) {
            return null;
        }
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1) {
            return null;
        }
        String marketType = BitstampTickers.text(pair, "market_type");
        int dash = name.indexOf('-', slash);
        String kind = marketType != null && !marketType.equalsIgnoreCase("spot") ? marketType.toLowerCase(Locale.ROOT)
                : dash >= 0 ? name.substring(dash + 1).toLowerCase(Locale.ROOT) : "spot";
        String status = BitstampTickers.text(pair, "trading");
        return MarketListing.crypto(symbol, name.substring(0, slash),
                name.substring(slash + 1, dash >= 0 ? dash : name.length()), kind,
                increment(pair, "counter_decimals"), increment(pair, "base_decimals"), status, volumes.get(symbol),
                null, "Enabled".equalsIgnoreCase(status));
    }

    private static BigDecimal increment(JsonNode pair, String decimalsField) {
        JsonNode decimals = pair.get(decimalsField);
        return decimals != null && decimals.canConvertToInt() && decimals.asInt() >= 0
                ? BigDecimal.ONE.movePointLeft(decimals.asInt()) : null;
    }

    /** 24-hour quote volume by url_symbol; empty when the tickers cannot be read (discovery goes on unranked). */
    private Map<String, BigDecimal> volumes() throws InterruptedException {
        Map<String, BigDecimal> volumes = new HashMap<>();
        try {
            for (BitstampTickers.Row row : BitstampTickers.parse(get("/api/v2/ticker/"))) {
                BigDecimal volume = row.quoteVolume();
                if (volume != null) {
                    volumes.put(row.symbol(), volume);
                }
            }
        } catch (IOException e) {
            log.warn("Bitstamp discovery: no ticker volumes to rank by ({}); keeping the venue's order", e.getMessage());
        }
        return volumes;
    }

    private String get(String path) throws IOException, InterruptedException {
        URI uri = URI.create(base + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Bitstamp discovery: GET " + uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }
}
