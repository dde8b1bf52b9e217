package io.marketmesh.node.venue.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open markets from Kalshi's REST API: {@code GET {rest}/markets?status=open&limit=..&cursor=..}, following the
 * cursor page by page until it runs out or enough tickers are found.
 */
final class KalshiDiscovery {

    static final int MAX_PAGE = 1000;

    private static final Logger log = LoggerFactory.getLogger(KalshiDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
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

    /** @param limit at most this many tickers; zero or less means no limit */
    List<String> discover(String restUrl, int limit) throws IOException, InterruptedException {
        String base = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
        int cap = limit > 0 ? limit : Integer.MAX_VALUE;
        Set<String> tickers = new LinkedHashSet<>();
        Set<String> seenCursors = new HashSet<>();
        String cursor = "";
        int pages = 0;
        while (tickers.size() < cap) {
            int pageSize = Math.min(MAX_PAGE, cap - tickers.size());
            URI uri = URI.create(base + "/markets?status=open&limit=" + pageSize
                    + (cursor.isEmpty() ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            JsonNode page = get(uri);
            pages++;
            JsonNode markets = page.get("markets");
            if (markets == null || !markets.isArray()) {
                throw new IOException("Kalshi market discovery: GET " + uri + " answered without a 'markets' array");
            }
            for (JsonNode market : markets) {
                String ticker = market.path("ticker").asText("");
                if (!ticker.isBlank() && tickers.add(ticker) && tickers.size() >= cap) {
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
        log.info("Kalshi market discovery found {} open market(s) in {} page(s)", tickers.size(), pages);
        return List.copyOf(tickers);
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
