package io.marketmesh.node.venue.kraken;

import io.marketmesh.node.venue.VenueSettings;
import java.util.List;

/**
 * Kraken's own settings, from {@code marketmesh.venues.kraken}.
 *
 * @param bookDepth levels per side of each {@code book} subscription: one of the depths the venue accepts (any other
 *                  is refused by the venue with "Subscription depth not supported", and the socket then carries no
 *                  book at all, so it is refused here at start instead)
 */
record KrakenSettings(int bookDepth) {

    static final String BOOK_DEPTH = "book-depth";
    static final int DEFAULT_BOOK_DEPTH = 10;
    /** The depths Kraken's v2 {@code book} channel accepts. */
    static final List<Integer> DEPTHS = List.of(10, 25, 100, 500, 1000);

    /** @throws IllegalArgumentException naming the key when a value is not one Kraken accepts */
    static KrakenSettings of(VenueSettings settings) {
        int depth = DEFAULT_BOOK_DEPTH;
        if (settings.options().hasPath(BOOK_DEPTH)) {
            try {
                depth = settings.options().getInt(BOOK_DEPTH);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(key(BOOK_DEPTH) + " must be one of " + DEPTHS + ": " + e.getMessage());
            }
        }
        if (!DEPTHS.contains(depth)) {
            throw new IllegalArgumentException(key(BOOK_DEPTH) + " = " + depth + " is not a depth Kraken accepts: one of "
                    + DEPTHS);
        }
        return new KrakenSettings(depth);
    }

    static String key(String name) {
        return "marketmesh.venues.kraken." + name;
    }
}
