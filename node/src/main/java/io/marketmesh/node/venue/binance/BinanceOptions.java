package io.marketmesh.node.venue.binance;

import com.typesafe.config.Config;
import io.marketmesh.node.venue.VenueSettings;
import java.time.Duration;

/**
 * Binance's own settings, read from {@code marketmesh.venues.binance} (each key is documented in reference.conf).
 * A key that is absent takes the default below, so a session built from bare settings (tests, benchmarks) works.
 *
 * @param tradeStream        {@code trade} (every trade) or {@code aggTrade} (trades aggregated per taker order)
 * @param snapshotDepth      {@code limit} of the REST depth snapshot: levels per side, 1..5000
 * @param snapshotTimeout    how long one REST snapshot request may take
 * @param snapshotAttempts   snapshots tried per sync (too old, failed) before waiting for the next resync request
 * @param snapshotRetryDelay wait before the second snapshot of a sync; doubles for each further one
 * @param snapshotsInFlight  REST snapshots one socket asks for at once (the venue limits request weight per IP)
 * @param diffBuffer         diff events kept per market while its snapshot is awaited (oldest dropped beyond it)
 * @param quietSnapshotAfter a confirmed market whose diff stream has said nothing this long is snapshotted anyway
 */
record BinanceOptions(String tradeStream, int snapshotDepth, Duration snapshotTimeout, int snapshotAttempts,
                      Duration snapshotRetryDelay, int snapshotsInFlight, int diffBuffer, Duration quietSnapshotAfter) {

    static final String PREFIX = "marketmesh.venues.binance.";
    /** The venue serves at most this many levels a side in a REST depth snapshot. */
    static final int MAX_SNAPSHOT_DEPTH = 5000;

    static final BinanceOptions DEFAULTS = new BinanceOptions("trade", 1000, Duration.ofSeconds(10), 6,
            Duration.ofMillis(500), 4, 1000, Duration.ofSeconds(3));

    BinanceOptions {
        if (!tradeStream.equals("trade") && !tradeStream.equals("aggTrade")) {
            throw new IllegalArgumentException(PREFIX + "trade-stream must be \"trade\" or \"aggTrade\", was \""
                    + tradeStream + "\"");
        }
        if (snapshotDepth < 1 || snapshotDepth > MAX_SNAPSHOT_DEPTH) {
            throw new IllegalArgumentException(PREFIX + "snapshot-depth must be 1.." + MAX_SNAPSHOT_DEPTH
                    + " (the venue's largest depth snapshot), was " + snapshotDepth);
        }
        positive(snapshotTimeout, "snapshot-timeout");
        positive(snapshotRetryDelay, "snapshot-retry-delay");
        positive(quietSnapshotAfter, "quiet-snapshot-after");
        if (snapshotAttempts < 1) {
            throw new IllegalArgumentException(PREFIX + "snapshot-attempts must be >= 1, was " + snapshotAttempts);
        }
        if (snapshotsInFlight < 1) {
            throw new IllegalArgumentException(PREFIX + "snapshots-in-flight must be >= 1, was " + snapshotsInFlight);
        }
        if (diffBuffer < 1) {
            throw new IllegalArgumentException(PREFIX + "diff-buffer must be >= 1, was " + diffBuffer);
        }
    }

    /** @throws IllegalArgumentException naming the key when a value is out of range or of the wrong type */
    static BinanceOptions of(VenueSettings settings) {
        Config c = settings.options();
        return new BinanceOptions(
                read(c, "trade-stream", Config::getString, DEFAULTS.tradeStream).trim(),
                read(c, "snapshot-depth", Config::getInt, DEFAULTS.snapshotDepth),
                read(c, "snapshot-timeout", Config::getDuration, DEFAULTS.snapshotTimeout),
                read(c, "snapshot-attempts", Config::getInt, DEFAULTS.snapshotAttempts),
                read(c, "snapshot-retry-delay", Config::getDuration, DEFAULTS.snapshotRetryDelay),
                read(c, "snapshots-in-flight", Config::getInt, DEFAULTS.snapshotsInFlight),
                read(c, "diff-buffer", Config::getInt, DEFAULTS.diffBuffer),
                read(c, "quiet-snapshot-after", Config::getDuration, DEFAULTS.quietSnapshotAfter));
    }

    private interface Reader<T> {
        T read(Config config, String key);
    }

    private static <T> T read(Config config, String key, Reader<T> reader, T fallback) {
        try {
            return config.hasPath(key) ? reader.read(config, key) : fallback;
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException(PREFIX + key + ": " + e.getMessage(), e);
        }
    }

    private static void positive(Duration d, String key) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(PREFIX + key + " must be positive, was " + d);
        }
    }

    /** Streams each market takes on a socket; the venue allows 1024 a socket. */
    static final int STREAMS_PER_MARKET = 3;

    /** Stream names of one market, in the order they are subscribed: depth diffs, trades, best bid/ask. */
    String[] streams(String symbol) {
        String s = symbol.toLowerCase(java.util.Locale.ROOT);
        return new String[] {s + "@depth@100ms", s + "@" + tradeStream, s + "@bookTicker"};
    }
}
