package io.marketmesh.node.catalog;

import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import java.util.Map;

/**
 * The market catalogue as this node's replica holds it, published after every change as one immutable snapshot for
 * readers that must not wait on an actor (the HTTP API, the instrument directory). Only the catalogue's actor writes.
 */
public final class CatalogView {

    private volatile Map<MarketKey, MarketMetadata> entries = Map.of();
    private volatile long version;

    /** What the catalogue knows about the market, null when nothing. */
    public MarketMetadata get(MarketKey market) {
        return entries.get(market);
    }

    /** Every entry (immutable). */
    public Map<MarketKey, MarketMetadata> all() {
        return entries;
    }

    /** Rises with every change: a reader that derives something from the catalogue recomputes when it moved. */
    public long version() {
        return version;
    }

    /** The writer's whole view after a change. */
    public void publish(Map<MarketKey, MarketMetadata> now) {
        this.entries = Map.copyOf(now);
        this.version++;
    }
}
