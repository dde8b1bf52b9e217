package io.marketmesh.node.market;

import io.marketmesh.protocol.MarketKey;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where a MarketActor that starts without a book (a new node, or a market moved here by a rebalance) may get the
 * last book published for it, to serve flagged {@code bootstrappedFrom} until the venue's snapshot: it answers with a
 * {@link MarketActor.Bootstrap}, or not at all.
 */
@FunctionalInterface
public interface BookSource {

    BookSource NONE = (market, replyTo) -> {
    };

    void request(MarketKey market, ActorRef<MarketActor.Command> replyTo);
}
