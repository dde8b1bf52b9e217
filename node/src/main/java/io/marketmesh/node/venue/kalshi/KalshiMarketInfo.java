package io.marketmesh.node.venue.kalshi;

import static io.marketmesh.node.venue.MarketListing.decimal;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.venue.MarketInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads one Kalshi market ({@code GET /trade-api/v2/markets}, schema {@code Market} at
 * docs.kalshi.com/api-reference/market/get-markets) into a {@link MarketInfo}: {@code title}, {@code yes_sub_title} as
 * the outcome (or {@code Yes}), {@code event_ticker}, {@code market_type}, {@code status}, {@code open_time}/
 * {@code close_time}. The tick is the finest {@code step} of {@code price_ranges} (prices in dollars, as the node's
 * books are: {@code tapered_deci_cent} markets step $0.001 at the tails and $0.01 between), else the deprecated
 * {@code tick_size} in cents; the lot is one contract, or 0.01 where {@code fractional_trading_enabled} (counts are
 * fixed-point with two decimals). Kalshi documents no URL form for a market's web page, so there is none.
 */
final class KalshiMarketInfo {

    private static final BigDecimal WHOLE_CONTRACT = BigDecimal.ONE;
    private static final BigDecimal HUNDREDTH_CONTRACT = new BigDecimal("0.01");

    private KalshiMarketInfo() {
    }

    /** Null when the market carries no ticker. */
    static MarketInfo of(JsonNode market) {
        String ticker = text(market, "ticker");
        if (ticker == null) {
            return null;
        }
        String status = text(market, "status");
        String kind = text(market, "market_type");
        String outcome = text(market, "yes_sub_title");
        return new MarketInfo(ticker, "", "", kind == null ? "binary" : kind.toLowerCase(Locale.ROOT), tick(market),
                lot(market), status, null, text(market, "title"), outcome == null ? "Yes" : outcome,
                text(market, "event_ticker"), instant(market, "open_time"), instant(market, "close_time"), null,
                open(status));
    }

    /**
     * Open for trading: the venue answers {@code active} (its {@code status=open} filter returns markets reading
     * {@code active}); {@code open} is taken too. Initialized, paused, closed, determined and settled markets are not.
     */
    static boolean open(String status) {
        return status != null && (status.equalsIgnoreCase("active") || status.equalsIgnoreCase("open"));
    }

    private static BigDecimal tick(JsonNode market) {
        BigDecimal finest = null;
        for (JsonNode range : market.path("price_ranges")) {
            BigDecimal step = decimal(range.get("step"));
            if (step != null && step.signum() > 0 && (finest == null || step.compareTo(finest) < 0)) {
                finest = step;
            }
        }
        if (finest != null) {
            return finest.stripTrailingZeros();
        }
        BigDecimal cents = decimal(market.get("tick_size"));
        return cents == null || cents.signum() <= 0 ? null : cents.movePointLeft(2).stripTrailingZeros();
    }

    private static BigDecimal lot(JsonNode market) {
        JsonNode fractional = market.get("fractional_trading_enabled");
        if (fractional == null || !fractional.isBoolean()) {
            return null;
        }
        return fractional.asBoolean() ? HUNDREDTH_CONTRACT : WHOLE_CONTRACT;
    }


    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || !value.isValueNode()) {
            return null;
        }
        String text = value.asText().strip();
        return text.isEmpty() ? null : text;
    }

    private static Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
