package io.marketmesh.node.api;

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

    private ApiRequests() {
    }

    /** What {@code POST /subscriptions} asks for: markets of one venue to follow. */
    record Follow(Venue venue, List<String> symbols) {
    }

    /** The follow body, {@code {"venue": ..., "symbols": [...]}} and/or {@code "symbol": ...}, for an enabled venue. */
    static Follow follow(String body, Set<Venue> enabled) {
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
            many.forEach(n -> symbols.add(validSymbol(n)));
        }
        if (one != null) {
            symbols.add(validSymbol(one));
        }
        if (symbols.isEmpty()) {
            throw ApiError.badRequest("give \"symbol\" or a non-empty \"symbols\" array");
        }
        return new Follow(venue, List.copyOf(symbols));
    }

    /** A market named by the path: an unknown venue is 404, a blank symbol 400. */
    static MarketKey marketKey(String venueId, String symbol) {
        Venue venue = venue(venueId, true);
        if (symbol.isBlank()) {
            throw ApiError.badRequest("symbol must not be blank");
        }
        return MarketKey.of(venue, symbol);
    }

    /** {@code unknownIsNotFound}: a venue named in a URL is a resource (404); one in a body is bad input (400). */
    static Venue venue(String id, boolean unknownIsNotFound) {
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
            throw ApiError.badRequest(name + " must be an integer, got '" + value.get() + "'");
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
        String text = node.asText();
        String symbol = text.trim();
        // A '/' is fine (Kraken's BTC/USD): paths carry it URL-encoded as %2F. Whitespace and control characters are
        // never part of a venue's symbol, and would forge log lines. Control characters are looked for in the text as
        // sent: trim() strips them too, so "\u0000" would become a blank symbol (which no market has, and which every
        // reader of the followed markets refuses) and "\u001b[0m" another one.
        if (symbol.isEmpty() || symbol.length() > 256 || text.chars().anyMatch(Character::isISOControl)
                || symbol.chars().anyMatch(Character::isWhitespace)) {
            throw ApiError.badRequest("symbol is not valid (no spaces or control characters, at most 256 chars)");
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
