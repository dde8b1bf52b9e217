package io.marketmesh.node.venue.bitstamp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Ticker;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bitstamp's REST tickers, {@code GET /api/v2/ticker/}: one object per pair ({@code "pair":"BTC/USD"}, {@code last},
 * {@code bid}, {@code ask}, 24-hour {@code volume} in the base asset, {@code vwap}, {@code timestamp} in seconds, all
 * strings). Bitstamp's WebSocket has no ticker channel: this is the venue's own summary of each market, read by the
 * session every {@code ticker-interval}, and the volume discovery ranks by.
 */
final class BitstampTickers {

    /** One pair's ticker as sent; numbers kept as text until read exactly. */
    record Row(String symbol, String bid, String ask, String last, String volume, String vwap, String timestamp) {

        /** 24-hour volume in the quote asset (base volume at the vwap, else at the last price); null when unknown. */
        BigDecimal quoteVolume() {
            String price = vwap != null ? vwap : last;
            if (volume == null || price == null) {
                return null;
            }
            try {
                return Decimals.parseWide(volume).multiply(Decimals.parseWide(price));
            } catch (RuntimeException e) {
                return null;
            }
        }

        /**
         * The ticker of {@code market}.
         *
         * @throws IllegalArgumentException when a price or the volume is not an exact decimal
         */
        Ticker toTicker(MarketKey market, long receivedAt) {
            long seconds = timestamp == null ? 0 : Long.parseLong(timestamp);
            return new Ticker(market, price(bid), Decimals.NONE, price(ask), Decimals.NONE, price(last),
                    volume == null ? null : Decimals.parseWide(volume), null, seconds * 1000, receivedAt);
        }

        private static long price(String text) {
            return text == null || text.isEmpty() ? Decimals.NONE : Decimals.parse(text);
        }
    }

    /** Floats (none are documented; strings are) kept exact. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private BitstampTickers() {
    }

    /** @throws IOException when the body is not a JSON array of tickers */
    static List<Row> parse(String body) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isArray()) {
            throw new IOException("the tickers are not a JSON array");
        }
        List<Row> rows = new ArrayList<>(root.size());
        for (JsonNode item : root) {
            String pair = text(item, "pair");
            if (pair != null) {
                rows.add(new Row(symbolOf(pair), text(item, "bid"), text(item, "ask"), text(item, "last"),
                        text(item, "volume"), text(item, "vwap"), text(item, "timestamp")));
            }
        }
        return rows;
    }

    /** The url_symbol of a pair name: {@code BTC/USD} → {@code btcusd}, {@code BTC/USD-PERP} → {@code btcusd-perp}. */
    static String symbolOf(String pairName) {
        return pairName.replace("/", "").toLowerCase(Locale.ROOT);
    }

    static String text(JsonNode item, String field) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.isNumber() ? value.decimalValue().toPlainString() : value.asText();
    }
}
