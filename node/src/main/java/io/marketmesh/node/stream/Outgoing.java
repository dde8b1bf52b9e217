package io.marketmesh.node.stream;

/**
 * One message waiting for a client's socket.
 *
 * @param event what it is ({@code book_snapshot}, {@code trade}, {@code subscribed}, ...): a Server-Sent Event's
 *              {@code event:} field
 * @param json  the message
 */
record Outgoing(String event, String json) {
}
