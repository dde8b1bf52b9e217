package io.marketmesh.node.venue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Helpers the crypto venues share to turn one REST listing into what {@link VenueAdapter#discover} and
 * {@link VenueAdapter#describe} answer.
 */
public final class MarketListing {

    private MarketListing() {
    }

    /** A crypto market as a venue's listing describes it: no prediction-market fields. */
    public static MarketInfo crypto(String symbol, String base, String quote, String kind, BigDecimal tickSize,
                                    BigDecimal lotSize, String status, BigDecimal volume, String url, boolean active) {
        return new MarketInfo(symbol, base, quote, kind, tickSize, lotSize, status, volume, null, null, null, null,
                null, url, active);
    }

    /**
     * The entries of {@code listing} for exactly {@code symbols}, in the order the symbols are given (each once); a
     * symbol the listing lacks is left out, which the caller reads as delisted.
     */
    public static List<MarketInfo> describe(Collection<MarketInfo> listing, Collection<String> symbols) {
        Map<String, MarketInfo> bySymbol = new HashMap<>();
        for (MarketInfo info : listing) {
            bySymbol.putIfAbsent(info.symbol(), info);
        }
        List<MarketInfo> described = new ArrayList<>(symbols.size());
        for (String symbol : new java.util.LinkedHashSet<>(symbols)) {
            MarketInfo info = bySymbol.get(symbol);
            if (info != null) {
                described.add(info);
            }
        }
        return described;
    }

    /**
     * A decimal a venue's REST answer gives as a number or a string ({@code "0.01"}); null when absent, empty or
     * unreadable (a field a listing leaves out is unknown, never a reason to drop the market).
     */
    public static BigDecimal decimal(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isNumber()) {
            return value.decimalValue();
        }
        String text = value.asText("").strip();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
