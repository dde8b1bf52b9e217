package io.marketmesh.node.venue.bybit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.MarketListing;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Markets from Bybit's v5 REST API, per followed category: {@code GET {rest}/v5/market/instruments-info?category=..}
 * (every page, by {@code nextPageCursor}) keeps instruments whose {@code status} is {@code Trading}, whose
 * {@code quoteCoin} is one of {@code quote-assets} and, on linear, whose {@code contractType} is
 * {@code LinearPerpetual} (dated futures are not followed); {@code GET {rest}/v5/market/tickers?category=..} gives
 * each its {@code turnover24h} (24-hour volume in the quote coin), by which each category is ranked. The categories'
 * rankings are then taken in turn, best first, up to {@code discovery-limit}, so every followed category is seen.
 */
final class BybitDiscovery {

    static final int PAGE_SIZE = 1000;

    private static final Logger log = LoggerFactory.getLogger(BybitDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Comparator<MarketInfo> BY_VOLUME = Comparator.comparing(MarketInfo::volume,
            Comparator.nullsFirst(Comparator.<BigDecimal>naturalOrder())).reversed();

    private final HttpClient http;
    private final String base;

    BybitDiscovery(HttpClient http, String restUrl) {
        this.http = http;
        this.base = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    }

    /** Market symbols to follow, best first. */
    List<String> discover(List<BybitCategory> categories, Set<String> quoteAssets, int limit)
            throws IOException, InterruptedException {
        return markets(categories, quoteAssets, limit).stream().map(MarketInfo::symbol).toList();
    }

    /** @param limit at most this many markets; zero or less means no limit */
    List<MarketInfo> markets(List<BybitCategory> categories, Set<String> quoteAssets, int limit)
            throws IOException, InterruptedException {
        List<List<MarketInfo>> rankings = new ArrayList<>();
        for (BybitCategory category : categories) {
            List<MarketInfo> ranked = instruments(category, quoteAssets);
            Map<String, BigDecimal> turnover = turnover(category);
            ranked.replaceAll(m -> m.withVolume(turnover.get(category.venueSymbol(m.symbol()))));
            ranked.sort(BY_VOLUME);
            rankings.add(ranked);
        }
        int cap = limit > 0 ? limit : Integer.MAX_VALUE;
        List<MarketInfo> chosen = new ArrayList<>();
        for (int rank = 0; chosen.size() < cap; rank++) {
            boolean any = false;
            for (List<MarketInfo> ranking : rankings) {
                if (rank < ranking.size() && chosen.size() < cap) {
                    chosen.add(ranking.get(rank));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        log.info("Bybit market discovery chose {} market(s) of {}: {}", chosen.size(), categories,
                chosen.stream().map(MarketInfo::symbol).limit(20).toList());
        return chosen;
    }

    /**
     * What instruments-info says now about each market symbol ({@code BTCUSDT}, {@code linear:BTCUSDT}), whatever its
     * status or quote coin (absent: delisted); one listing per category the symbols name.
     */
    List<MarketInfo> describe(Collection<String> symbols) throws IOException, InterruptedException {
        List<MarketInfo> listed = new ArrayList<>();
        for (BybitCategory category : BybitCategory.values()) {
            if (symbols.stream().anyMatch(category::owns)) {
                listed.addAll(listing(category));
            }
        }
        return MarketListing.describe(listed, symbols);
    }

    private List<MarketInfo> instruments(BybitCategory category, Set<String> quoteAssets)
            throws IOException, InterruptedException {
        List<MarketInfo> markets = new ArrayList<>();
        for (MarketInfo market : listing(category)) {
            if (market.active() && (category != BybitCategory.LINEAR || market.kind().equals("linear"))
                    && (quoteAssets.isEmpty() || quoteAssets.contains(market.quote()))) {
                markets.add(market);
            }
        }
        return markets;
    }

    /** Every instrument of the category, every page; a linear dated future's kind is its contract type. */
    private List<MarketInfo> listing(BybitCategory category) throws IOException, InterruptedException {
        List<MarketInfo> markets = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String cursor = "";
        do {
            JsonNode result = get("/v5/market/instruments-info?category=" + category.wire + "&limit=" + PAGE_SIZE
                    + (cursor.isEmpty() ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            for (JsonNode instrument : result.path("list")) {
                MarketInfo market = market(category, instrument);
                if (market != null) {
                    markets.add(market);
                }
            }
            cursor = result.path("nextPageCursor").asText("");
            if (!cursor.isEmpty() && !cursors.add(cursor)) {
                log.warn("Bybit market discovery: the venue repeated cursor {} for {}; stopping", cursor, category.wire);
                break;
            }
        } while (!cursor.isEmpty());
        return markets;
    }

    /**
     * One instrument as the node sees it; null without a symbol the node can key. Active when its {@code status} is
     * {@code Trading} (Bybit documents PreLaunch, Trading, Delivering and Closed). Kind: the category ({@code spot},
     * {@code linear}), or a linear dated future's contract type, which discovery does not follow.
     */
    static MarketInfo market(BybitCategory category, JsonNode instrument) {
        String symbol = instrument.path("symbol").asText("");
        if (symbol.isEmpty() || symbol.indexOf(':') >= 0) {
            return null;
        }
        String contractType = instrument.path("contractType").asText("");
        String kind = category == BybitCategory.LINEAR && !"LinearPerpetual".equals(contractType) ? contractType
                : category.wire;
        JsonNode lot = instrument.path("lotSizeFilter");
        // Spot sizes step by basePrecision, linear ones by qtyStep.
        String lotSize = category == BybitCategory.LINEAR ? lot.path("qtyStep").asText("")
                : lot.path("basePrecision").asText("");
        String base = instrument.path("baseCoin").asText("");
        String quote = instrument.path("quoteCoin").asText("");
        String status = instrument.path("status").asText("");
        return MarketListing.crypto(category.marketSymbol(symbol), base, quote, kind,
                decimal(instrument.path("priceFilter").path("tickSize").asText("")), decimal(lotSize), status, null,
                tradePage(category, symbol, base, quote, kind), "Trading".equals(status));
    }

    /**
     * Bybit's trade page: spot {@code https://www.bybit.com/en/trade/spot/BTC/USDT}, a USDT perpetual
     * {@code https://www.bybit.com/trade/usdt/BTCUSDT}; null for others (no form we are sure of).
     */
    static String tradePage(BybitCategory category, String symbol, String base, String quote, String kind) {
        if (category == BybitCategory.SPOT && !base.isEmpty() && !quote.isEmpty()) {
            return "https://www.bybit.com/en/trade/spot/" + base + "/" + quote;
        }
        if (category == BybitCategory.LINEAR && kind.equals("linear") && quote.equals("USDT")) {
            return "https://www.bybit.com/trade/usdt/" + symbol;
        }
        return null;
    }

    private Map<String, BigDecimal> turnover(BybitCategory category) throws IOException, InterruptedException {
        Map<String, BigDecimal> turnover = new HashMap<>();
        for (JsonNode ticker : get("/v5/market/tickers?category=" + category.wire).path("list")) {
            BigDecimal value = decimal(ticker.path("turnover24h").asText(""));
            if (value != null) {
                turnover.put(ticker.path("symbol").asText(""), value);
            }
        }
        return turnover;
    }

    private static BigDecimal decimal(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The {@code result} of a v5 answer; a non-zero {@code retCode} is an error. */
    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        URI uri = URI.create(base + pathAndQuery);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Bybit market discovery: GET " + uri + " answered HTTP " + response.statusCode()
                    + ": " + abbreviate(response.body()));
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("Bybit market discovery: GET " + uri + " answered with invalid JSON: "
                    + abbreviate(response.body()), e);
        }
        if (body.path("retCode").asInt(-1) != 0) {
            throw new IOException("Bybit market discovery: GET " + uri + " answered retCode "
                    + body.path("retCode").asText("(none)") + ": " + body.path("retMsg").asText(""));
        }
        return body.path("result");
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
