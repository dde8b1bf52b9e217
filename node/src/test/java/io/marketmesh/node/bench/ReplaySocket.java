package io.marketmesh.node.bench;

import io.marketmesh.node.simulator.ReplayFeed;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The server side of one WebSocket (RFC 6455), just what the replay server needs: the upgrade, masked client frames
 * in (text, ping, close), and unmasked text frames out, collected in a buffer that the sender thread writes with one
 * blocking call per batch. Reading runs on a thread of its own; everything sent goes through the sender thread.
 */
final class ReplaySocket implements ReplayFeed.Client {

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int OUT_BUFFER = 256 * 1024;

    /** What the reader hands to the sender thread. */
    sealed interface Event {
    }

    record Opened(ReplaySocket socket) implements Event {
    }

    record Text(ReplaySocket socket, String text) implements Event {
    }

    /** A control frame to answer (pong for a ping, close for a close). */
    record Control(ReplaySocket socket, int opcode, byte[] payload) implements Event {
    }

    record Closed(ReplaySocket socket) implements Event {
    }

    private final Socket socket;
    private final OutputStream out;
    private final byte[] buffer = new byte[OUT_BUFFER];
    private int buffered;
    private boolean dead;
    /** The path the client opened, e.g. {@code /polymarket/ws/market}. */
    final String path;
    long framesSent;
    long bytesSent;
    /** Nanoseconds spent in blocking writes: the client (or TCP) not taking what is sent. */
    long blockedNanos;

    private ReplaySocket(Socket socket, String path) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.path = path;
    }

    /** Completes the upgrade on an accepted socket, then reads its frames into {@code events} until it closes. */
    static void serve(Socket socket, Consumer<Event> events) {
        ReplaySocket replay = null;
        try {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String path = handshake(socket, in);
            if (path == null) {
                socket.close();
                return;
            }
            replay = new ReplaySocket(socket, path);
            events.accept(new Opened(replay));
            readFrames(replay, in, events);
        } catch (IOException e) {
            // the client went away
        } finally {
            if (replay != null) {
                events.accept(new Closed(replay));
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Reads the HTTP upgrade request and answers 101; returns its path, or null when it is no WebSocket upgrade. */
    private static String handshake(Socket socket, DataInputStream in) throws IOException {
        String requestLine = readLine(in);
        String key = null;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-key")) {
                key = line.substring(colon + 1).trim();
            }
        }
        String[] parts = requestLine.split(" ");
        if (key == null || parts.length < 2) {
            socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return null;
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return parts[1];
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static void readFrames(ReplaySocket replay, DataInputStream in, Consumer<Event> events) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            int opcode = b0 & 0x0F;
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = new byte[4];
            if ((b1 & 0x80) != 0) {
                in.readFully(mask);
            }
            if (length > 16 * 1024 * 1024) {
                throw new IOException("client frame too large: " + length);
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            if (opcode >= 8) {
                events.accept(new Control(replay, opcode, payload));
                if (opcode == 8) {
                    return;
                }
                continue;
            }
            message.write(payload);
            if ((b0 & 0x80) != 0) {
                events.accept(new Text(replay, message.toString(StandardCharsets.UTF_8)));
                message.reset();
            }
        }
    }

    // ------------------------------------------------------------------ sender thread only

    @Override
    public void send(byte[] payload, int length) {
        frame(0x81, payload, length);
        framesSent++;
    }

    /** Answers a client's control frame: pong for ping, close for close. */
    void answer(int opcode, byte[] payload) {
        if (opcode == 9) {
            frame(0x8A, payload, payload.length);
        } else if (opcode == 8) {
            frame(0x88, payload, Math.min(payload.length, 2));
            flush();
            close();
        }
    }

    private void frame(int first, byte[] payload, int length) {
        if (dead) {
            return;
        }
        if (buffered + length + 10 > buffer.length) {
            flush();
        }
        if (length + 10 > buffer.length) {
            write(header(first, length), 0, -1);
            write(payload, 0, length);
            return;
        }
        buffered = putHeader(buffer, buffered, first, length);
        System.arraycopy(payload, 0, buffer, buffered, length);
        buffered += length;
    }

    private static byte[] header(int first, int length) {
        byte[] header = new byte[10];
        int size = putHeader(header, 0, first, length);
        return java.util.Arrays.copyOf(header, size);
    }

    private static int putHeader(byte[] into, int at, int first, int length) {
        into[at++] = (byte) first;
        if (length < 126) {
            into[at++] = (byte) length;
        } else if (length < 65536) {
            into[at++] = 126;
            into[at++] = (byte) (length >>> 8);
            into[at++] = (byte) length;
        } else {
            into[at++] = 127;
            for (int shift = 56; shift >= 0; shift -= 8) {
                into[at++] = (byte) ((long) length >>> shift);
            }
        }
        return at;
    }

    /** Writes what is buffered, blocking while the client's TCP window is full. */
    void flush() {
        if (buffered > 0 && !dead) {
            write(buffer, 0, buffered);
        }
        buffered = 0;
    }

    private void write(byte[] bytes, int from, int length) {
        int count = length < 0 ? bytes.length : length;
        long start = System.nanoTime();
        try {
            out.write(bytes, from, count);
            bytesSent += count;
        } catch (IOException e) {
            close();
        }
        blockedNanos += System.nanoTime() - start;
    }

    boolean dead() {
        return dead;
    }

    void close() {
        dead = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
