package io.marketmesh.node.stream;

/**
 * Why the node closes a client's stream: a WebSocket close code and its reason.
 *
 * @param code   1008 (policy: too slow), 4000 (idle), 1001 (the node is going away)
 * @param reason said to the client in the close frame, and counted per reason
 */
public record CloseReason(int code, String reason) {

    static final int TOO_SLOW = 1008;
    static final int IDLE = 4000;
}
