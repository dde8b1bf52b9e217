package io.marketmesh.node.venue.binance;

import static io.marketmesh.node.venue.MarketListing.decimal;

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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spot markets from Binance's REST API: {@code GET /api/v3/exchangeInfo} lists the symbols (kept: status
 * {@code TRADING}, spot trading allowed, quote asset among {@code quote-assets}; tick size from the
 * {@code PRICE_FILTER}, lot size from {@code LOT_SIZE}), ranked by 24-hour quote volume from
 * {@code GET /api/v3/ticker/24hr} (in each market's own quote asset: the ranking mixes USDT and EUR as they come),
 * best first, up to {@code discovery-limit}. Without volumes (the ticker call failed) the venue's listing order is
 * kept.
 */
final class BinanceDiscovery {

    private static final Logger log = LoggerFactory.getLogger(BinanceDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String restBase;

    BinanceDiscovery(HttpClient http, String restUrl) {
        this.http = http;
        this.restBase = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    }

    /** @param limit at most this many markets; zero or less means all */
    List<MarketInfo> discover(Set<String> quoteAssets, int limit) throws IOException, InterruptedException {
        List<MarketInfo> listed = tradable(listing(get("/api/v3/exchangeInfo")), quoteAssets);
        Map<String, BigDecimal> volumes;
        try {
            volumes = quoteVolumes(get("/api/v3/ticker/24hr"));
        } catch (IOException e) {
            log.warn("Binance discovery cannot rank by volume ({}); keeping the venue's listing order", e.getMessage());
            volumes = Map.of();
        }
        List<MarketInfo> ranked = new ArrayList<>(withVolumes(listed, volumes));
        // Stable sort: markets without a volume keep their listing order, after those with one.
        ranked.sort(Comparator.comparing(MarketInfo::volume, Comparator.nullsLast(Comparator.reverseOrder())));
        List<MarketInfo> chosen = limit > 0 && ranked.size() > limit ? ranked.subList(0, limit) : ranked;
        log.info("Binance discovery: {} of {} trading spot markets quoted in {}", chosen.size(), listed.size(),
                quoteAssets.isEmpty() ? "any asset" : quoteAssets);
        return List.copyOf(chosen);
    }

    /** What {@code exchangeInfo} says now about each of {@code symbols} (absent: no longer listed). */
    List<MarketInfo> describe(Collection<String> symbols) throws IOException, InterruptedException {
        return MarketListing.describe(listing(get("/api/v3/exchangeInfo")), symbols);
    }

    /** The listed symbols of {@code exchangeInfo} that trade, in one of the quote assets (any when empty). */
    static List<MarketInfo> tradable(List<MarketInfo> listing, Set<String> quoteAssets) {
        return listing.stream().filter(MarketInfo::active)
                .filter(m -> quoteAssets.isEmpty() || quoteAssets.contains(m.quote())).toList();
    }

    /**
     * Every symbol {@code exchangeInfo} lists, whatever its status: active when its status is {@code TRADING} (the
     * only status Binance documents as open for trading; {@code BREAK}, {@code HALT}, {@code END_OF_DAY} and the
     * pre/post-trading phases are not) and spot trading is allowed.
     */
    static List<MarketInfo> listing(JsonNode exchangeInfo) throws IOException {
        JsonNode symbols = exchangeInfo.get("symbols");
        if (symbols == null || !symbols.isArray()) {
            throw new IOException("Binance exchangeInfo has no 'symbols' array");
        }
        List<MarketInfo> markets = new ArrayList<>();
        for (JsonNode s : symbols) {
            String symbol = s.path("symbol").asText("");
            if (symbol.isEmpty()) {
                continue;
            }
            String status = s.path("status").asText("");
            String base = s.path("baseAsset").asText("");
            String quote = s.path("quoteAsset").asText("");
            boolean spot = s.path("isSpotTradingAllowed").asBoolean(true);
            markets.add(MarketListing.crypto(symbol, base, quote, "spot", filter(s, "PRICE_FILTER", "tickSize"),
                    filter(s, "LOT_SIZE", "stepSize"), status, null, tradePage(base, quote),
                    spot && status.equals("TRADING")));
        }
        return markets;
    }

    /** Binance's spot trade page: {@code https://www.binance.com/en/trade/BTC_USDT}. */
    static String tradePage(String base, String quote) {
        return base.isEmpty() || quote.isEmpty() ? null
                : "https://www.binance.com/en/trade/" + base.toUpperCase(Locale.ROOT) + "_" + quote.toUpperCase(Locale.ROOT);
    }

    /** 24-hour quote volume per symbol, from {@code ticker/24hr} (an array of tickers, or one). */
    static Map<String, BigDecimal> quoteVolumes(JsonNode tickers) {
        Map<String, BigDecimal> volumes = new HashMap<>();
        for (JsonNode t : tickers.isArray() ? tickers : List.of(tickers)) {
            String symbol = t.path("symbol").asText("");
            BigDecimal volume = decimal(t.get("quoteVolume"));
            if (!symbol.isEmpty() && volume != null) {
                volumes.put(symbol, volume);
            }
        }
        return volumes;
    }

    private static List<MarketInfo> withVolumes(List<MarketInfo> markets, Map<String, BigDecimal> volumes) {
        return markets.stream().map(m -> m.withVolume(volumes.get(m.symbol()))).toList();
    }

    private static BigDecimal filter(JsonNode symbol, String type, String field) {
        for (JsonNode f : symbol.path("filters")) {
            if (type.equals(f.path("filterType").asText())) {
                BigDecimal value = decimal(f.get(field));
                return value == null || value.signum() == 0 ? null : value.stripTrailingZeros();
            }
        }
        return null;
    }


    private JsonNode get(String path) throws IOException, InterruptedException {
        URI uri = URI.create(restBase + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Binance discovery: GET " + uri + " answered HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("Binance discovery: GET " + uri + " answered with invalid JSON: "
                    + abbreviate(response.body()), e);
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
