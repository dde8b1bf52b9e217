package io.marketmesh.node.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Broken HTTP for {@link HttpApiFuzzTest}'s raw sockets, made from the same seed as {@link HostileHttp}'s requests:
 * bad methods, request lines and versions, huge or malformed headers, NUL bytes, bad percent-encoding, Content-Length
 * lies, chunked garbage, HTTP/0.9, and requests that stop half-way (slow clients).
 */
final class HostileRawHttp {

    /**
     * Bytes for a socket. {@code template} names the kind (for the summary); {@code mustAnswer}: the bytes end a request
     * head (broken or not), so a connection closed without any answer is a failure. Only bytes that need not look like
     * HTTP at all (random bytes, a TLS handshake) may be dropped without an answer; pekko-http answers those with 400 too.
     */
    record RawRequest(String template, byte[] bytes, boolean mustAnswer) {

        @Override
        public String toString() {
            return template + ": " + abbreviate(new String(bytes, StandardCharsets.ISO_8859_1));
        }
    }

    private final Random random;
    private final HostileHttp hostile;
    private final HostileHttp.Tokens tokens;

    /** @param hostile the request maker whose markets and venues these requests name; {@code tokens} null: none */
    HostileRawHttp(Random random, HostileHttp hostile, HostileHttp.Tokens tokens) {
        this.random = random;
        this.hostile = hostile;
        this.tokens = tokens;
    }

    /** Broken HTTP: request lines, headers, framing. */
    RawRequest nextRaw() {
        String path = new String[]{"/api/v1/markets", "/api/v1/subscriptions", "/health/ready",
            "/api/v1/markets/" + hostile.venue() + "/" + HostileHttp.segment(hostile.realSymbol()) + "/book", "/api/v1/instruments"}[random.nextInt(5)];
        List<Supplier<RawRequest>> templates = List.of(
                () -> raw("method with a space", "GE T " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("lower-case method", "get " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("unknown method", "FOO " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("10k-char method", "X".repeat(10_000) + " " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("NUL in method", "G\0ET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("CONNECT", "CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("extra token in request line", "GET " + path + " HTTP/1.1 extra\r\nHost: x\r\n\r\n", true),
                () -> raw("double space in request line", "GET  " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("HTTP/0.9", "GET " + path + "\r\n", true),
                () -> raw("unsupported version", "GET " + path + " " + new String[]{"HTTP/2.0", "HTTP/1.2", "HTTP/9.9",
                    "HTTP/1.1x", "HTTPS/1.1", "http/1.1", "HTTP/1", "HTTP/0.9"}[random.nextInt(8)] + "\r\nHost: x\r\n\r\n", true),
                () -> raw("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", true),
                () -> raw("asterisk target", new String[]{"GET", "OPTIONS"}[random.nextInt(2)] + " * HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("absolute-form target", "GET http://evil.example" + path + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("HTTP/1.1 without Host", "GET " + path + " HTTP/1.1\r\n\r\n", true),
                () -> raw("two Host headers", "GET " + path + " HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", true),
                () -> raw("hostile Host", "GET " + path + " HTTP/1.1\r\nHost: " + new String[]{"a b", "\0", "x:99999999",
                    "[::1", "ä.example", "x".repeat(5000)}[random.nextInt(6)] + "\r\n\r\n", true),
                () -> raw("huge header value", "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(
                    new int[]{9_000, 70_000, 300_000}[random.nextInt(3)]) + "\r\n\r\n", true),
                () -> raw("many headers", "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + "X-H: 1\r\n".repeat(
                    new int[]{100, 1000, 5000}[random.nextInt(3)]) + "\r\n", true),
                () -> raw("header without colon", "GET " + path + " HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", true),
                () -> raw("space in header name", "GET " + path + " HTTP/1.1\r\nHost: x\r\nFo o: bar\r\n\r\n", true),
                () -> raw("folded header", "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", true),
                () -> raw("NUL in header value", "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", true),
                () -> rawBytes("non-ASCII header value", "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-A: ",
                    new byte[]{(byte) 0xff, (byte) 0xfe, (byte) 0xc3, (byte) 0x28}, "\r\n\r\n", true),
                () -> raw("NUL in path", "GET /api/v1/mar\0kets HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("invalid percent-encoding", "GET /api/v1/markets/" + new String[]{"%zz", "%", "%2", "%%",
                    "%g0", "kalshi/%"}[random.nextInt(6)] + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("bad UTF-8 in percent-encoding", "GET /api/v1/markets/kalshi/" + new String[]{"%C0%AF", "%ED%A0%80",
                    "%FF%FE", "%C3", "%F4%90%80%80", "..%c0%af..%c0%afetc"}[random.nextInt(6)] + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> rawBytes("raw UTF-8 in path", "GET /api/v1/markets/kalshi/", "日本\u202e".getBytes(StandardCharsets.UTF_8),
                    " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("overlong URL", "GET /api/v1/markets/kalshi/" + "A".repeat(new int[]{3000, 10_000, 100_000}
                    [random.nextInt(3)]) + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("overlong query", "GET /api/v1/markets?q=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("bad query", "GET /api/v1/markets?" + new String[]{"q=%zz", "q=a&&&&", "=&=", "q", "q=%00",
                    "limit=1&limit=2", "q=a%20b%", ";;;"}[random.nextInt(8)] + " HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("fragment in target", "GET /api/v1/markets#frag HTTP/1.1\r\nHost: x\r\n\r\n", true),
                () -> raw("bad Content-Length", "POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + new String[]{"-1", "abc", "1, 2", "99999999999999999999", "0x10", " ", "+5"}[random.nextInt(7)]
                    + "\r\n\r\n{}", true),
                () -> raw("two Content-Lengths", "POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                    + "Content-Length: 3\r\n\r\n{}x", true),
                () -> raw("Content-Length shorter than the body", "POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 5\r\n\r\n{\"venue\":\"kalshi\",\"symbol\":\"A B\"}", true),
                () -> raw("Content-Length and chunked", "POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", true),
                () -> raw("chunked garbage", "POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + new String[]{"zz\r\n{}\r\n0\r\n\r\n", "ffffffffffffffffffff\r\n{}",
                    "2\r\n{}XX0\r\n\r\n", "2;\0ext\r\n{}\r\n0\r\n\r\n", "2\r\n{}\r\n0\r\nX-T\0: 1\r\n\r\n",
                    "-2\r\n{}\r\n0\r\n\r\n", "2\r\n{}\r\n0\r\n\r\nGARBAGE\r\n\r\n"}[random.nextInt(7)], true),
                () -> raw("unknown transfer coding", "POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                    + new String[]{"foo", "gzip, chunked", "chunked, gzip", "identity", "chunked, chunked"}[random.nextInt(5)]
                    + "\r\n\r\n2\r\n{}\r\n0\r\n\r\n", true),
                () -> raw("hostile Expect", "POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: "
                    + new String[]{"foo", "100-continue", "\0", "200-ok"}[random.nextInt(4)] + "\r\n\r\n{}", true),
                () -> raw("body too large", "POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 9000000\r\n\r\n" + "[".repeat(1000), true),
                () -> rawBytes("random bytes", "", hostile.randomBytes(1 + random.nextInt(512)), "\r\n\r\n", false),
                () -> rawBytes("TLS ClientHello", "", new byte[]{0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00,
                    (byte) 0xa1, 0x03, 0x03}, "", false),
                () -> raw("bad WebSocket upgrade", "GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n" + new String[]{"", "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 12\r\n",
                    "Sec-WebSocket-Key: \0\r\nSec-WebSocket-Version: 13\r\n",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"}[random.nextInt(5)] + "\r\n", true),
                () -> raw("pipelined garbage", "GET /health/alive HTTP/1.1\r\nHost: x\r\n\r\nGE T / HTTP/1.1\r\n\r\n", true),
                () -> raw("hostile Authorization", "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + authorization() + "\r\n", true),
                () -> raw("hostile Accept", "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: " + new String[]{
                    "application/openmetrics-text;version=abc", "*/*;q=abc", "\u00e9/\u00e9", "a".repeat(5000),
                    "text/plain;;;;"}[random.nextInt(5)] + "\r\n\r\n", true));
        return templates.get(random.nextInt(templates.size())).get();
    }

    /**
     * The start of a request that never ends: a slow client holding a connection open. {@code withHead}: its request
     * line and headers are whole and only its body is missing (pekko-http's request-timeout applies to it).
     */
    record SlowStart(byte[] bytes, boolean withHead) {
    }

    SlowStart slowStart() {
        int kind = random.nextInt(5);
        String start = switch (kind) {
            case 0 -> "GET /api/v1/mar";
            case 1 -> "GET /api/v1/markets HTTP/1.1\r\nHost: x\r\nX-Slow: a";
            case 2 -> "POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"venue\":";
            case 3 -> "POST /api/v1/instruments HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"id";
            default -> "\r\n\r\n\r\n";
        };
        return new SlowStart(start.getBytes(StandardCharsets.ISO_8859_1), kind == 2 || kind == 3);
    }

    private String authorization() {
        if (tokens != null && random.nextBoolean()) {
            return "Authorization: Bearer " + tokens.readWrite() + "\r\nAuthorization: Bearer " + tokens.readOnly() + "\r\n";
        }
        return switch (random.nextInt(7)) {
            case 0 -> "Authorization: \r\n";
            case 1 -> "Authorization: Bearer\r\n";
            case 2 -> "Authorization: Bearer " + "t".repeat(20_000) + "\r\n";
            case 3 -> "Authorization: Bearer t\u00e9\u00ff\r\n";
            case 4 -> "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n";
            case 5 -> "Authorization: Basic !!!\r\n";
            default -> "Authorization: Bearer \0\r\n";
        };
    }

    private static RawRequest raw(String template, String request, boolean mustAnswer) {
        return new RawRequest(template, request.getBytes(StandardCharsets.ISO_8859_1), mustAnswer);
    }

    private static RawRequest rawBytes(String template, String head, byte[] middle, String tail, boolean mustAnswer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(middle);
        out.writeBytes(tail.getBytes(StandardCharsets.ISO_8859_1));
        return new RawRequest(template, out.toByteArray(), mustAnswer);
    }
    static String abbreviate(String text) {
        return HostileHttp.abbreviate(text);
    }
}
