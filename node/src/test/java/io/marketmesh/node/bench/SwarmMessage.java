package io.marketmesh.node.bench;

/**
 * What the stream benchmark reads of one data message, straight from its UTF-8 bytes (no decoding, no JSON tree):
 * {@code receivedTimestamp} and {@code publishedTimestamp} near the start of the envelope, the payload's type right
 * after them, and {@code "subscription"} and {@code "seq"}, which the node appends last. It relies on that order (the
 * record's fields as {@code ProtocolJson} writes them, docs/kafka.md); a message it cannot read is counted as
 * unparsed, and the benchmark says so, rather than guessed at.
 *
 * <p>One per client, reused for each of its messages.
 */
final class SwarmMessage {

    private static final byte[] RECEIVED = SwarmSocket.bytes("\"receivedTimestamp\":");
    private static final byte[] PUBLISHED = SwarmSocket.bytes(",\"publishedTimestamp\":");
    private static final byte[] PAYLOAD_TYPE = SwarmSocket.bytes(",\"payload\":{\"type\":\"book_");
    private static final byte[] SUBSCRIPTION = SwarmSocket.bytes("\"subscription\":\"");
    private static final byte[] SEQ = SwarmSocket.bytes("\",\"seq\":");
    /** The envelope's fields before {@code receivedTimestamp} take at least this many bytes. */
    private static final int ENVELOPE_HEAD = 40;

    long receivedMs;
    long publishedMs;
    /** The book payload's type: {@code 's'}napshot, {@code 'd'}elta, {@code 'r'}eset; 0 for any other payload. */
    byte kind;
    long seq;
    /** A hash of the subscription's name (its bytes). */
    long subscriptionHash;

    /** Reads the message in {@code a[s, end)}; false when it is not a data message as the benchmark knows them. */
    boolean read(byte[] a, int s, int end) {
        int received = SwarmSocket.indexOf(a, s + ENVELOPE_HEAD, end, RECEIVED);
        if (received < 0) {
            return false;
        }
        int p = received + RECEIVED.length;
        long value = 0;
        while (p < end && a[p] >= '0' && a[p] <= '9') {
            value = value * 10 + (a[p++] - '0');
        }
        receivedMs = value;
        if (p + PUBLISHED.length >= end || !SwarmSocket.matches(a, p, PUBLISHED)) {
            return false;
        }
        p += PUBLISHED.length;
        value = 0;
        while (p < end && a[p] >= '0' && a[p] <= '9') {
            value = value * 10 + (a[p++] - '0');
        }
        publishedMs = value;
        kind = p + PAYLOAD_TYPE.length < end && SwarmSocket.matches(a, p, PAYLOAD_TYPE) ? a[p + PAYLOAD_TYPE.length] : 0;
        return readSeq(a, p, end);
    }

    /** {@code ...,"subscription":"<name>","seq":<n>}} at the end. */
    private boolean readSeq(byte[] a, int from, int end) {
        int p = end - 2;
        long value = 0;
        long scale = 1;
        while (p > from && a[p] >= '0' && a[p] <= '9') {
            value += (a[p--] - '0') * scale;
            scale *= 10;
        }
        seq = value;
        int nameEnd = p - SEQ.length + 1;
        if (a[end - 1] != '}' || scale == 1 || nameEnd <= from || !SwarmSocket.matches(a, nameEnd, SEQ)) {
            return false;
        }
        int at = -1;
        for (int i = nameEnd - SUBSCRIPTION.length; i >= from; i--) {
            if (a[i] == '"' && SwarmSocket.matches(a, i, SUBSCRIPTION)) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return false;
        }
        long hash = 1125899906842597L;
        for (int i = at + SUBSCRIPTION.length; i < nameEnd; i++) {
            hash = 31 * hash + a[i];
        }
        subscriptionHash = hash;
        return true;
    }
}
