package io.marketmesh.node.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client for the mutating endpoints: {@code burst} requests at once, then {@code perSecond} on
 * average. At most {@code maxClients} buckets are kept, the least recently used forgotten first, so a flood of
 * clients (or of spoofed source addresses) cannot grow memory; a forgotten client starts again with a full bucket,
 * which errs on the side of letting a real client through.
 * <p>
 * One lock: only mutating requests come here, a few per second in real use, far from contention.
 */
final class ClientRateLimiter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double perSecond;
    private final int burst;
    private final Map<String, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }

    ClientRateLimiter(double perSecond, int burst, int maxClients) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxClients;
            }
        };
    }

    /**
     * Takes one request from {@code client}'s bucket.
     *
     * @return 0 when the request may go ahead, else how many whole seconds until it would (at least 1)
     */
    synchronized long secondsToWait(String client, long nowNanos) {
        Bucket bucket = buckets.get(client);
        if (bucket == null) {
            bucket = new Bucket(burst, nowNanos);
            buckets.put(client, bucket);
        } else {
            double refill = (nowNanos - bucket.updatedNanos) * perSecond / NANOS_PER_SECOND;
            bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, refill));
            bucket.updatedNanos = nowNanos;
        }
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return 0;
        }
        double missing = 1 - bucket.tokens;
        return Math.max(1, (long) Math.ceil(missing / perSecond));
    }

    synchronized int clients() {
        return buckets.size();
    }
}
