package io.marketmesh.node.catalog;

import io.marketmesh.protocol.MarketMetadata;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;

/**
 * The Distributed Data keys of the market catalogue: each venue's entries split over {@link #BUCKETS} replicated
 * {@link LWWMap}s (symbol to {@link MarketMetadata}) by the symbol's hash, for the reason the followed markets are
 * (see {@code SubscriptionKeys}): a replicated entry travels between nodes whole, and one bigger than Artery's
 * {@code maximum-frame-size} (256 KiB) never arrives. An entry is a few hundred bytes (a Polymarket question, a
 * 77-digit token id, an event id, a URL), about ten times a followed symbol, hence more buckets: at about 500 bytes an
 * entry, 256 buckets hold some 130,000 markets of one venue before a bucket nears the limit.
 */
final class CatalogKeys {

    /**
     * Buckets per venue. Part of what nodes must agree on: a node with another count does not see the same entries,
     * so changing it takes a full cluster restart.
     */
    static final int BUCKETS = 256;

    record Bucket(Venue venue, int index) {
    }

    private static final Map<Venue, List<Key<LWWMap<String, MarketMetadata>>>> KEYS = new EnumMap<>(Venue.class);
    private static final Map<Key<?>, Bucket> BUCKET_OF_KEY = new HashMap<>();

    static {
        for (Venue venue : Venue.values()) {
            List<Key<LWWMap<String, MarketMetadata>>> keys = new ArrayList<>(BUCKETS);
            for (int i = 0; i < BUCKETS; i++) {
                Key<LWWMap<String, MarketMetadata>> key = LWWMapKey.create("catalog-" + venue.id() + "-" + i + "-of-"
                        + BUCKETS);
                keys.add(key);
                BUCKET_OF_KEY.put(key, new Bucket(venue, i));
            }
            KEYS.put(venue, List.copyOf(keys));
        }
    }

    private CatalogKeys() {
    }

    /** The key of one bucket of a venue. (The replicator wants the very key instance it was given.) */
    static Key<LWWMap<String, MarketMetadata>> key(Venue venue, int bucket) {
        return KEYS.get(venue).get(bucket);
    }

    static Bucket bucketOf(Key<?> key) {
        Bucket bucket = BUCKET_OF_KEY.get(key);
        if (bucket == null) {
            throw new IllegalArgumentException("not a catalogue key: " + key);
        }
        return bucket;
    }

    static int bucketOf(String symbol) {
        return Math.floorMod(symbol.hashCode(), BUCKETS);
    }
}
