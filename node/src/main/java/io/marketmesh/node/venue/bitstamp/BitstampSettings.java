package io.marketmesh.node.venue.bitstamp;

import com.typesafe.config.Config;
import io.marketmesh.node.venue.VenueSettings;
import java.time.Duration;

/**
 * Bitstamp's own keys of {@code marketmesh.venues.bitstamp} (documented in reference.conf), read from
 * {@link VenueSettings#options()}; a key that is absent takes the default written here, which is reference.conf's.
 *
 * @param snapshotDelay      how long a book buffers diffs before its REST snapshot is fetched (REST answers are
 *                           0.4 to 2.6 s old on arrival, so an earlier fetch is mostly older than the first diff)
 * @param snapshotRetryDelay wait before fetching again a snapshot that was too old or did not come
 * @param snapshotAttempts   fetches per synchronisation before the book is given up as stale until its next resync
 * @param recheckInterval    how often a live book is compared with a fresh REST snapshot; zero never
 * @param tickerInterval     how often the venue's REST tickers are read into {@link io.marketmesh.protocol.Ticker}s;
 *                           zero never
 * @param maxBufferedDiffs   diffs one book may hold while it waits for a snapshot
 */
record BitstampSettings(Duration snapshotDelay, Duration snapshotRetryDelay, int snapshotAttempts,
                        Duration recheckInterval, Duration tickerInterval, int maxBufferedDiffs) {

    static final String PREFIX = "marketmesh.venues.bitstamp.";
    /** Rechecks a second the venue's REST budget (10,000 requests in 10 minutes per client) leaves room for. */
    static final double MAX_RECHECKS_PER_SECOND = 5;

    static final BitstampSettings DEFAULTS = new BitstampSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 6,
            Duration.ofSeconds(10), Duration.ofSeconds(30), 20_000);

    BitstampSettings {
        positive("snapshot-delay", snapshotDelay);
        positive("snapshot-retry-delay", snapshotRetryDelay);
        if (snapshotAttempts < 1) {
            throw new IllegalArgumentException(PREFIX + "snapshot-attempts must be >= 1, got " + snapshotAttempts);
        }
        notNegative("recheck-interval", recheckInterval);
        notNegative("ticker-interval", tickerInterval);
        if (maxBufferedDiffs < 1) {
            throw new IllegalArgumentException(PREFIX + "max-buffered-diffs must be >= 1, got " + maxBufferedDiffs);
        }
    }

    static BitstampSettings of(VenueSettings settings) {
        Config c = settings.options();
        return new BitstampSettings(
                duration(c, "snapshot-delay", DEFAULTS.snapshotDelay),
                duration(c, "snapshot-retry-delay", DEFAULTS.snapshotRetryDelay),
                c.hasPath("snapshot-attempts") ? c.getInt("snapshot-attempts") : DEFAULTS.snapshotAttempts,
                duration(c, "recheck-interval", DEFAULTS.recheckInterval),
                duration(c, "ticker-interval", DEFAULTS.tickerInterval),
                c.hasPath("max-buffered-diffs") ? c.getInt("max-buffered-diffs") : DEFAULTS.maxBufferedDiffs);
    }

    boolean rechecks() {
        return !recheckInterval.isZero();
    }

    boolean pollsTickers() {
        return !tickerInterval.isZero();
    }

    private static Duration duration(Config c, String key, Duration fallback) {
        return c.hasPath(key) ? c.getDuration(key) : fallback;
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(PREFIX + key + " must be positive, got " + value);
        }
    }

    private static void notNegative(String key, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(PREFIX + key + " must not be negative, got " + value);
        }
    }
}
