package io.marketmesh.node.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 on a plain socket, for requests {@code java.net.http} refuses to send (bad methods and request lines,
 * broken framing, NUL bytes, HTTP/0.9): writes the bytes as given and reads one response, however the server ends.
 */
public final class RawHttp {

    /** Largest body read from a response: an error body is small, anything more is not looked at. */
    private static final int MAX_BODY = 1 << 20;

    /**
     * What came back: {@code status} -1 when the connection ended ({@code closed}) or the wait ran out before a status
     * line; {@code headers} by lower-case name.
     */
    public record Answer(int status, String statusLine, Map<String, String> headers, String body, boolean closed,
                         boolean timedOut) {

        public boolean answered() {
            return status > 0;
        }

        @Override
        public String toString() {
            if (!answered()) {
                return timedOut ? "no answer within the wait" : "connection closed without an answer";
            }
            return statusLine + " " + headers.getOrDefault("content-type", "") + " "
                    + (body.length() > 200 ? body.substring(0, 200) + "..." : body);
        }
    }

    private RawHttp() {
    }

    /** Sends {@code request} on a new connection and reads one response, waiting {@code wait} at most for each read. */
    public static Answer exchange(int port, byte[] request, Duration wait) {
        try (Socket socket = open(port, wait)) {
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException refusedMidway) {
                // The server may answer (431, 414, 400) and close before it has read everything: read that answer.
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection for a test that writes in steps (a slow client). */
    public static Socket open(int port, Duration wait) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout((int) wait.toMillis());
        return socket;
    }

    /**
     * One response from {@code raw}; never throws for a connection that ends or stays silent. To read several responses
     * of one connection, pass the same {@link BufferedInputStream} each time.
     */
    public static Answer read(InputStream raw) {
        // A buffered stream is read as it is, so a second response on the same connection is not lost in a buffer.
        InputStream in = raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw);
        String statusLine;
        Map<String, String> headers = new HashMap<>();
        try {
            statusLine = line(in);
            if (statusLine == null) {
                return new Answer(-1, "", Map.of(), "", true, false);
            }
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
                }
            }
        } catch (SocketTimeoutException e) {
            return new Answer(-1, "", Map.of(), "", false, true);
        } catch (IOException e) {
            return new Answer(-1, "", Map.of(), "", true, false);
        }
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            status = 0;
        }
        String body;
        try {
            body = body(in, headers);
        } catch (IOException e) {
            body = "<body cut: " + e + ">";
        }
        return new Answer(status, statusLine, headers, body, false, false);
    }

    private static String body(InputStream in, Map<String, String> headers) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if (length != null) {
            int remaining = (int) Math.min(Long.parseLong(length), MAX_BODY);
            body.writeBytes(in.readNBytes(remaining));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            // A stream (text/event-stream) may never end: its first chunk is enough.
            String size = line(in);
            if (size != null && !size.isEmpty()) {
                body.writeBytes(in.readNBytes((int) Math.min(Long.parseLong(size.split(";")[0].trim(), 16), MAX_BODY)));
            }
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /** A line without its CRLF; null at the end of the stream before any byte of it. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (line.size() < 64 * 1024) {
                line.write(b);
            }
        }
    }
}
