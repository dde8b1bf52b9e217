package io.marketmesh.node.simulator;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * One client socket as a venue actor sees it: where its outgoing frames go, and whether it is frozen (a stale
 * feed: the socket stays open but nothing more is sent on it, not even answers to commands).
 */
final class SimConnection {

    /** What the socket's outgoing source accepts. */
    sealed interface Out {
    }

    record Text(String text) implements Out {
    }

    /** Closes the socket from the server side. */
    enum Close implements Out { INSTANCE }

    final long id;
    private final ActorRef<Out> outgoing;
    /** The WebSocket path it opened, after the venue's prefix ("" for Polymarket and Kalshi). */
    private final String path;
    private final java.util.Map<String, String> query;
    private boolean frozen;
    private boolean ignoresResubscribe;
    private long framesSent;

    SimConnection(long id, ActorRef<Out> outgoing, String path, java.util.Map<String, String> query) {
        this.id = id;
        this.outgoing = outgoing;
        this.path = path;
        this.query = java.util.Map.copyOf(query);
    }

    String path() {
        return path;
    }

    /** The query parameters of the URL the socket opened. */
    java.util.Map<String, String> query() {
        return query;
    }

    void send(String text) {
        if (!frozen) {
            framesSent++;
            outgoing.tell(new Text(text));
        }
    }

    void freeze() {
        frozen = true;
    }

    boolean frozen() {
        return frozen;
    }

    void ignoreResubscribe() {
        ignoresResubscribe = true;
    }

    /** A venue that takes subscription changes only when a socket opens. */
    boolean ignoresResubscribe() {
        return ignoresResubscribe;
    }

    long framesSent() {
        return framesSent;
    }

    void close() {
        outgoing.tell(Close.INSTANCE);
    }
}
