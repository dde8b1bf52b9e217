package io.marketmesh.node.api;

import io.marketmesh.node.security.ClientText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what a request carries (query parameters, path segments, the follow body) and checks it. Bad input is thrown
 * as an {@link ApiError}: 400, or 404 for a venue named in the path or query that does not exist.
 */
final class ApiRequests {

    private static final ObjectMapper JSON = ProtocolJson.mapper();
    static final String SYMBOL_RULE = "a symbol is 1 to " + ClientText.MAX_SYMBOL_LENGTH
            + " characters of A-Z a-z 0-9 . _ : / @ + -";

    private ApiRequests() {
    }

    /** What {@code POST /subscriptions} asks for: markets of one venue to follow. */
    record Follow(Venue venue, List<String> symbols) {
    }

    /**
     * The follow body, {@code {"venue": ..., "symbols": [...]}} and/or {@code "symbol": ...}, for an enabled venue,
     * with {@code maxSymbols} symbols at most.
     */
    static Follow follow(String body, Set<Venue> enabled, int maxSymbols) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("body is not JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw ApiError.badRequest("body must be a JSON object like {\"venue\":\"kalshi\",\"symbols\":[\"TICKER\"]}");
        }
        JsonNode venueNode = json.get("venue");
        if (venueNode == null || !venueNode.isTextual()) {
            throw ApiError.badRequest("\"venue\" is required (one of " + venueList() + ")");
        }
        Venue venue = venue(venueNode.asText(), false);
        if (!enabled.contains(venue)) {
            throw ApiError.badRequest("venue " + venue.id() + " is not enabled on this node");
        }
        List<String> symbols = new ArrayList<>();
        JsonNode many = json.get("symbols");
        JsonNode one = json.get("symbol");
        if (many != null) {
            if (!many.isArray()) {
                throw ApiError.badRequest("\"symbols\" must be an array of strings");
            }
            if (many.size() > maxSymbols) {
                throw ApiError.badRequest("at most " + maxSymbols + " symbols per request (marketmesh.http.limits."
                        + "max-symbols-per-request), got " + many.size());
            }
            many.forEach(n -> symbols.add(validSymbol(n)));
        }
        if (one != null) {
            if (symbols.size() >= maxSymbols) {
                throw ApiError.badRequest("at most " + maxSymbols + " symbols per request (marketmesh.http.limits."
                        + "max-symbols-per-request), got " + (symbols.size() + 1));
            }
            symbols.add(validSymbol(one));
        }
        if (symbols.isEmpty()) {
            throw ApiError.badRequest("give \"symbol\" or a non-empty \"symbols\" array");
        }
        return new Follow(venue, List.copyOf(symbols));
    }

    /** A market named by the path: an unknown venue is 404, a blank or malformed symbol 400. */
    static MarketKey marketKey(String venueId, String symbol) {
        Venue venue = venue(venueId, true);
        if (symbol.isBlank()) {
            throw ApiError.badRequest("symbol must not be blank");
        }
        if (!ClientText.isSymbol(symbol)) {
            throw ApiError.badRequest(SYMBOL_RULE + ", got '" + ClientText.quote(symbol) + "'");
        }
        return MarketKey.of(venue, symbol);
    }

    /** {@code unknownIsNotFound}: a venue named in a URL is a resource (404); one in a body is bad input (400). */
    static Venue venue(String id, boolean unknownIsNotFound) {
        if (!ClientText.isVenueId(id)) {
            throw ApiError.badRequest("a venue is one of " + venueList() + ", got '" + ClientText.quote(id) + "'");
        }
        try {
            return Venue.fromId(id);
        } catch (IllegalArgumentException e) {
            throw unknownIsNotFound ? ApiError.notFound("unknown_venue", e.getMessage()) : ApiError.badRequest(e.getMessage());
        }
    }

    /** An optional integer query parameter, {@code fallback} when absent, within {@code min..max}. */
    static int intParam(String name, Optional<String> value, int fallback, int min, int max) {
        if (value.isEmpty()) {
            return fallback;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be an integer, got '" + ClientText.quote(value.get()) + "'");
        }
        if (parsed < min || parsed > max) {
            throw ApiError.badRequest(name + " must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    private static String validSymbol(JsonNode node) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw ApiError.badRequest("every symbol must be a non-empty string");
        }
        String symbol = node.asText().trim();
        // A '/' is fine (Kraken's BTC/USD): paths carry it URL-encoded as %2F. Whitespace, quotes and control
        // characters are never part of a venue's symbol, and would reach the venue's subscribe frame, a log line and
        // the Kafka key.
        if (!ClientText.isSymbol(symbol)) {
            throw ApiError.badRequest(SYMBOL_RULE + ", got '" + ClientText.quote(symbol) + "'");
        }
        return symbol;
    }

    private static String venueList() {
        StringBuilder sb = new StringBuilder();
        for (Venue v : Venue.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(v.id());
        }
        return sb.toString();
    }
}
