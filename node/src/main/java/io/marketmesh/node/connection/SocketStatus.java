package io.marketmesh.node.connection;

/**
 * What {@code GET /api/v1/venues} shows for one socket. Times are epoch ms (0 = never).
 * {@code reconnects} counts connection attempts after the first.
 */
public record SocketStatus(int socket, String state, int subscriptions, long connectedAt, long lastMessageAt,
                           long framesReceived, long badFrames, long reconnects, String lastError, long lastErrorAt) {
}
