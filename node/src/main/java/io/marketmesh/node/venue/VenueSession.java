package io.marketmesh.node.venue;

import java.time.Duration;
import java.util.List;

/**
 * The protocol state of one venue socket: turns outgoing intents into venue frames and incoming frames
 * into protocol events. Not thread-safe: it is owned by the one connection actor of its socket, and a
 * new one is made for every new socket (so a reconnect starts from a clean state).
 */
public interface VenueSession {

    /** Subscribes markets on this socket, in as many frames as the venue's per-message limit needs. */
    void subscribe(List<String> symbols, SessionOutput out);

    /** Stops markets on this socket. */
    void unsubscribe(List<String> symbols, SessionOutput out);

    /** Asks the venue for a fresh snapshot of one market already subscribed on this socket. */
    void resync(String symbol, SessionOutput out);

    /** How often {@link #heartbeat} is called. */
    Duration heartbeatInterval();

    /** Sends the venue's keep-alive, if the client is the one that must send it. */
    void heartbeat(SessionOutput out);

    /**
     * One text frame from the venue. A frame that cannot be understood is reported with
     * {@link SessionOutput#badFrame} and must leave the session able to take the next one.
     */
    void onText(String frame, long receivedAt, SessionOutput out);

    /**
     * One binary frame. The venues here speak text, so by default it is reported as a bad frame (counted, logged,
     * skipped); a venue that sends binary (compressed frames, say) decodes it here.
     */
    default void onBinary(byte[] frame, long receivedAt, SessionOutput out) {
        out.badFrame("unexpected binary frame of " + frame.length + " bytes", "<binary>");
    }

    /** The answer to {@link SessionOutput#fetch} with this {@code tag}. */
    default void onFetched(String tag, FetchResponse response, SessionOutput out) {
    }

    /** The timer {@link SessionOutput#schedule scheduled} with this {@code tag} is due. */
    default void onTimer(String tag, SessionOutput out) {
    }
}
