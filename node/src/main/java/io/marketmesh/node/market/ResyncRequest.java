package io.marketmesh.node.market;

import io.marketmesh.node.cluster.CborSerializable;
import io.marketmesh.protocol.MarketKey;

/**
 * A MarketActor asking its venue connection for a fresh snapshot. Published on the venue's resync topic
 * ({@link ResyncTopics}); the connection that carries the market acts on it, the others ignore it.
 */
public record ResyncRequest(MarketKey market, String reason) implements CborSerializable {
}
