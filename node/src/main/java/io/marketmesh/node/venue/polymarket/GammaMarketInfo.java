package io.marketmesh.node.venue.polymarket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.MarketListing;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one Gamma market ({@code GET /markets}, schema {@code Market} of the Gamma OpenAPI spec at
 * docs.polymarket.com/api-reference/markets/list-markets) into one {@link MarketInfo} per CLOB token: the question
 * as title, the token's outcome ({@code outcomes} is index-aligned with {@code clobTokenIds}, both JSON-encoded
 * strings), the condition id as event, {@code orderPriceMinTickSize} and {@code orderMinSize}, {@code startDate}/
 * {@code endDate}, and the page {@code https://polymarket.com/event/<event slug>} (the URL form the docs use for an
 * event). Cold path: a tree per market.
 */
final class GammaMarketInfo {

    private static final Logger log = LoggerFactory.getLogger(GammaMarketInfo.class);
    /** Exact decimals: {@code 0.001} stays {@code 0.001}, never a binary double. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final String EVENT_PAGE = "https://polymarket.com/event/";

    private GammaMarketInfo() {
    }

    /** One entry per token of the market, in {@code clobTokenIds} order; empty when it has no readable tokens. */
    static List<MarketInfo> of(JsonNode market) {
        List<String> tokens = tokenIds(market);
        if (tokens.isEmpty()) {
            return List.of();
        }
        List<String> outcomes = outcomes(market);
        boolean closed = market.path("closed").asBoolean(false);
        boolean active = market.path("active").asBoolean(false);
        String status = closed ? "closed" : active ? "active" : "inactive";
        String title = text(market, "question");
        String condition = text(market, "conditionId");
        BigDecimal tick = decimal(market, "orderPriceMinTickSize");
        BigDecimal minSize = decimal(market, "orderMinSize");
        BigDecimal volume = decimal(market, "volume24hr");
        Instant open = instant(market, "startDate");
        Instant close = instant(market, "endDate");
        String url = eventUrl(market);
        boolean tradable = tradable(market);
        List<MarketInfo> infos = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            String outcome = i < outcomes.size() ? outcomes.get(i) : null;
            infos.add(new MarketInfo(tokens.get(i), "", "", "binary", tick, minSize, status, volume, title, outcome,
                    condition, open, close, url, tradable));
        }
        return infos;
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
     * {@code clobTokenIds} is a JSON-encoded string (e.g. {@code "[\"123\", \"456\"]"}); a real array is taken too.
     * A market whose ids cannot be read is skipped with a warning: one bad market must not stop discovery.
     */
    static List<String> tokenIds(JsonNode market) {
        return stringArray(market, "clobTokenIds", true);
    }

    /** {@code outcomes}, JSON-encoded like the token ids ({@code "[\"Yes\", \"No\"]"}); empty when absent. */
    static List<String> outcomes(JsonNode market) {
        return stringArray(market, "outcomes", false);
    }

    private static List<String> stringArray(JsonNode market, String field, boolean warn) {
        JsonNode values = market.get(field);
        if (values == null || values.isNull()) {
            return List.of();
        }
        if (values.isTextual()) {
            String text = values.asText().strip();
            if (text.isEmpty()) {
                return List.of();
            }
            try {
                values = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                if (warn) {
                    log.warn("polymarket discovery: market {} has unreadable {} {}; skipped",
                            market.path("id").asText("?"), field, abbreviate(text));
                }
                return List.of();
            }
        }
        if (values == null || !values.isArray()) {
            if (warn) {
                log.warn("polymarket discovery: market {} has {} that are no array; skipped",
                        market.path("id").asText("?"), field);
            }
            return List.of();
        }
        List<String> result = new ArrayList<>(values.size());
        for (JsonNode value : values) {
            String item = value.isValueNode() ? value.asText().strip() : "";
            if (!item.isEmpty()) {
                result.add(item);
            }
        }
        return result;
    }

    /** The page of the market's first event, where Gamma embeds its events; null without an event slug. */
    private static String eventUrl(JsonNode market) {
        String slug = text(market.path("events").path(0), "slug");
        return slug == null ? null : EVENT_PAGE + URLEncoder.encode(slug, StandardCharsets.UTF_8);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || !value.isValueNode()) {
            return null;
        }
        String text = value.asText().strip();
        return text.isEmpty() ? null : text;
    }

    /** A number or a decimal string; null when absent or unreadable. */
    private static BigDecimal decimal(JsonNode node, String field) {
        return MarketListing.decimal(node.get(field));
    }

    /** ISO-8601 instant, offset date-time or plain date (midnight UTC); null when absent or unreadable. */
    static Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notAnOffsetTime) {
                try {
                    return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException unreadable) {
                    return null;
                }
            }
        }
    }

    static String abbreviate(String text) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
    }
}
