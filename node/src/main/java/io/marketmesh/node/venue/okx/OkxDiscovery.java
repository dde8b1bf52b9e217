package io.marketmesh.node.venue.okx;

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
 * OKX's live instruments from its public REST API, ranked by 24-hour volume:
 * {@code GET {rest}/api/v5/public/instruments?instType=SPOT} (and {@code SWAP}) for what is listed, and {@code GET
 * {rest}/api/v5/market/tickers?instType=...} for the volumes. Kept: {@code state} {@code live}; spot pairs whose
 * {@code quoteCcy}, and linear swaps whose {@code settleCcy}, is one of {@code quote-assets} (inverse swaps, settled
 * in the coin, are not followed). Volume in the quote asset: spot's {@code volCcy24h} is already in it; a swap's is in
 * the base coin, so it is multiplied by the last price.
 */
final class OkxDiscovery {

    private static final Logger log = LoggerFactory.getLogger(OkxDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String base;

    OkxDiscovery(HttpClient http, String restUrl) {
        this.http = http;
        this.base = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    }

    /**
     * @param instTypes   {@code SPOT}, {@code SWAP}
     * @param quoteAssets upper case; empty keeps every quote asset
     * @param limit       at most this many; zero or less means all
     * @return the kept instruments, highest volume first (those without a volume last, by symbol)
     */
    List<MarketInfo> discover(Set<String> instTypes, Set<String> quoteAssets, int limit)
            throws IOException, InterruptedException {
        List<MarketInfo> kept = new ArrayList<>();
        for (String type : List.of("SPOT", "SWAP")) {
            if (!instTypes.contains(type)) {
                continue;
            }
            Map<String, BigDecimal> volumes = volumes(type);
            for (JsonNode inst : data(get("/api/v5/public/instruments?instType=" + type))) {
                MarketInfo info = info(type, inst, volumes);
                if (info != null && info.active() && (!"SWAP".equals(type) || "linear".equals(inst.path("ctType").asText()))
                        && (quoteAssets.isEmpty() || quoteAssets.contains(info.quote()))) {
                    kept.add(info);
                }
            }
        }
        kept.sort(Comparator.comparing(MarketInfo::volume, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(MarketInfo::symbol));
        List<MarketInfo> chosen = limit > 0 && kept.size() > limit ? List.copyOf(kept.subList(0, limit)) : List.copyOf(kept);
        log.info("OKX market discovery kept {} of the live {} instruments: {}", chosen.size(), String.join("/", instTypes),
                chosen.stream().map(MarketInfo::symbol).toList());
        return chosen;
    }

    /**
     * What OKX's instruments listing says now about each of {@code symbols}, whatever its state (absent: delisted):
     * one listing of the spot instruments, and one of the swaps when a symbol is a swap ({@code -SWAP}).
     */
    List<MarketInfo> describe(Collection<String> symbols) throws IOException, InterruptedException {
        List<MarketInfo> listed = new ArrayList<>();
        for (String type : List.of("SPOT", "SWAP")) {
            boolean wanted = symbols.stream().anyMatch(s -> s.endsWith("-SWAP") == type.equals("SWAP"));
            if (!wanted) {
                continue;
            }
            for (JsonNode inst : data(get("/api/v5/public/instruments?instType=" + type))) {
                MarketInfo info = info(type, inst, Map.of());
                if (info != null) {
                    listed.add(info);
                }
            }
        }
        return MarketListing.describe(listed, symbols);
    }

    /**
     * One listed instrument; null for a row without instId. Active when its {@code state} is {@code live} (OKX
     * documents {@code live}, {@code suspend}, {@code preopen} and {@code test}: only live trades). A swap's base and
     * quote come from its instrument family ({@code BTC-USDT}); a spot pair's kind is {@code spot}.
     */
    static MarketInfo info(String type, JsonNode inst, Map<String, BigDecimal> volumes) {
        String instId = inst.path("instId").asText("");
        if (instId.isEmpty()) {
            return null;
        }
        String base;
        String quote;
        if ("SWAP".equals(type)) {
            String family = inst.path("instFamily").asText(inst.path("uly").asText(""));
            int dash = family.indexOf('-');
            if (dash > 0 && dash < family.length() - 1) {
                base = family.substring(0, dash);
                quote = family.substring(dash + 1);
            } else {
                // A linear swap's contract is worth ctVal of the base coin (ctValCcy), settled in the quote (settleCcy).
                base = inst.path("ctValCcy").asText("");
                quote = inst.path("settleCcy").asText("");
            }
        } else {
            base = inst.path("baseCcy").asText("");
            quote = inst.path("quoteCcy").asText("");
        }
        String state = inst.path("state").asText("");
        boolean swap = "SWAP".equals(type);
        return MarketListing.crypto(instId, base, quote, swap ? "SWAP" : "spot", decimal(inst.path("tickSz")),
                decimal(inst.path("lotSz")), state, volumes.get(instId), tradePage(instId, swap), "live".equals(state));
    }

    /** OKX's trade page: {@code https://www.okx.com/trade-spot/btc-usdt}, {@code .../trade-swap/btc-usdt-swap}. */
    static String tradePage(String instId, boolean swap) {
        return "https://www.okx.com/" + (swap ? "trade-swap/" : "trade-spot/") + instId.toLowerCase(Locale.ROOT);
    }

    /** 24-hour volume in the quote asset, by instId. */
    private Map<String, BigDecimal> volumes(String type) throws IOException, InterruptedException {
        Map<String, BigDecimal> volumes = new HashMap<>();
        for (JsonNode t : data(get("/api/v5/market/tickers?instType=" + type))) {
            BigDecimal volCcy = decimal(t.path("volCcy24h"));
            if (volCcy == null) {
                continue;
            }
            if ("SWAP".equals(type)) {
                BigDecimal last = decimal(t.path("last"));
                if (last == null) {
                    continue;
                }
                volCcy = volCcy.multiply(last);
            }
            volumes.put(t.path("instId").asText(""), volCcy);
        }
        return volumes;
    }


    /** The {@code data} array of an answer whose {@code code} is {@code "0"}. */
    private static JsonNode data(JsonNode answer) throws IOException {
        JsonNode data = answer.get("data");
        if (!"0".equals(answer.path("code").asText()) || data == null || !data.isArray()) {
            throw new IOException("OKX answered code " + answer.path("code").asText("?") + ": "
                    + answer.path("msg").asText(""));
        }
        return data;
    }

    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        URI uri = URI.create(base + pathAndQuery);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("OKX market discovery: GET " + uri + " answered HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("OKX market discovery: GET " + uri + " answered with invalid JSON: "
                    + abbreviate(response.body()), e);
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
