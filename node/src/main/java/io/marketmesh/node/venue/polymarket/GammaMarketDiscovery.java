package io.marketmesh.node.venue.polymarket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds tradable outcome tokens through the Gamma API ({@code GET /markets?active=true&closed=false}),
 * paging with {@code offset} until enough tokens are found or a page comes back short. Cold path: plain
 * and readable, a tree per page.
 */
final class GammaMarketDiscovery {

    private static final Logger log = LoggerFactory.getLogger(GammaMarketDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int DEFAULT_PAGE_SIZE = 100;

    private final String baseUrl;
    private final int limit;
    private final int pageSize;
    private final Duration timeout;

    GammaMarketDiscovery(String restUrl, int limit, int pageSize, Duration timeout) {
        this.baseUrl = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
        this.limit = limit;
        this.pageSize = pageSize;
        this.timeout = timeout;
    }

    /** Token ids in the venue's order, at most {@code limit}, no duplicates. */
    List<String> discover() throws IOException, InterruptedException {
        Set<String> tokens = new LinkedHashSet<>();
        if (limit <= 0) {
            return List.of();
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        int offset = 0;
        int pages = 0;
        int markets = 0;
        String previousBody = null;
        while (tokens.size() < limit) {
            URI uri = URI.create(baseUrl + "/markets?active=true&closed=false&limit=" + pageSize + "&offset=" + offset);
            String body = get(http, uri);
            pages++;
            if (body.equals(previousBody)) {
                // A server that ignores offset would otherwise be asked forever.
                log.warn("polymarket discovery: {} returned the same page as the previous offset; stopping", uri);
                break;
            }
            previousBody = body;
            JsonNode page = parse(body, uri);
            for (JsonNode market : page) {
                if (tradable(market)) {
                    markets++;
                    for (String token : tokenIds(market)) {
                        if (tokens.size() < limit) {
                            tokens.add(token);
                        }
                    }
                }
            }
            if (page.size() < pageSize) {
                break;
            }
            offset += page.size();
        }
        log.info("polymarket discovery: {} tokens of {} tradable markets in {} pages from {}",
                tokens.size(), markets, pages, baseUrl);
        return new ArrayList<>(tokens);
    }

    private String get(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("polymarket discovery: GET " + uri + " answered HTTP " + response.statusCode()
                    + ": " + abbreviate(response.body()));
        }
        return response.body();
    }

    private static JsonNode parse(String body, URI uri) throws IOException {
        JsonNode page;
        try {
            page = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IOException("polymarket discovery: GET " + uri + " returned malformed JSON ("
                    + e.getOriginalMessage() + "): " + abbreviate(body));
        }
        if (page == null || !page.isArray()) {
            throw new IOException("polymarket discovery: GET " + uri + " returned no JSON array of markets: "
                    + abbreviate(body));
        }
        return page;
    }

    /** active, not closed, and (when the venue says) with an order book that accepts orders. */
    static boolean tradable(JsonNode market) {
        return market.path("active").asBoolean(false)
                && !market.path("closed").asBoolean(false)
                && flagAbsentOrTrue(market, "enableOrderBook")
                && flagAbsentOrTrue(market, "acceptingOrders");
    }

    private static boolean flagAbsentOrTrue(JsonNode market, String field) {
        JsonNode flag = market.get(field);
        return flag == null || flag.isNull() || flag.asBoolean(false);
    }

    /**
     * {@code clobTokenIds} is a JSON-encoded string (e.g. {@code "[\"123\", \"456\"]"}); a real array is taken
     * too. A market whose ids cannot be read is skipped with a warning: one bad market must not stop discovery.
     */
    static List<String> tokenIds(JsonNode market) {
        JsonNode ids = market.get("clobTokenIds");
        if (ids == null || ids.isNull()) {
            return List.of();
        }
        if (ids.isTextual()) {
            String text = ids.asText().strip();
            if (text.isEmpty()) {
                return List.of();
            }
            try {
                ids = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                log.warn("polymarket discovery: market {} has unreadable clobTokenIds {}; skipped",
                        market.path("id").asText("?"), abbreviate(text));
                return List.of();
            }
        }
        if (ids == null || !ids.isArray()) {
            log.warn("polymarket discovery: market {} has clobTokenIds that are no array; skipped",
                    market.path("id").asText("?"));
            return List.of();
        }
        List<String> result = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            String token = id.isValueNode() ? id.asText().strip() : "";
            if (!token.isEmpty()) {
                result.add(token);
            }
        }
        return result;
    }

    private static String abbreviate(String text) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
    }
}
