package io.marketmesh.node.stream;

/**
 * One message waiting for a client's socket. A data message waits as the record shared by every client it goes to and
 * the subscription it answers: the client's own fields ({@code subscription}, {@code seq}) are appended when its socket
 * takes it ({@link StreamClient#render}), on the socket's stream, not on the hub.
 *
 * @param event        what it is ({@code book_snapshot}, {@code trade}, {@code subscribed}, ...): a Server-Sent Event's
 *                     {@code event:} field
 * @param json         the whole message; for a data message, the record without its closing brace
 * @param subscription the subscription a data message answers; null for an answer to the client
 * @param receivedAt   a book change's venue frame receipt (epoch ms), timed when the socket takes it; 0: not timed
 */
record Outgoing(String event, String json, Subscription subscription, long receivedAt) {

    static Outgoing reply(String event, String json) {
        return new Outgoing(event, json, null, 0);
    }
}
