package io.marketmesh.node.venue;

import io.marketmesh.protocol.MarketEvent;
import java.time.Duration;

/**
 * Where a {@link VenueSession} puts what it produces and asks for what it cannot do itself. Implemented by the
 * connection layer, the same for every venue; whatever comes back (a fetch's answer, a timer) comes back to the
 * session on its socket's actor, one thing at a time, and never after the socket is gone.
 */
public interface SessionOutput {

    /** A frame to send to the venue on this socket; paced to the venue's {@link VenueAdapter#pacing()}. */
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

    /**
     * The venue asked this socket to go (a reconnect request, a maintenance notice, a planned close): the socket is
     * closed and opened again after the usual backoff, and every book on it rebuilt from fresh snapshots.
     */
    void reconnect(String reason);

    /**
     * The session checked one of the venue's sequence numbers ({@code inOrder} false: a gap or a repeat it could not
     * accept). Counted per socket and venue and shown in {@code GET /api/v1/venues}; checksums passed as
     * {@link io.marketmesh.protocol.BookClaim}s are counted by the connection itself.
     */
    void sequenceChecked(boolean inOrder);

    /** The venue answered a request with an error (bad subscription, auth, ...). */
    void venueError(String message);

    /**
     * Makes an HTTP GET without blocking; its answer (or failure) arrives as {@link VenueSession#onFetched} with the
     * same {@code tag}. For a REST snapshot to splice into a buffered diff stream (Binance, Bitstamp).
     */
    void fetch(String tag, FetchRequest request);

    /** Calls {@link VenueSession#onTimer} with {@code tag} after {@code delay}; a pending timer of that tag is replaced. */
    void schedule(String tag, Duration delay);

    /** Cancels the pending timer of {@code tag}, if any. */
    void cancel(String tag);
}
