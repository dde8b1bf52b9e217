package io.marketmesh.node.venue.kraken;

import static io.marketmesh.node.venue.MarketListing.decimal;

import com.fasterxml.jackson.databind.DeserializationFeature;
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
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kraken's spot pairs from its REST API: {@code GET {rest}/0/public/AssetPairs} (every pair, its WebSocket name,
 * precisions and status), ranked by {@code GET {rest}/0/public/Ticker} (every pair's 24-hour volume). Kept: pairs
 * {@code online} (a listing without a status, as the API gave before it had one, counts as online), with a WebSocket
 * name, of the currency asset class, quoted in one of {@code quote-assets}; then the most traded, by 24-hour volume
 * in the quote asset (base volume × 24-hour VWAP).
 *
 * <p>AssetPairs names pairs the WebSocket v1 way ({@code XBT/USD}, {@code XDG/USD}); v2 names bitcoin {@code BTC} and
 * dogecoin {@code DOGE} ({@code BTC/USD}), so the v2 symbol is the {@code wsname} with those two renamed, and base
 * and quote are read from it (the {@code base}/{@code quote} fields carry Kraken's legacy codes, {@code XXBT},
 * {@code ZUSD}).
 */
final class KrakenDiscovery {

    private static final Logger log = LoggerFactory.getLogger(KrakenDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;

    KrakenDiscovery(HttpClient http) {
        this.http = http;
    }

    /** @param limit at most this many symbols; zero or less means no limit */
    List<String> discover(String restUrl, int limit, Set<String> quoteAssets) throws IOException, InterruptedException {
        return chosen(restUrl, limit, quoteAssets).stream().map(MarketInfo::symbol).toList();
    }

    /** What the venue's AssetPairs says now about each of {@code symbols} (v2 names), whatever its status. */
    List<MarketInfo> describe(String restUrl, Collection<String> symbols) throws IOException, InterruptedException {
        return MarketListing.describe(markets(get(URI.create(base(restUrl) + "/0/public/AssetPairs")), null), symbols);
    }

    private static String base(String restUrl) {
        return restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    }

    /** As {@link #discover}, with what the venue says about each pair. */
    List<MarketInfo> chosen(String restUrl, int limit, Set<String> quoteAssets) throws IOException, InterruptedException {
        String base = base(restUrl);
        String pairs = get(URI.create(base + "/0/public/AssetPairs"));
        String tickers;
        try {
            tickers = get(URI.create(base + "/0/public/Ticker"));
        } catch (IOException e) {
            // Ranking is a nicety; the pairs themselves are what discovery needs.
            log.warn("Kraken market discovery: no 24-hour volumes to rank by ({}); taking pairs in the venue's order",
                    e.getMessage());
            tickers = null;
        }
        List<MarketInfo> markets = rank(markets(pairs, tickers), quoteAssets);
        List<MarketInfo> chosen = limit > 0 && markets.size() > limit ? markets.subList(0, limit) : markets;
        log.info("Kraken market discovery: {} pair(s) kept of {} listed online in {}, following {}", markets.size(),
                quoteAssets, chosen.size() == markets.size() ? "all" : "the top " + chosen.size(),
                chosen.stream().map(MarketInfo::symbol).toList());
        return List.copyOf(chosen);
    }

    /** Every spot pair AssetPairs lists with a WebSocket name, with its 24-hour volume from Ticker where given. */
    static List<MarketInfo> markets(String assetPairsJson, String tickerJson) throws IOException {
        JsonNode pairs = result(assetPairsJson, "AssetPairs");
        Map<String, BigDecimal> volumes = tickerJson == null ? Map.of() : volumes(result(tickerJson, "Ticker"));
        List<MarketInfo> markets = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = pairs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode pair = entry.getValue();
            String wsname = pair.path("wsname").asText("");
            int slash = wsname.indexOf('/');
            if (slash <= 0 || slash == wsname.length() - 1) {
                continue; // dark pool and other pairs not on the WebSocket API
            }
            String aclass = pair.path("aclass_base").asText("currency");
            if (!"currency".equals(aclass)) {
                continue;
            }
            String base = v2Asset(wsname.substring(0, slash));
            String quote = v2Asset(wsname.substring(slash + 1));
            int priceDecimals = pair.path("pair_decimals").asInt(-1);
            int lotDecimals = pair.path("lot_decimals").asInt(-1);
            BigDecimal tick = pair.hasNonNull("tick_size") ? decimal(pair.get("tick_size"))
                    : priceDecimals >= 0 ? BigDecimal.ONE.movePointLeft(priceDecimals) : null;
            BigDecimal lot = lotDecimals >= 0 ? BigDecimal.ONE.movePointLeft(lotDecimals) : null;
            // Kraken documents the pair statuses online, cancel_only, post_only, limit_only and reduce_only: only
            // online takes every order.
            String status = pair.path("status").asText("online");
            markets.add(MarketListing.crypto(base + "/" + quote, base, quote, "spot", tick, lot, status,
                    volumes.get(entry.getKey()), tradePage(base, quote), "online".equals(status)));
        }
        return markets;
    }

    /** Kraken Pro's trade page of a pair: {@code https://pro.kraken.com/app/trade/btc-usd}. */
    static String tradePage(String base, String quote) {
        return "https://pro.kraken.com/app/trade/" + base.toLowerCase(Locale.ROOT) + "-" + quote.toLowerCase(Locale.ROOT);
    }

    /** Online pairs quoted in one of {@code quoteAssets} (all when empty), most traded first. */
    static List<MarketInfo> rank(List<MarketInfo> markets, Set<String> quoteAssets) {
        return markets.stream()
                .filter(m -> "online".equals(m.status()))
                .filter(m -> quoteAssets.isEmpty() || quoteAssets.contains(m.quote()))
                .sorted(Comparator.comparing(MarketInfo::volume, Comparator.nullsLast(Comparator.reverseOrder()))
                        .thenComparing(MarketInfo::symbol))
                .toList();
    }

    /** The v2 name of a v1 asset name: {@code XBT} → {@code BTC}, {@code XDG} → {@code DOGE}; others unchanged. */
    static String v2Asset(String v1) {
        String upper = v1.toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "XBT" -> "BTC";
            case "XDG" -> "DOGE";
            default -> upper;
        };
    }

    /** Ticker's {@code v} (volume today, last 24 h) × {@code p} (VWAP today, last 24 h): quote-asset volume. */
    private static Map<String, BigDecimal> volumes(JsonNode tickers) {
        Map<String, BigDecimal> volumes = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tickers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            BigDecimal volume = decimal(entry.getValue().path("v").path(1));
            BigDecimal vwap = decimal(entry.getValue().path("p").path(1));
            if (volume != null && vwap != null) {
                volumes.put(entry.getKey(), volume.multiply(vwap));
            }
        }
        return volumes;
    }


    /** The {@code result} object of a Kraken REST answer, which reports failures in {@code error} with HTTP 200. */
    private static JsonNode result(String body, String endpoint) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IOException("Kraken " + endpoint + " answered with invalid JSON: " + abbreviate(body), e);
        }
        JsonNode errors = root.path("error");
        if (errors.isArray() && !errors.isEmpty()) {
            throw new IOException("Kraken " + endpoint + " answered with errors " + errors);
        }
        JsonNode result = root.path("result");
        if (!result.isObject()) {
            throw new IOException("Kraken " + endpoint + " answered without a 'result' object: " + abbreviate(body));
        }
        return result;
    }

    private String get(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Kraken market discovery: GET " + uri + " answered HTTP " + response.statusCode()
                    + ": " + abbreviate(response.body()));
        }
        return response.body();
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
