package io.marketmesh.node.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebSocket client of {@link StreamSwarm} on a non-blocking socket: the HTTP upgrade, one subscribe, then frames.
 * It reads each data message only as far as the benchmark needs, straight from the bytes ({@link SwarmMessage}), so
 * one client thread keeps up with hundreds of thousands of messages a second and the node, not the clients, is what
 * the benchmark measures. A stalled client stops reading
 * (its socket's read interest is dropped), so TCP's flow control backs up to the node exactly as a slow reader's would.
 *
 * <p>Confined to its {@link StreamSwarm.Loop}'s thread.
 */
final class SwarmSocket {

    enum State { CONNECTING, HANDSHAKE, OPEN, CLOSING, CLOSED }

    private static final byte[] HEADER_END = bytes("\r\n\r\n");
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int OP_CONTINUATION = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;

    final SocketChannel channel;
    final SwarmGroup group;
    private final byte[] subscribe;
    private final int expectedSnapshots;
    private final String key;
    SelectionKey selectionKey;
    State state = State.CONNECTING;
    boolean stalled;
    /** Counted among its loop's upgrades in flight. */
    boolean inHandshake;
    long startedMs;
    long lastPingMs;
    long closingSinceMs;

    private byte[] handshake = new byte[512];
    private int handshakeLength;
    /** The start of a frame not yet complete, kept between reads. */
    private byte[] carry;
    private int carryLength;
    /** A frame larger than the shared buffer, filled by reads of its own. */
    private ByteBuffer big;
    /** Header and payload length of the incomplete frame parsing stopped at, or -1 when its header is incomplete. */
    private int incompleteFrame = -1;
    /** The text message being assembled from fragments (rare: the node sends each message as one frame). */
    private byte[] fragments;
    private int fragmentsLength;
    private ByteBuffer pendingOut;
    private boolean closeFrameReceived;
    private boolean opened;

    /** Per subscription (by a hash of its name): the last {@code seq}. */
    private long[] subscriptionHash = new long[4];
    private long[] subscriptionSeq = new long[4];
    private int subscriptions;
    private final SwarmMessage scan = new SwarmMessage();
    private long snapshots;
    private boolean ready;

    SwarmSocket(SocketChannel channel, SwarmGroup group, String subscribeJson, int expectedSnapshots) {
        this.channel = channel;
        this.group = group;
        this.subscribe = subscribeJson.getBytes(StandardCharsets.UTF_8);
        this.expectedSnapshots = expectedSnapshots;
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);
    }

    /** The connection is made: sends the upgrade request. */
    void connected(String hostPort, long nowMs) throws IOException {
        state = State.HANDSHAKE;
        String request = "GET /api/v1/stream HTTP/1.1\r\nHost: " + hostPort + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        write(request.getBytes(StandardCharsets.US_ASCII));
        lastPingMs = nowMs;
    }

    /**
     * Reads what the socket has (a few buffers at most, so one busy client does not starve the others).
     *
     * @return false when the connection ended
     */
    boolean read(ByteBuffer shared, long nowMs) throws IOException {
        for (int round = 0; round < 8; round++) {
            if (big != null) {
                int n = channel.read(big);
                if (n < 0) {
                    return ended();
                }
                if (big.hasRemaining()) {
                    return true;
                }
                parseFrames(big.array(), 0, big.capacity(), nowMs);
                big = null;
                continue;
            }
            shared.clear();
            int carried = carryLength;
            if (carried > 0) {
                shared.put(carry, 0, carried);
                carryLength = 0;
            }
            int n = channel.read(shared);
            if (n < 0) {
                return ended();
            }
            int end = shared.position();
            if (n == 0) {
                keep(shared.array(), 0, end);
                return true;
            }
            byte[] bytes = shared.array();
            int consumed = state == State.HANDSHAKE ? handshake(bytes, end, nowMs) : 0;
            if (state == State.CLOSED) {
                return false;
            }
            if (state != State.HANDSHAKE) {
                consumed = parseFrames(bytes, consumed, end, nowMs);
            } else {
                consumed = end;
            }
            int left = end - consumed;
            if (left > 0) {
                if (incompleteFrame > shared.capacity()) {
                    big = ByteBuffer.allocate(incompleteFrame);
                    big.put(bytes, consumed, left);
                } else {
                    keep(bytes, consumed, left);
                }
            }
            if (state == State.CLOSED) {
                return false;
            }
            if (shared.position() < shared.capacity()) {
                return true;
            }
        }
        return true;
    }

    private void keep(byte[] bytes, int from, int length) {
        if (length == 0) {
            return;
        }
        if (carry == null || carry.length < length) {
            carry = new byte[Math.max(length, 4096)];
        }
        System.arraycopy(bytes, from, carry, 0, length);
        carryLength = length;
    }

    private boolean ended() {
        if (state == State.HANDSHAKE) {
            group.failure("connection closed during the upgrade");
        } else if (state == State.OPEN && !closeFrameReceived) {
            group.dropped++;
        }
        state = State.CLOSED;
        return false;
    }

    /** Whether the upgrade succeeded (the socket counts as open in its group until it is closed). */
    boolean opened() {
        return opened;
    }

    /** Collects the upgrade answer; returns the bytes of it consumed (all, until its header is complete). */
    private int handshake(byte[] bytes, int end, long nowMs) throws IOException {
        if (handshakeLength + end > handshake.length) {
            handshake = Arrays.copyOf(handshake, Math.max(handshake.length * 2, handshakeLength + end));
        }
        System.arraycopy(bytes, 0, handshake, handshakeLength, end);
        int before = handshakeLength;
        handshakeLength += end;
        int headerEnd = indexOf(handshake, 0, handshakeLength, HEADER_END);
        if (headerEnd < 0) {
            return end;
        }
        String header = new String(handshake, 0, headerEnd, StandardCharsets.ISO_8859_1);
        String statusLine = header.substring(0, Math.max(0, header.indexOf('\r')));
        if (!statusLine.startsWith("HTTP/1.1 101") || !header.contains(accept(key))) {
            String body = new String(handshake, headerEnd + 4, handshakeLength - headerEnd - 4, StandardCharsets.UTF_8);
            group.failure(statusLine + " " + body.strip());
            state = State.CLOSED;
            return end;
        }
        handshake = null;
        state = State.OPEN;
        opened = true;
        group.opened++;
        group.open++;
        group.connectMillis += nowMs - startedMs;
        sendText(subscribe);
        // What followed the header in this read is already frames.
        return headerEnd + 4 - before;
    }

    /** Parses the complete frames in {@code [from, end)}; returns where the first incomplete one starts. */
    private int parseFrames(byte[] a, int from, int end, long nowMs) throws IOException {
        int p = from;
        incompleteFrame = -1;
        while (end - p >= 2) {
            int b0 = a[p] & 0xFF;
            int b1 = a[p + 1] & 0xFF;
            long length = b1 & 0x7F;
            int header = 2;
            if (length == 126) {
                if (end - p < 4) {
                    break;
                }
                length = ((a[p + 2] & 0xFF) << 8) | (a[p + 3] & 0xFF);
                header = 4;
            } else if (length == 127) {
                if (end - p < 10) {
                    break;
                }
                length = 0;
                for (int i = 2; i < 10; i++) {
                    length = (length << 8) | (a[p + i] & 0xFF);
                }
                header = 10;
            }
            boolean masked = (b1 & 0x80) != 0;
            int maskAt = p + header;
            if (masked) {
                header += 4;
            }
            if (length > Integer.MAX_VALUE - 64) {
                throw new IOException("frame of " + length + " bytes");
            }
            int total = header + (int) length;
            if (end - p < total) {
                incompleteFrame = total;
                break;
            }
            int start = p + header;
            if (masked) {
                for (int i = 0; i < length; i++) {
                    a[start + i] ^= a[maskAt + (i & 3)];
                }
            }
            frame((b0 & 0x80) != 0, b0 & 0x0F, a, start, (int) length, nowMs);
            p += total;
            if (state == State.CLOSED) {
                return end;
            }
        }
        return p;
    }

    private void frame(boolean fin, int opcode, byte[] a, int start, int length, long nowMs) throws IOException {
        switch (opcode) {
            case OP_TEXT -> {
                if (fin) {
                    message(a, start, length, nowMs);
                } else {
                    fragmentsLength = 0;
                    appendFragment(a, start, length);
                }
            }
            case OP_CONTINUATION -> {
                appendFragment(a, start, length);
                if (fin) {
                    message(fragments, 0, fragmentsLength, nowMs);
                    fragments = null;
                    fragmentsLength = 0;
                }
            }
            case OP_CLOSE -> {
                int code = length >= 2 ? ((a[start] & 0xFF) << 8) | (a[start + 1] & 0xFF) : 1005;
                String reason = length > 2 ? new String(a, start + 2, length - 2, StandardCharsets.UTF_8) : "";
                closeFrameReceived = true;
                if (state != State.CLOSING) {
                    group.closedByNode++;
                    group.closed(code, reason);
                    writeFrame(OP_CLOSE, Arrays.copyOfRange(a, start, start + Math.min(length, 2)));
                }
                state = State.CLOSED;
            }
            case OP_PING -> writeFrame(0xA, Arrays.copyOfRange(a, start, start + length));
            default -> {
                // pong, binary: not part of the protocol's answers to this client
            }
        }
    }

    private void appendFragment(byte[] a, int start, int length) {
        if (fragments == null || fragments.length < fragmentsLength + length) {
            fragments = Arrays.copyOf(fragments == null ? new byte[0] : fragments, Math.max(8192, 2 * (fragmentsLength + length)));
        }
        System.arraycopy(a, start, fragments, fragmentsLength, length);
        fragmentsLength += length;
    }

    /** One whole text message: a reply ({@code {"type":...}}) or a data message ({@code {"version":...}}). */
    private void message(byte[] a, int s, int length, long nowMs) {
        SwarmGroup g = group;
        g.messages++;
        g.bytes += length;
        if (length < 12) {
            g.unparsed++;
            return;
        }
        if (a[s + 2] == 't') {
            // {"type":"subscribed"|"unsubscribed"|"pong"|"error", ...}
            switch (a[s + 9]) {
                case 's' -> g.subscribed++;
                case 'p' -> g.pongs++;
                case 'e' -> g.error(new String(a, s, Math.min(length, 300), StandardCharsets.UTF_8));
                default -> g.other++;
            }
            return;
        }
        if (!scan.read(a, s, s + length)) {
            g.unparsed++;
            return;
        }
        checkSeq(scan.subscriptionHash, scan.seq);
        switch (scan.kind) {
            case 'd' -> {
                g.deltas++;
                g.receiptToClient.record(nowMs - scan.receivedMs);
                g.publishedToClient.record(nowMs - scan.publishedMs);
            }
            case 's' -> {
                g.snapshots++;
                snapshots++;
                if (!ready && snapshots >= expectedSnapshots) {
                    ready = true;
                    g.ready++;
                }
            }
            default -> g.other++;
        }
    }

    /** Per subscription, {@code seq} is 1 and then +1 each message. */
    private void checkSeq(long hash, long seq) {
        for (int i = 0; i < subscriptions; i++) {
            if (subscriptionHash[i] == hash) {
                if (seq != subscriptionSeq[i] + 1) {
                    group.seqGaps++;
                }
                subscriptionSeq[i] = seq;
                return;
            }
        }
        if (subscriptions == subscriptionHash.length) {
            subscriptionHash = Arrays.copyOf(subscriptionHash, subscriptions * 2);
            subscriptionSeq = Arrays.copyOf(subscriptionSeq, subscriptions * 2);
        }
        if (seq != 1) {
            group.seqGaps++;
        }
        subscriptionHash[subscriptions] = hash;
        subscriptionSeq[subscriptions++] = seq;
    }

    void ping(long nowMs) throws IOException {
        lastPingMs = nowMs;
        sendText("{\"op\":\"ping\",\"id\":0}".getBytes(StandardCharsets.US_ASCII));
    }

    /** Starts a normal close (1000); the loop closes the socket when the node answers or after a while. */
    void close(long nowMs) throws IOException {
        if (state == State.OPEN) {
            writeFrame(OP_CLOSE, new byte[] {0x03, (byte) 0xE8});
            group.closedByClient++;
            state = State.CLOSING;
            closingSinceMs = nowMs;
        } else if (state != State.CLOSING) {
            state = State.CLOSED;
        }
    }

    void stall(boolean stall) {
        stalled = stall;
        updateInterest();
    }

    /** Writes what is left of the pending output (the socket became writable). */
    void flush() throws IOException {
        if (pendingOut != null) {
            channel.write(pendingOut);
            if (!pendingOut.hasRemaining()) {
                pendingOut = null;
            }
            updateInterest();
        }
    }

    void updateInterest() {
        if (selectionKey == null || !selectionKey.isValid() || state == State.CONNECTING) {
            return;
        }
        selectionKey.interestOps((stalled ? 0 : SelectionKey.OP_READ) | (pendingOut != null ? SelectionKey.OP_WRITE : 0));
    }

    private void sendText(byte[] payload) throws IOException {
        writeFrame(OP_TEXT, payload);
    }

    /** A client's frame: FIN, the opcode, masked as the protocol asks of clients. */
    private void writeFrame(int opcode, byte[] payload) throws IOException {
        int length = payload.length;
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        byte[] frame = new byte[header + 4 + length];
        frame[0] = (byte) (0x80 | opcode);
        if (length < 126) {
            frame[1] = (byte) (0x80 | length);
        } else if (length < 65536) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        int mask = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) {
            frame[header + i] = (byte) (mask >>> (24 - 8 * i));
        }
        for (int i = 0; i < length; i++) {
            frame[header + 4 + i] = (byte) (payload[i] ^ frame[header + (i & 3)]);
        }
        write(frame);
    }

    private void write(byte[] bytes) throws IOException {
        if (pendingOut != null) {
            ByteBuffer joined = ByteBuffer.allocate(pendingOut.remaining() + bytes.length);
            joined.put(pendingOut).put(bytes).flip();
            pendingOut = joined;
            return;
        }
        ByteBuffer out = ByteBuffer.wrap(bytes);
        channel.write(out);
        if (out.hasRemaining()) {
            pendingOut = out;
            updateInterest();
        }
    }

    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean matches(byte[] a, int at, byte[] pattern) {
        for (int i = 0; i < pattern.length; i++) {
            if (a[at + i] != pattern[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] a, int from, int end, byte[] pattern) {
        byte first = pattern[0];
        for (int i = Math.max(0, from), last = end - pattern.length; i <= last; i++) {
            if (a[i] == first && matches(a, i, pattern)) {
                return i;
            }
        }
        return -1;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
