package io.marketmesh.node.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket with a small receive buffer, read only when the test says so: a client that
 * stalls for real (its window closes within a few kilobytes, so the node's socket backs up at once), which
 * {@code java.net.http}'s client, with its large buffers, cannot be made into. Speaks just enough of RFC 6455: the
 * handshake, masked text frames out, unmasked frames in.
 */
public final class RawWebSocket implements AutoCloseable {

    /** One frame from the server: opcode 1 text, 8 close (then {@code closeCode} and {@code text} = reason). */
    public record Frame(int opcode, String text, int closeCode) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket connect(int port, String path, int receiveBuffer) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(receiveBuffer);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            RawWebSocket ws = new RawWebSocket(socket);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
            ws.out.flush();
            String status = ws.readHeaders();
            if (!status.contains(" 101 ")) {
                throw new IllegalStateException("upgrade refused: " + status);
            }
            return ws;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One masked text frame, as a client sends it. */
    public void sendText(String text) {
        sendFrame(0x81, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends one frame exactly as given, for tests of what a server does with broken ones: {@code first} is the FIN bit,
     * the reserved bits and the opcode; the payload is masked (as a client must) or not.
     */
    public void sendFrame(int first, boolean masked, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(first);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(mask);
            frame.writeBytes(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        try {
            out.write(frame.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long {@link #read()} waits for the server before it throws; 0 = for ever (the default). */
    public void readTimeout(java.time.Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next whole frame (fragments of one message joined); blocks. */
    public Frame read() {
        try {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            int opcode = -1;
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                int frameOpcode = b0 & 0x0f;
                if (frameOpcode == 9 || frameOpcode == 10) {
                    continue;
                }
                if (frameOpcode == 8) {
                    int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                    String reason = payload.length > 2
                            ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                    return new Frame(8, reason, code);
                }
                if (frameOpcode != 0) {
                    opcode = frameOpcode;
                }
                message.writeBytes(payload);
                if ((b0 & 0x80) != 0) {
                    return new Frame(opcode, message.toString(StandardCharsets.UTF_8), 0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads every message from now on into {@code held}, on a thread of its own, until the socket closes. */
    public void readInto(HeldBooks held) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Thread reader = new Thread(() -> {
            while (true) {
                Frame frame;
                try {
                    frame = read();
                } catch (RuntimeException closed) {
                    return;
                }
                if (frame.opcode() != 1) {
                    return;
                }
                try {
                    held.onMessage(json.readTree(frame.text()));
                } catch (IOException e) {
                    held.violations().add("not JSON: " + frame.text());
                }
            }
        }, "raw-websocket-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private String readHeaders() throws IOException {
        InputStream raw = in;
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = raw.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + headers);
            }
            headers.append((char) b);
        }
        return headers.substring(0, headers.indexOf("\r\n"));
    }
}
