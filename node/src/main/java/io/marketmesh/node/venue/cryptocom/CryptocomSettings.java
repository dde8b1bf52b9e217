package io.marketmesh.node.venue.cryptocom;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.marketmesh.node.venue.VenueSettings;
import java.time.Duration;
import java.util.Set;

/**
 * Crypto.com's own keys of {@code marketmesh.venues.cryptocom} (reference.conf documents each), read from
 * {@link VenueSettings#options()} and checked against what the venue accepts.
 *
 * @param bookDepth           levels per side of {@code book.{instrument}.{depth}}: the venue takes 10 or 50 (20 is
 *                            refused with "Invalid depth"; 150 is refused with {@code SNAPSHOT_AND_UPDATE})
 * @param bookUpdateFrequency {@code book_update_frequency} in ms of the delta subscription: 10, 100 or 500
 * @param connectWait         how long a new socket waits before its first request: the venue pro-rates its request
 *                            rate to the calendar second of connect and documents a 1 s pause
 * @param subscribeBatchSize  markets per subscribe frame (three channels each)
 */
record CryptocomSettings(int bookDepth, int bookUpdateFrequency, Duration connectWait, int subscribeBatchSize) {

    static final Set<Integer> DEPTHS = Set.of(10, 50);
    static final Set<Integer> FREQUENCIES = Set.of(10, 100, 500);
    /** Channels per market: book, trade, ticker. */
    static final int CHANNELS_PER_MARKET = 3;
    /**
     * Channels one socket may hold: the 401st is refused with 40107 (observed live by a third party; the venue's own
     * limits page is gone), so a socket carries at most 133 markets.
     */
    static final int MAX_CHANNELS_PER_SOCKET = 400;
    /** The largest subscribe frame seen accepted live held 100 channels. */
    static final int MAX_CHANNELS_PER_FRAME = 100;

    static final int DEFAULT_DEPTH = 50;
    static final int DEFAULT_FREQUENCY = 100;
    static final Duration DEFAULT_CONNECT_WAIT = Duration.ofSeconds(1);

    static CryptocomSettings of(VenueSettings settings) {
        Config c = settings.options();
        return new CryptocomSettings(
                intOr(c, "book-depth", DEFAULT_DEPTH),
                intOr(c, "book-update-frequency", DEFAULT_FREQUENCY),
                c.hasPath("connect-wait") ? c.getDuration("connect-wait") : DEFAULT_CONNECT_WAIT,
                settings.subscribeBatchSize());
    }

    /** @throws IllegalArgumentException naming the key when a setting is one the venue would refuse */
    void validate() {
        String at = "marketmesh.venues.cryptocom.";
        if (!DEPTHS.contains(bookDepth)) {
            throw new IllegalArgumentException(at + "book-depth = " + bookDepth + ": the venue accepts 10 or 50");
        }
        if (!FREQUENCIES.contains(bookUpdateFrequency)) {
            throw new IllegalArgumentException(at + "book-update-frequency = " + bookUpdateFrequency
                    + ": the venue accepts 10, 100 or 500 (ms)");
        }
        if (connectWait.isNegative()) {
            throw new IllegalArgumentException(at + "connect-wait must not be negative");
        }
        if (subscribeBatchSize * CHANNELS_PER_MARKET > MAX_CHANNELS_PER_FRAME) {
            throw new IllegalArgumentException(at + "subscribe-batch-size = " + subscribeBatchSize + ": at most "
                    + MAX_CHANNELS_PER_FRAME / CHANNELS_PER_MARKET + " markets (" + CHANNELS_PER_MARKET
                    + " channels each) per subscribe frame");
        }
    }

    private static int intOr(Config c, String key, int fallback) {
        if (!c.hasPath(key)) {
            return fallback;
        }
        try {
            return c.getInt(key);
        } catch (ConfigException.WrongType e) {
            throw new IllegalArgumentException("marketmesh.venues.cryptocom." + key + " must be a whole number", e);
        }
    }
}
