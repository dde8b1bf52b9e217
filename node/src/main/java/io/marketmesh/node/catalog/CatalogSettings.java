package io.marketmesh.node.catalog;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code marketmesh.catalog}: how each venue's connection worker 0 keeps the market catalogue current.
 *
 * @param refreshInterval  how often discovery runs again and every followed market is described; zero: never
 * @param closedGrace      how long a market the venue closed (or no longer lists) stays followed, shown closed
 * @param describeBatch    at most this many markets per {@code describe} call to the venue
 * @param describeDebounce how long newly followed markets without metadata are gathered before they are described
 */
public record CatalogSettings(Duration refreshInterval, Duration closedGrace, int describeBatch,
                              Duration describeDebounce) {

    public static CatalogSettings fromConfig(Config c) {
        Duration refresh = c.getDuration("refresh-interval");
        Duration grace = c.getDuration("closed-grace");
        int batch = c.getInt("describe-batch");
        Duration debounce = c.getDuration("describe-debounce");
        if (refresh.isNegative() || grace.isNegative() || debounce.isNegative()) {
            throw new IllegalArgumentException("marketmesh.catalog durations must not be negative");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("marketmesh.catalog.describe-batch = " + batch + " must be at least 1");
        }
        return new CatalogSettings(refresh, grace, batch, debounce);
    }

    public boolean refreshes() {
        return !refreshInterval.isZero();
    }
}
