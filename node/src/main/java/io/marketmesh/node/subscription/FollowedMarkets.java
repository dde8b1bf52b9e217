package io.marketmesh.node.subscription;

import io.marketmesh.protocol.Venue;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The followed markets exactly as this node's {@link Subscriptions} actor holds them, published by the actor after
 * every change as one immutable snapshot, for readers that must not wait on it: the HTTP API checks, on every book
 * and market query, that the market is followed, and an ask per query cost more than the rest of the query.
 *
 * <p>Only the actor writes (it is the single writer, so there is no race between writes); readers see the latest
 * complete snapshot through a volatile read. The actor publishes before it answers a follow or an unfollow, so a
 * client that changed a subscription and then queries the market sees its own change.
 */
public final class FollowedMarkets {

    /** Every venue, each with an immutable set of its followed symbols (empty when none). */
    private volatile Map<Venue, Set<String>> symbols;
    private volatile long version;

    public FollowedMarkets() {
        Map<Venue, Set<String>> none = new EnumMap<>(Venue.class);
        for (Venue venue : Venue.values()) {
            none.put(venue, Set.of());
        }
        this.symbols = Collections.unmodifiableMap(none);
    }

    /** Whether the market is followed: what {@link Subscriptions.IsFollowed} answers, without asking. */
    public boolean contains(Venue venue, String symbol) {
        return symbols.get(venue).contains(symbol);
    }

    /** Every followed market: what {@link Subscriptions.GetFollowed} answers, without asking. */
    public Subscriptions.Followed followed() {
        return sorted(symbols);
    }

    /** The actor's whole view, after it changed (the sets are immutable; the map is copied). */
    void publish(Map<Venue, Set<String>> now) {
        this.symbols = Collections.unmodifiableMap(new EnumMap<>(now));
        this.version++;
    }

    /** Rises with every change: a reader that derives something from the followed markets recomputes when it moved. */
    public long version() {
        return version;
    }

    /** The followed symbols of one venue (immutable, unsorted). */
    public Set<String> symbols(Venue venue) {
        return symbols.get(venue);
    }

    /** Symbols per venue, sorted; venues with none are absent. */
    static Subscriptions.Followed sorted(Map<Venue, Set<String>> symbols) {
        Map<Venue, Set<String>> all = new EnumMap<>(Venue.class);
        symbols.forEach((venue, set) -> {
            if (!set.isEmpty()) {
                all.put(venue, Collections.unmodifiableSet(new TreeSet<>(set)));
            }
        });
        return new Subscriptions.Followed(Collections.unmodifiableMap(all));
    }
}
