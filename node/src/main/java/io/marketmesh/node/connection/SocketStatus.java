package io.marketmesh.node.connection;

import io.marketmesh.node.serialization.CborSerializable;

/**
 * What {@code GET /api/v1/venues} shows for one socket: which connection worker holds it, on which node
 * ({@code host:port}), and its state. Times are epoch ms (0 = never).
 * {@code reconnects} counts connection attempts after the first; {@code binaryFrames} the binary frames received (the
 * venues here send text: each one is also a bad frame, unless the venue's session reads binary); {@code integrity} the
 * venue's sequence and checksum checks over every incarnation of the socket.
 */
public record SocketStatus(int worker, String node, int socket, String state, int subscriptions, long connectedAt,
                           long lastMessageAt, long framesReceived, long badFrames, long binaryFrames, long reconnects,
                           String lastError,
                           long lastErrorAt, IntegrityCounts integrity, int localMarkets) implements CborSerializable {
}
