package io.marketmesh.node.venue.kalshi;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.venue.MarketInfo;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open markets from Kalshi's REST API: {@code GET {rest}/markets?status=open&limit=..&cursor=..}, following the
 * cursor page by page until it runs out or enough tickers are found; and given markets, whatever their status, through
 * the documented {@code tickers} filter of the same endpoint. {@link KalshiMarketInfo} reads each market.
 */
final class KalshiDiscovery {

    static final int MAX_PAGE = 1000;
    /** Tickers per describe request: a comma-separated list of about 3 KB, which every server accepts. */
    static final int DESCRIBE_BATCH = 100;

    private static final Logger log = LoggerFactory.getLogger(KalshiDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final KalshiSigner signer;
    private final LongSupplier clock;

    /** @param signer null when there are no credentials (the request then goes unsigned) */
    KalshiDiscovery(HttpClient http, KalshiSigner signer, LongSupplier clock) {
        this.http = http;
        this.signer = signer;
        this.clock = clock;
    }

    /** @param limit at most this many markets; zero or less means no limit */
    List<MarketInfo> discover(String restUrl, int limit) throws IOException, InterruptedException {
        String base = base(restUrl);
        int cap = limit > 0 ? limit : Integer.MAX_VALUE;
        Map<String, MarketInfo> markets = new LinkedHashMap<>();
        Set<String> seenCursors = new HashSet<>();
        String cursor = "";
        int pages = 0;
        while (markets.size() < cap) {
            int pageSize = Math.min(MAX_PAGE, cap - markets.size());
            URI uri = URI.create(base + "/markets?status=open&limit=" + pageSize
                    + (cursor.isEmpty() ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            JsonNode page = get(uri);
            pages++;
            for (JsonNode market : marketsOf(page, uri)) {
                MarketInfo info = KalshiMarketInfo.of(market);
                if (info != null && markets.putIfAbsent(info.symbol(), info) == null && markets.size() >= cap) {
                    break;
                }
            }
            cursor = page.path("cursor").asText("");
            if (cursor.isEmpty()) {
                break;
            }
            if (!seenCursors.add(cursor)) {
                log.warn("Kalshi market discovery stopped: the venue repeated cursor after {} page(s)", pages);
                break;
            }
        }
        log.info("Kalshi market discovery found {} open market(s) in {} page(s)", markets.size(), pages);
        return List.copyOf(markets.values());
    }

    /**
     * What Kalshi says now about exactly these tickers, whatever their status (no status filter), in their order; a
     * ticker the venue does not answer for is left out. Asked in batches of {@link #DESCRIBE_BATCH} with
     * {@code tickers=a,b,..}, each batch following its cursor should the venue page it.
     */
    List<MarketInfo> describe(String restUrl, Collection<String> tickers) throws IOException, InterruptedException {
        String base = base(restUrl);
        List<String> wanted = List.copyOf(new LinkedHashSet<>(tickers));
        Map<String, MarketInfo> found = new HashMap<>();
        for (int from = 0; from < wanted.size(); from += DESCRIBE_BATCH) {
            List<String> batch = wanted.subList(from, Math.min(wanted.size(), from + DESCRIBE_BATCH));
            String filter = URLEncoder.encode(String.join(",", batch), StandardCharsets.UTF_8);
            Set<String> seenCursors = new HashSet<>();
            String cursor = "";
            do {
                URI uri = URI.create(base + "/markets?tickers=" + filter + "&limit=" + MAX_PAGE
                        + (cursor.isEmpty() ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
                JsonNode page = get(uri);
                for (JsonNode market : marketsOf(page, uri)) {
                    MarketInfo info = KalshiMarketInfo.of(market);
                    if (info != null && batch.contains(info.symbol())) {
                        found.putIfAbsent(info.symbol(), info);
                    }
                }
                cursor = page.path("cursor").asText("");
            } while (!cursor.isEmpty() && seenCursors.add(cursor));
        }
        List<MarketInfo> described = wanted.stream().map(found::get).filter(Objects::nonNull).toList();
        log.info("Kalshi describe: {} of {} ticker(s) known to the venue", described.size(), wanted.size());
        return described;
    }

    private static String base(String restUrl) {
        return restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    }

    private static JsonNode marketsOf(JsonNode page, URI uri) throws IOException {
        JsonNode markets = page.get("markets");
        if (markets == null || !markets.isArray()) {
            throw new IOException("Kalshi market discovery: GET " + uri + " answered without a 'markets' array");
        }
        return markets;
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .GET();
        if (signer != null) {
            signer.headers(clock.getAsLong(), "GET", uri.getRawPath()).forEach(request::header);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Kalshi market discovery: GET " + uri + " answered HTTP " + response.statusCode()
                    + ": " + abbreviate(response.body()));
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("Kalshi market discovery: GET " + uri + " answered with invalid JSON: "
                    + abbreviate(response.body()), e);
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
