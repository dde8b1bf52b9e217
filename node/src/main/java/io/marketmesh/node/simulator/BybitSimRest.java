package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The simulated Bybit's v5 REST market endpoints the node uses for discovery, in the venue's envelope
 * ({@code retCode}, {@code retMsg}, {@code result}, {@code retExtInfo}, {@code time}):
 * {@code GET /v5/market/instruments-info?category=spot|linear[&limit=&cursor=]} and
 * {@code GET /v5/market/tickers?category=spot|linear}. Linear also lists a dated future
 * ({@code contractType} {@code LinearFutures}) that has no book here and the busiest turnover of all, so a client that
 * does not keep to perpetuals follows a market that never comes.
 */
final class BybitSimRest {

    /** One instrument as the REST API lists it. */
    record Listing(String symbol, CryptoPair pair, String category, String contractType, BigDecimal turnover) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 500;
    private static final int MAX_LIMIT = 1000;

    private BybitSimRest() {
    }

    /** @param closed whether a market symbol ({@code BTCUSDT}, {@code linear:BTCUSDT}) was delisted: listed as {@code Closed} */
    static SimVenue.RestReply answer(String path, Map<String, String> query, List<Listing> listings,
                                     java.util.function.Predicate<String> closed) {
        String category = query.getOrDefault("category", "");
        if (!category.equals("spot") && !category.equals("linear")) {
            return SimVenue.RestReply.ok(envelope(10001, "params error: category is invalid", JSON.createObjectNode()));
        }
        List<Listing> ofCategory = listings.stream().filter(l -> l.category().equals(category)).toList();
        return switch (path) {
            case "/v5/market/instruments-info" -> instruments(category, ofCategory, query, closed);
            case "/v5/market/tickers" -> tickers(category, ofCategory);
            default -> SimVenue.RestReply.notFound("no such endpoint on the simulated bybit: " + path);
        };
    }

    private static SimVenue.RestReply instruments(String category, List<Listing> listings, Map<String, String> query,
                                                  java.util.function.Predicate<String> closed) {
        int limit;
        int from;
        try {
            limit = Math.min(MAX_LIMIT, Integer.parseInt(query.getOrDefault("limit", String.valueOf(DEFAULT_LIMIT))));
            String cursor = query.getOrDefault("cursor", "");
            from = cursor.isEmpty() ? 0
                    : Integer.parseInt(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return SimVenue.RestReply.ok(envelope(10001, "params error: limit or cursor", JSON.createObjectNode()));
        }
        ObjectNode result = JSON.createObjectNode().put("category", category);
        ArrayNode list = result.putArray("list");
        int i = Math.max(0, from);
        for (; i < listings.size() && list.size() < Math.max(1, limit); i++) {
            Listing l = listings.get(i);
            String market = category.equals("linear") ? BybitSimulator.LINEAR_PREFIX + l.symbol() : l.symbol();
            String status = closed.test(market) ? "Closed" : "Trading";
            if (category.equals("spot")) {
                spot(list.addObject(), l, status);
            } else {
                linear(list.addObject(), l, status);
            }
        }
        result.put("nextPageCursor", i < listings.size()
                ? Base64.getUrlEncoder().encodeToString(Integer.toString(i).getBytes(StandardCharsets.UTF_8)) : "");
        return SimVenue.RestReply.ok(envelope(0, "OK", result));
    }

    private static void spot(ObjectNode node, Listing l, String status) {
        CryptoPair pair = l.pair();
        node.put("symbol", l.symbol()).put("baseCoin", pair.base()).put("quoteCoin", pair.quote())
                .put("innovation", "0").put("status", status).put("marginTrading", "utaOnly").put("stTag", "0");
        node.putObject("lotSizeFilter").put("basePrecision", CryptoBook.plain(pair.lot()))
                .put("quotePrecision", "0.00000001").put("minOrderQty", CryptoBook.plain(pair.lot()))
                .put("maxOrderQty", "1000000").put("minOrderAmt", "1").put("maxOrderAmt", "2000000");
        node.putObject("priceFilter").put("tickSize", CryptoBook.plain(pair.tick()));
        node.putObject("riskParameters").put("priceLimitRatioX", "0.01").put("priceLimitRatioY", "0.02");
    }

    private static void linear(ObjectNode node, Listing l, String status) {
        CryptoPair pair = l.pair();
        node.put("symbol", l.symbol()).put("contractType", l.contractType()).put("status", status)
                .put("baseCoin", pair.base()).put("quoteCoin", pair.quote()).put("launchTime", "1584230400000")
                .put("deliveryTime", l.contractType().equals("LinearFutures") ? "1798272000000" : "0")
                .put("priceScale", String.valueOf(pair.priceDecimals()));
        node.putObject("priceFilter").put("minPrice", CryptoBook.fixed(pair.tick(), pair.priceDecimals()))
                .put("maxPrice", "1999999").put("tickSize", CryptoBook.fixed(pair.tick(), pair.priceDecimals()));
        node.putObject("lotSizeFilter").put("maxOrderQty", "1000000").put("minOrderQty", CryptoBook.plain(pair.lot()))
                .put("qtyStep", CryptoBook.plain(pair.lot())).put("minNotionalValue", "5");
        node.put("settleCoin", pair.quote()).put("fundingInterval", 480).put("isPreListing", false);
    }

    private static SimVenue.RestReply tickers(String category, List<Listing> listings) {
        ObjectNode result = JSON.createObjectNode().put("category", category);
        ArrayNode list = result.putArray("list");
        for (Listing l : listings) {
            String mid = CryptoBook.plain(l.pair().mid());
            list.addObject().put("symbol", l.symbol()).put("lastPrice", mid).put("prevPrice24h", mid)
                    .put("price24hPcnt", "0").put("volume24h", "1000").put("turnover24h", l.turnover().toPlainString());
        }
        return SimVenue.RestReply.ok(envelope(0, "OK", result));
    }

    private static String envelope(int retCode, String retMsg, ObjectNode result) {
        ObjectNode body = JSON.createObjectNode().put("retCode", retCode).put("retMsg", retMsg);
        body.set("result", result);
        body.putObject("retExtInfo");
        body.put("time", System.currentTimeMillis());
        return body.toString();
    }

    /** Turnover falling with listing order, so discovery's ranking is known; the dated future outranks all. */
    static List<Listing> listings(List<CryptoSimVenue.Instrument> instruments) {
        List<Listing> listings = new ArrayList<>();
        int n = instruments.size();
        for (int i = 0; i < n; i++) {
            CryptoSimVenue.Instrument instrument = instruments.get(i);
            String category = instrument.kind();
            String symbol = BybitSimulator.venueSymbol(instrument.symbol());
            listings.add(new Listing(symbol, instrument.pair(), category,
                    category.equals("linear") ? "LinearPerpetual" : "", BigDecimal.valueOf((n - i) * 1_000_000L)));
            if (category.equals("linear") && i == n - 1) {
                listings.add(new Listing(symbol + "-26DEC26", instrument.pair(), "linear", "LinearFutures",
                        new BigDecimal("99999999999")));
            }
        }
        return listings;
    }
}
