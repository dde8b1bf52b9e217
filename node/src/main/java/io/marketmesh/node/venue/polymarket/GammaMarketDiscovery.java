package io.marketmesh.node.venue.polymarket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.venue.MarketInfo;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds tradable outcome tokens through the Gamma API ({@code GET /markets?active=true&closed=false}),
 * paging with {@code offset} until enough tokens are found or a page comes back short, and describes given tokens
 * through the documented {@code clob_token_ids} filter of the same endpoint. Cold path: plain and readable, a tree per
 * page; {@link GammaMarketInfo} reads each market.
 */
final class GammaMarketDiscovery {

    private static final Logger log = LoggerFactory.getLogger(GammaMarketDiscovery.class);
    static final int DEFAULT_PAGE_SIZE = 100;
    /** Token ids per describe request: 77-digit ids keep the URL near 4 KB, which every server accepts. */
    static final int DESCRIBE_BATCH = 50;

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

    /** Every token of the tradable markets in the venue's order, at most {@code limit}, no duplicates. */
    List<MarketInfo> discover() throws IOException, InterruptedException {
        Map<String, MarketInfo> tokens = new LinkedHashMap<>();
        if (limit <= 0) {
            return List.of();
        }
        HttpClient http = http();
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
                if (GammaMarketInfo.tradable(market)) {
                    markets++;
                    for (MarketInfo token : GammaMarketInfo.of(market)) {
                        if (tokens.size() < limit) {
                            tokens.putIfAbsent(token.symbol(), token);
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
        return new ArrayList<>(tokens.values());
    }

    /**
     * What Gamma says now about exactly these tokens, in their order; a token Gamma does not know is left out. Asked
     * in batches with {@code clob_token_ids}; tokens not found are asked again with {@code closed=true}, because the
     * venue may leave closed markets out unless asked for them.
     */
    List<MarketInfo> describe(Collection<String> tokens) throws IOException, InterruptedException {
        Set<String> wanted = new LinkedHashSet<>(tokens);
        Map<String, MarketInfo> found = new HashMap<>();
        HttpClient http = http();
        lookUp(http, wanted, "", found);
        List<String> missing = wanted.stream().filter(token -> !found.containsKey(token)).toList();
        lookUp(http, missing, "&closed=true", found);
        List<MarketInfo> described = new ArrayList<>(found.size());
        for (String token : wanted) {
            MarketInfo info = found.get(token);
            if (info != null) {
                described.add(info);
            }
        }
        log.info("polymarket describe: {} of {} tokens known to {}", described.size(), wanted.size(), baseUrl);
        return described;
    }

    private void lookUp(HttpClient http, Collection<String> tokens, String filter, Map<String, MarketInfo> found)
            throws IOException, InterruptedException {
        List<String> all = List.copyOf(tokens);
        for (int from = 0; from < all.size(); from += DESCRIBE_BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + DESCRIBE_BATCH));
            StringBuilder url = new StringBuilder(baseUrl).append("/markets?limit=").append(batch.size()).append(filter);
            for (String token : batch) {
                url.append("&clob_token_ids=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
            }
            URI uri = URI.create(url.toString());
            for (JsonNode market : parse(get(http, uri), uri)) {
                for (MarketInfo token : GammaMarketInfo.of(market)) {
                    if (batch.contains(token.symbol())) {
                        found.putIfAbsent(token.symbol(), token);
                    }
                }
            }
        }
    }

    private HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
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
                    + ": " + GammaMarketInfo.abbreviate(response.body()));
        }
        return response.body();
    }

    private static JsonNode parse(String body, URI uri) throws IOException {
        JsonNode page;
        try {
            page = GammaMarketInfo.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IOException("polymarket discovery: GET " + uri + " returned malformed JSON ("
                    + e.getOriginalMessage() + "): " + GammaMarketInfo.abbreviate(body));
        }
        if (page == null || !page.isArray()) {
            throw new IOException("polymarket discovery: GET " + uri + " returned no JSON array of markets: "
                    + GammaMarketInfo.abbreviate(body));
        }
        return page;
    }
}
