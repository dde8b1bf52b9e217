package io.marketmesh.node.market;

import io.marketmesh.protocol.MarketState;

/** A MarketActor's running totals since it started on this node; read out as {@link MarketState.Counters}. */
final class MarketCounters {

    long snapshots;
    long deltas;
    long trades;
    long staleEvents;
    long resyncRequests;
    long ignoredWhileAwaitingSnapshot;
    /** Messages from a socket that is not the book's writer ({@link SocketOrder}), dropped. */
    long droppedFromOtherWriter;
    /** Messages that arrived after later ones of their socket, dropped. */
    long droppedLate;

    MarketState.Counters toState(BookPublication publication) {
        return new MarketState.Counters(snapshots, deltas, trades, staleEvents, resyncRequests,
                ignoredWhileAwaitingSnapshot, publication.published(), publication.refused(),
                publication.skippedUnchanged(), droppedFromOtherWriter, droppedLate);
    }
}
