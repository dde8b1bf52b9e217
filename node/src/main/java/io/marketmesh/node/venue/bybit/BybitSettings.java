package io.marketmesh.node.venue.bybit;

import io.marketmesh.node.venue.VenueSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Bybit's own keys of {@code marketmesh.venues.bybit} (documented in reference.conf), read from {@link
 * VenueSettings#options()}, and the limits the venue sets on the common ones.
 *
 * @param depth       levels per side of the {@code orderbook.{depth}} topic
 * @param categories  the categories discovery lists (configured {@code markets} may name either)
 * @param spotWsUrl   the spot socket, {@code ws-url}
 * @param linearWsUrl the linear socket: {@code linear-ws-url}, else {@code ws-url} with its last path segment
 *                    {@code spot} replaced by {@code linear}; empty when neither gives one
 */
record BybitSettings(int depth, List<BybitCategory> categories, String spotWsUrl, String linearWsUrl) {

    static final int DEFAULT_DEPTH = 50;
    /** Bybit closes a socket that has had neither data nor a ping for 10 minutes. */
    static final Duration IDLE_CUT = Duration.ofMinutes(10);

    private static final String KEY = "marketmesh.venues.bybit.";

    BybitSettings {
        categories = List.copyOf(categories);
    }

    static BybitSettings of(VenueSettings settings) {
        var options = settings.options();
        int depth = options.hasPath("depth") ? options.getInt("depth") : DEFAULT_DEPTH;
        List<BybitCategory> categories = new ArrayList<>();
        if (options.hasPath("categories")) {
            for (String c : options.getStringList("categories")) {
                BybitCategory category = BybitCategory.ofWire(c);
                if (!categories.contains(category)) {
                    categories.add(category);
                }
            }
        } else {
            categories.add(BybitCategory.SPOT);
        }
        String linear = settings.option("linear-ws-url").trim();
        return new BybitSettings(depth, categories, settings.wsUrl(),
                linear.isEmpty() ? linearFromSpot(settings.wsUrl()) : linear);
    }

    /** The socket of a category. */
    String wsUrl(BybitCategory category) {
        return category == BybitCategory.LINEAR ? linearWsUrl : spotWsUrl;
    }

    /**
     * {@code wss://stream.bybit.com/v5/public/spot} → {@code wss://stream.bybit.com/v5/public/linear}; any URL whose
     * path does not end in {@code /spot} gives "" (then {@code linear-ws-url} must be set to follow linear markets).
     */
    static String linearFromSpot(String spotUrl) {
        int query = spotUrl.indexOf('?');
        String path = query < 0 ? spotUrl : spotUrl.substring(0, query);
        String rest = query < 0 ? "" : spotUrl.substring(query);
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!trimmed.endsWith("/spot")) {
            return "";
        }
        return trimmed.substring(0, trimmed.length() - "spot".length()) + "linear" + rest;
    }

    /**
     * Refuses settings the venue would not accept, naming the key.
     *
     * @throws IllegalArgumentException for the first wrong key
     */
    static BybitSettings validate(VenueSettings settings) {
        BybitSettings bybit;
        try {
            bybit = of(settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY + "categories: " + e.getMessage(), e);
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException(KEY + "depth/categories: " + e.getMessage(), e);
        }
        if (!BybitCategory.DEPTHS.contains(bybit.depth)) {
            throw new IllegalArgumentException(KEY + "depth = " + bybit.depth
                    + " is not a depth Bybit serves on spot and linear (1, 50, 200 or 1000)");
        }
        if (bybit.categories.isEmpty()) {
            throw new IllegalArgumentException(KEY + "categories must name spot, linear or both");
        }
        if (settings.subscribeBatchSize() > BybitCategory.SPOT.maxArgsPerRequest) {
            throw new IllegalArgumentException(KEY + "subscribe-batch-size = " + settings.subscribeBatchSize()
                    + ": Bybit takes at most " + BybitCategory.SPOT.maxArgsPerRequest
                    + " args (topics) per spot subscribe request");
        }
        if (settings.heartbeatInterval().compareTo(IDLE_CUT) >= 0) {
            throw new IllegalArgumentException(KEY + "heartbeat-interval = " + settings.heartbeatInterval()
                    + ": Bybit cuts a socket without ping or data after 10 minutes (it asks for a ping every 20 s)");
        }
        // Categories matter to discovery only: with markets configured, only a configured linear: market needs the
        // linear socket (a node pointed at a spot-only endpoint must still start).
        boolean linearUsed = settings.markets().isEmpty() && bybit.categories.contains(BybitCategory.LINEAR);
        for (String market : settings.markets()) {
            BybitCategory category = BybitCategory.ofMarket(market);
            String venueSymbol = category.venueSymbol(market);
            if (venueSymbol.isEmpty() || venueSymbol.indexOf(':') >= 0) {
                throw new IllegalArgumentException(KEY + "markets: '" + market + "' is neither a spot symbol "
                        + "(BTCUSDT) nor a linear one (linear:BTCUSDT)");
            }
            linearUsed |= category == BybitCategory.LINEAR;
        }
        if (linearUsed && bybit.linearWsUrl.isEmpty()) {
            throw new IllegalArgumentException(KEY + "linear-ws-url must be set (or categories = [\"spot\"]): linear "
                    + "markets are followed and "
                    + "ws-url (" + settings.wsUrl() + ") does not end in /spot, so the linear socket cannot be derived");
        }
        return bybit;
    }
}
