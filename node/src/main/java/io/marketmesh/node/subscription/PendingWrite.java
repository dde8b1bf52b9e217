package io.marketmesh.node.subscription;

import io.marketmesh.protocol.Venue;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * One change of a venue's followed set in {@link Subscriptions}, written bucket by bucket (each with majority
 * consistency, see {@link SubscriptionKeys}) and answered once every bucket has answered: a success when all did, else
 * the first error. Mutable, and only ever touched by the Subscriptions actor.
 */
final class PendingWrite {

    final Venue venue;
    final Collection<Integer> buckets;
    final Runnable onSuccess;
    final Consumer<String> onFailure;
    /** Bucket writes (then bucket re-reads) still unanswered. */
    int outstanding;
    String error;

    PendingWrite(Venue venue, Collection<Integer> buckets, Runnable onSuccess, Consumer<String> onFailure) {
        this.venue = venue;
        this.buckets = buckets;
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
        this.outstanding = buckets.size();
    }
}
