package io.marketmesh.node.venue;

import io.marketmesh.protocol.MarketEvent;

/** Where a {@link VenueSession} puts what it produces. Implemented by the connection layer. */
public interface SessionOutput {

    /** A frame to send to the venue on this socket. */
    void send(String frame);

    /** A parsed change, routed to its market's actor. */
    void event(MarketEvent event);

    /**
     * The session found this market's book untrustworthy (e.g. a sequence gap on its subscription) and
     * has already asked the venue for a fresh snapshot; the market must be served as stale until it comes.
     */
    void stale(String symbol, String reason);

    /** A frame that could not be understood: counted, logged once with context, skipped. */
    void badFrame(String reason, String frame);

    /** The venue answered a request with an error (bad subscription, auth, ...). */
    void venueError(String message);
}
