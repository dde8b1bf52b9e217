package io.marketmesh.node.subscription;

import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.ddata.Flag;
import org.apache.pekko.cluster.ddata.FlagKey;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.ORSetKey;

/**
 * The Distributed Data keys of the followed markets: each venue's set is split over {@link #BUCKETS} replicated
 * {@link ORSet}s by the symbol's hash. A replicated entry travels between nodes whole (gossip, majority reads and
 * writes of a large change), and a message bigger than Artery's {@code maximum-frame-size} (256 KiB) is dropped: one
 * set of Polymarket's long tail (tens of thousands of 77-digit token ids, about 41 bytes each serialized) would never
 * reach another node. In 64 buckets a venue holds about 380,000 such tokens before a bucket nears the limit.
 */
final class SubscriptionKeys {

    /**
     * Buckets per venue. Part of what nodes must agree on: a node with another count (or the single set of earlier
     * versions) does not see the same markets, so changing it takes a full cluster restart.
     */
    static final int BUCKETS = 64;

    /**
     * Prefixes of every key here (followed buckets, the "seeded" flags, removed-by-user buckets): what each node keeps
     * on disk (see cluster.DurableState). A key added here must start with one of them.
     */
    static final List<String> DURABLE_PREFIXES = List.of("subscriptions-*", "removed-by-user-*");

    /** Which venue and bucket a key holds; {@code removed}: a bucket of the markets users removed, not followed ones. */
    record Bucket(Venue venue, int index, boolean removed) {
    }

    private static final Map<Venue, List<Key<ORSet<String>>>> KEYS = new EnumMap<>(Venue.class);
    private static final Map<Venue, List<Key<ORSet<String>>>> REMOVED_KEYS = new EnumMap<>(Venue.class);
    private static final Map<Key<?>, Bucket> BUCKET_OF_KEY = new HashMap<>();
    private static final Map<Venue, Key<Flag>> SEEDED_KEYS = new EnumMap<>(Venue.class);

    static {
        for (Venue venue : Venue.values()) {
            List<Key<ORSet<String>>> keys = new ArrayList<>(BUCKETS);
            List<Key<ORSet<String>>> removed = new ArrayList<>(BUCKETS);
            for (int i = 0; i < BUCKETS; i++) {
                Key<ORSet<String>> key = ORSetKey.create("subscriptions-" + venue.id() + "-" + i + "-of-" + BUCKETS);
                keys.add(key);
                BUCKET_OF_KEY.put(key, new Bucket(venue, i, false));
                Key<ORSet<String>> removedKey = ORSetKey.create("removed-by-user-" + venue.id() + "-" + i + "-of-" + BUCKETS);
                removed.add(removedKey);
                BUCKET_OF_KEY.put(removedKey, new Bucket(venue, i, true));
            }
            KEYS.put(venue, List.copyOf(keys));
            REMOVED_KEYS.put(venue, List.copyOf(removed));
            SEEDED_KEYS.put(venue, FlagKey.create("subscriptions-seeded-" + venue.id()));
        }
    }

    private SubscriptionKeys() {
    }

    /** The key of one bucket of a venue. (The replicator wants the very key instance it was given.) */
    static Key<ORSet<String>> key(Venue venue, int bucket) {
        return KEYS.get(venue).get(bucket);
    }

    /** One bucket of the markets users removed from the venue ({@code DELETE}), which discovery never adds back. */
    static Key<ORSet<String>> removedKey(Venue venue, int bucket) {
        return REMOVED_KEYS.get(venue).get(bucket);
    }

    /** The bucket a key holds. */
    static Bucket bucketOf(Key<?> key) {
        Bucket bucket = BUCKET_OF_KEY.get(key);
        if (bucket == null) {
            throw new IllegalArgumentException("not a subscriptions key: " + key);
        }
        return bucket;
    }

    /** The bucket a symbol belongs to. */
    static int bucketOf(String symbol) {
        return Math.floorMod(symbol.hashCode(), BUCKETS);
    }

    /** Symbols by bucket, each bucket's in the order given. */
    static Map<Integer, List<String>> byBucket(Collection<String> symbols) {
        Map<Integer, List<String>> buckets = new LinkedHashMap<>();
        for (String symbol : symbols) {
            buckets.computeIfAbsent(bucketOf(symbol), b -> new ArrayList<>()).add(symbol);
        }
        return buckets;
    }

    /** The replicated flag that says the venue's set was seeded once in this cluster's life. */
    static Key<Flag> seededKey(Venue venue) {
        return SEEDED_KEYS.get(venue);
    }
}
