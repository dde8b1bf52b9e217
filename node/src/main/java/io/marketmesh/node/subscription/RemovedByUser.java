package io.marketmesh.node.subscription;

import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's mirror of the markets users removed ({@code DELETE /api/v1/subscriptions/...}), per venue in the
 * buckets of {@link SubscriptionKeys#removedKey}: what {@link Subscriptions} checks before discovery's refresh adds a
 * market. Kept by the replicated sets' changes, and changed at once by this node's own writes so that a refresh right
 * after a removal sees it. Only the Subscriptions actor touches it.
 */
final class RemovedByUser {

    private final Map<Venue, List<Set<String>>> buckets = new EnumMap<>(Venue.class);

    RemovedByUser() {
        for (Venue venue : Venue.values()) {
            buckets.put(venue, new ArrayList<>(Collections.nCopies(SubscriptionKeys.BUCKETS, Set.<String>of())));
        }
    }

    boolean contains(Venue venue, String symbol) {
        return buckets.get(venue).get(SubscriptionKeys.bucketOf(symbol)).contains(symbol);
    }

    /** A bucket as the replica has it now. */
    void replicaChanged(Venue venue, int bucket, Set<String> symbols) {
        buckets.get(venue).set(bucket, symbols);
    }

    /**
     * Marks the symbols removed (or no longer removed) here; answers, by bucket, those whose mark changed, which the
     * caller writes to the replicated sets.
     */
    Map<Integer, List<String>> mark(Venue venue, List<String> symbols, boolean removed) {
        List<String> changing = symbols.stream().distinct().filter(s -> contains(venue, s) != removed).toList();
        Map<Integer, List<String>> byBucket = SubscriptionKeys.byBucket(changing);
        byBucket.forEach((bucket, inBucket) -> {
            Set<String> mirror = new HashSet<>(buckets.get(venue).get(bucket));
            if (removed) {
                mirror.addAll(inBucket);
            } else {
                inBucket.forEach(mirror::remove);
            }
            buckets.get(venue).set(bucket, Set.copyOf(mirror));
        });
        return byBucket;
    }
}
