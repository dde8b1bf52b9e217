package io.marketmesh.node.venue.cryptocom;

import static io.marketmesh.node.venue.MarketListing.decimal;

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
 * Spot markets from Crypto.com's REST API: {@code GET {rest-url}/public/get-instruments} (instruments of
 * {@code inst_type} {@code CCY_PAIR} that are {@code tradable}, quote asset in {@code quote-assets}; a
 * {@code next_cursor}, which the venue documents for some of its business units, is followed), ranked by 24 h traded
 * value from {@code GET {rest-url}/public/get-tickers} ({@code vv}, in USD, comparable across quote assets; else
 * {@code v × a}). Markets without a ticker rank last; when the tickers cannot be read the ranking falls back to the
 * symbol, and discovery still answers.
 */
final class CryptocomDiscovery {

    static final String SPOT = "CCY_PAIR";

    private static final Logger log = LoggerFactory.getLogger(CryptocomDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_PAGES = 50;
    private static final Comparator<MarketInfo> BY_VOLUME = Comparator
            .comparing(MarketInfo::volume, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(MarketInfo::symbol);

    private final HttpClient http;
    private final String base;

    CryptocomDiscovery(HttpClient http, String restUrl) {
        this.http = http;
        this.base = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    }

    /** @param limit at most this many symbols, best ranked first; zero or less means all */
    List<String> discover(Set<String> quoteAssets, int limit) throws IOException, InterruptedException {
        return chosen(quoteAssets, limit).stream().map(MarketInfo::symbol).toList();
    }

    /** As {@link #discover}, with what the venue says about each market. */
    List<MarketInfo> chosen(Set<String> quoteAssets, int limit) throws IOException, InterruptedException {
        List<MarketInfo> markets = markets(quoteAssets);
        List<MarketInfo> chosen = markets.stream().limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
        log.info("Crypto.com discovery: {} tradable spot market(s) quoted in {}, following {}", markets.size(),
                quoteAssets.isEmpty() ? "any asset" : quoteAssets, chosen.stream().map(MarketInfo::symbol).toList());
        return chosen;
    }

    /** Tradable spot markets quoted in one of {@code quoteAssets} (any, when empty), best ranked first. */
    List<MarketInfo> markets(Set<String> quoteAssets) throws IOException, InterruptedException {
        Map<String, BigDecimal> volumes = volumes();
        List<MarketInfo> markets = new ArrayList<>();
        for (MarketInfo market : listing(volumes)) {
            if (market.active() && market.kind().equals("spot")
                    && (quoteAssets.isEmpty() || quoteAssets.contains(market.quote()))) {
                markets.add(market);
            }
        }
        markets.sort(BY_VOLUME);
        return markets;
    }

    /** What get-instruments says now about each of {@code symbols}, whatever its type or state (absent: delisted). */
    List<MarketInfo> describe(Collection<String> symbols) throws IOException, InterruptedException {
        return MarketListing.describe(listing(Map.of()), symbols);
    }

    /** Every instrument get-instruments lists, every page. */
    private List<MarketInfo> listing(Map<String, BigDecimal> volumes) throws IOException, InterruptedException {
        List<MarketInfo> markets = new ArrayList<>();
        Set<String> seenCursors = new HashSet<>();
        String cursor = "";
        for (int page = 0; page < MAX_PAGES; page++) {
            URI uri = URI.create(base + "/public/get-instruments"
                    + (cursor.isEmpty() ? "" : "?cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            JsonNode result = result(uri);
            JsonNode data = result.path("data");
            if (!data.isArray()) {
                throw new IOException("Crypto.com discovery: GET " + uri + " answered without result.data");
            }
            for (JsonNode instrument : data) {
                MarketInfo market = instrument(instrument, volumes);
                if (market != null) {
                    markets.add(market);
                }
            }
            cursor = result.path("next_cursor").asText("");
            if (cursor.isEmpty() || !seenCursors.add(cursor)) {
                break;
            }
        }
        return markets;
    }

    /**
     * One listed instrument; null without a symbol. Crypto.com says whether it trades with the boolean
     * {@code tradable}, which is the status here ({@code tradable} / {@code untradable}); a spot pair
     * ({@code CCY_PAIR}) is of kind {@code spot}, others keep their {@code inst_type} ({@code PERPETUAL_SWAP}).
     */
    static MarketInfo instrument(JsonNode instrument, Map<String, BigDecimal> volumes) {
        String symbol = instrument.path("symbol").asText("");
        if (symbol.isBlank()) {
            return null;
        }
        String type = instrument.path("inst_type").asText("");
        boolean spot = SPOT.equals(type);
        boolean tradable = tradable(instrument.path("tradable"));
        String base = instrument.path("base_ccy").asText("");
        String quote = instrument.path("quote_ccy").asText("");
        return MarketListing.crypto(symbol, base, quote, spot ? "spot" : type,
                decimal(instrument.path("price_tick_size")), decimal(instrument.path("qty_tick_size")),
                tradable ? "tradable" : "untradable", volumes.get(symbol),
                spot ? "https://crypto.com/exchange/trade/" + symbol : null, tradable);
    }

    /** 24 h traded value per instrument; empty when the tickers cannot be read (ranking is then by symbol). */
    private Map<String, BigDecimal> volumes() throws InterruptedException {
        URI uri = URI.create(base + "/public/get-tickers");
        Map<String, BigDecimal> volumes = new HashMap<>();
        try {
            JsonNode data = result(uri).path("data");
            for (JsonNode ticker : data) {
                String symbol = ticker.path("i").asText("");
                BigDecimal value = decimal(ticker.path("vv"));
                if (value == null) {
                    BigDecimal volume = decimal(ticker.path("v"));
                    BigDecimal last = decimal(ticker.path("a"));
                    value = volume != null && last != null ? volume.multiply(last) : null;
                }
                if (!symbol.isBlank() && value != null) {
                    volumes.put(symbol, value);
                }
            }
        } catch (IOException e) {
            log.warn("Crypto.com discovery ranks by symbol: {}", e.getMessage());
        }
        return volumes;
    }

    private JsonNode result(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("Crypto.com discovery: GET " + uri + " answered HTTP " + response.statusCode()
                    + " with invalid JSON: " + abbreviate(response.body()), e);
        }
        // The envelope's code is 0 on success, sent as a number or a string ("0").
        String code = body.path("code").asText("0");
        if (response.statusCode() != 200 || !code.equals("0") || !body.path("result").isObject()) {
            throw new IOException("Crypto.com discovery: GET " + uri + " answered HTTP " + response.statusCode()
                    + ", code " + code + ": " + abbreviate(response.body()));
        }
        return body.path("result");
    }

    private static boolean tradable(JsonNode node) {
        return node.isBoolean() ? node.booleanValue() : "true".equalsIgnoreCase(node.asText(""));
    }


    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
