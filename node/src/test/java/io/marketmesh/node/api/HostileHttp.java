package io.marketmesh.node.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Hostile HTTP requests for {@link HttpApiFuzzTest}, made from a seed: mutated paths, parameters and bodies for every
 * route and every method on every path (sent with {@code java.net.http}), and broken HTTP (sent as raw bytes). No
 * request made here is a valid change: every POST and DELETE is invalid by construction (a bad venue, a bad symbol, a
 * market or instrument that does not exist), so the followed markets and the instruments must come out unchanged.
 */
final class HostileHttp {

    /** A request {@code java.net.http} can send; {@code contentType} and {@code body} may be null. */
    record ClientRequest(String method, String path, String contentType, byte[] body, Map<String, String> headers) {

        @Override
        public String toString() {
            return method + " " + abbreviate(path) + (contentType == null ? "" : " [" + contentType + "]")
                    + (body == null ? "" : " body(" + body.length + "): " + abbreviate(new String(body, StandardCharsets.UTF_8)))
                    + (headers.isEmpty() ? "" : " headers " + abbreviate(headers.toString()));
        }
    }

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

    /** The node's state a request is made from: markets it follows (symbols to mutate), enabled venue ids. */
    record Target(List<String[]> followed, List<String> enabledVenues, String disabledVenue) {
    }

    private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
        "FOO", "PROPFIND", "get"};
    private static final String[] CONTENT_TYPES = {"application/json", "text/plain", "application/json; charset=utf-16",
        "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "*/*", "garbage", "application/xml"};
    private static final String[] NUMBERS = {"-1", "0", "1e9", "1000000000", "2147483648", "-2147483649",
        "99999999999999999999999", "abc", "", " ", "1.5", "0x10", " 5", "+5", "٣", "NaN", "Infinity", "1,2", "%00",
        "2147483647", "-0", "00000000000000000001"};

    /** The node's API tokens (docs/security.md), when it has them. */
    record Tokens(String readWrite, String readOnly) {
    }

    private final Random random;
    private final Target target;
    private final Tokens tokens;

    /** @param tokens null: the node has none */
    HostileHttp(Random random, Target target, Tokens tokens) {
        this.random = random;
        this.target = target;
        this.tokens = tokens;
    }

    // ---- java.net.http requests ----------------------------------------------------------------

    ClientRequest next() {
        return switch (random.nextInt(7)) {
            case 0, 1 -> mutatedRead();
            case 2 -> anyMethodAnyPath();
            case 3 -> follow();
            case 4 -> addInstrument();
            case 5 -> unfollow();
            default -> deleteInstrument();
        };
    }

    /** A GET of a read route with hostile segments and parameters. */
    private ClientRequest mutatedRead() {
        String venue = random.nextInt(3) == 0 ? hostileText() : venue();
        String symbol = random.nextBoolean() ? mutatedSymbol() : hostileText();
        String market = "/api/v1/markets/" + segment(venue) + "/" + segment(symbol);
        String path = switch (random.nextInt(9)) {
            case 0 -> "/api/v1/markets?" + params("q", "venue", "status", "instrument", "limit", "offset");
            case 1 -> market;
            case 2 -> market + "/book?" + param("depth", number());
            case 3 -> "/api/v1/markets/" + segment(venue) + "/" + segment(realSymbol()) + "/book?" + param("depth", number());
            case 4 -> market + "/stream?" + params("channels", "depth");
            case 5 -> "/api/v1/markets/" + venue() + "/" + segment(realSymbol()) + "/stream?"
                    + param("channels", hostileText()) + "&" + param("depth", number());
            case 6 -> "/api/v1/instruments/" + segment(hostileText()) + (random.nextBoolean() ? "" : "/book?"
                    + param("depth", number()));
            case 7 -> "/api/v1/" + rawTraversal() + "/" + segment(hostileText());
            default -> "/api/v1/markets?" + param("q", random.nextBoolean() ? hostileText() : regex());
        };
        return new ClientRequest("GET", path, null, null, hostileHeaders());
    }

    private ClientRequest anyMethodAnyPath() {
        String[] paths = {"/api/v1/markets", "/api/v1/markets/", "/api/v1/markets/" + venue() + "/" + segment(realSymbol()),
            "/api/v1/markets/" + venue() + "/" + segment(realSymbol()) + "/book",
            "/api/v1/markets/" + venue() + "/" + segment(realSymbol()) + "/stream",
            "/api/v1/venues", "/api/v1/cluster", "/api/v1/subscriptions", "/api/v1/subscriptions/",
            "/api/v1/subscriptions/" + venue() + "/" + segment(mutatedSymbol()), "/api/v1/instruments",
            "/api/v1/instruments/no-such-instrument", "/api/v1/instruments/no-such-instrument/book",
            "/api/v1/instruments/no-such-instrument/stream", "/api/v1/arbitrage", "/api/v1/arbitrage/stream",
            "/api/v1/stream", "/api/v1/stream/clients", "/health/alive", "/health/ready", "/metrics", "/", "/web/app.js",
            "/api", "/api/v1", "/api/v2/markets", "/nope", "//api//v1//markets", "/api/v1/markets/" + venue()};
        String method = METHODS[random.nextInt(METHODS.length)];
        boolean withBody = random.nextBoolean() && !method.equals("GET") && !method.equals("HEAD");
        String path = paths[random.nextInt(paths.length)];
        if (method.equals("POST") && (path.startsWith("/api/v1/subscriptions") || path.startsWith("/api/v1/instruments"))) {
            withBody = true;
        }
        return new ClientRequest(method, path, withBody ? "application/json" : null,
                withBody ? invalidFollowBody() : null, hostileHeaders());
    }

    private ClientRequest follow() {
        return new ClientRequest("POST", "/api/v1/subscriptions" + (random.nextInt(4) == 0 ? "/" : ""), contentType(),
                invalidFollowBody(), hostileHeaders());
    }

    private ClientRequest addInstrument() {
        return new ClientRequest("POST", "/api/v1/instruments", contentType(), invalidInstrumentBody(), hostileHeaders());
    }

    /** A market that is not followed (a mutated symbol, an unknown venue): 404 or 400, never a removal. */
    private ClientRequest unfollow() {
        String venue = random.nextInt(3) == 0 ? hostileText() : venue();
        return new ClientRequest("DELETE", "/api/v1/subscriptions/" + segment(venue) + "/"
                + (random.nextInt(5) == 0 ? rawTraversal() : segment(random.nextBoolean() ? mutatedSymbol() : hostileText())),
                null, null, hostileHeaders());
    }

    private ClientRequest deleteInstrument() {
        return new ClientRequest("DELETE", "/api/v1/instruments/" + segment("zz-" + hostileText()), null, null,
                hostileHeaders());
    }

    /** A follow body that must be refused: its venue or one of its symbols is bad, whatever else it holds. */
    private byte[] invalidFollowBody() {
        String venue = "\"" + target.enabledVenues().get(random.nextInt(target.enabledVenues().size())) + "\"";
        String good = jsonString(mutatedSymbol());
        String body = switch (random.nextInt(16)) {
            case 0 -> hostileText();
            case 1 -> truncate("{\"venue\":" + venue + ",\"symbols\":[" + good + "," + jsonString(badSymbol()) + "]}");
            case 2 -> new String[]{"[]", "\"x\"", "1", "null", "true", "1e999", "{}", "", "   ", "[{}]"}[random.nextInt(10)];
            case 3 -> "{\"venue\":" + badVenueJson() + ",\"symbols\":[" + good + "]}";
            case 4 -> "{\"venue\":" + venue + ",\"symbols\":" + new String[]{"\"x\"", "1", "{}", "null", "[]", "true",
                "[null]", "[1]", "[{}]", "[[]]", "[\"\"]", "[\" \"]", "1e999999999"}[random.nextInt(13)] + "}";
            case 5 -> "{\"venue\":" + venue + ",\"symbols\":[" + good + "," + jsonString(badSymbol()) + "]}";
            case 6 -> "{\"venue\":" + venue + ",\"symbol\":" + jsonString(badSymbol()) + "}";
            case 7 -> "{\"venue\":" + venue + ",\"symbols\":[" + "[".repeat(depth()) + "]".repeat(depth0) + "]}";
            case 8 -> "[".repeat(depth());
            case 9 -> "{\"venue\":" + venue + ",\"symbols\":[" + hugeArray() + "]}";
            case 10 -> "{\"venue\":" + venue + ",\"venue\":" + badVenueJson() + ",\"symbol\":" + good + "}";
            case 11 -> "{\"venue\":" + venue + ",\"symbol\":" + jsonString(badSymbol()) + ",\"extra\":"
                    + "{\"a\":".repeat(50) + "1" + "}".repeat(50) + "}";
            case 12 -> "{\"venue\":" + venue + ",\"symbols\":[" + jsonString("x".repeat(10_000)) + "]}";
            case 13 -> "{\"venue\":\"" + target.disabledVenue() + "\",\"symbols\":[" + good + "]}";
            case 14 -> "{\"venue\":" + venue + ",\"symbol\":12345678901234567890123456789012345678901234567890}";
            default -> "{\"venue\":" + venue + ",\"symbols\":[" + good + "],\"symbol\":" + jsonString(badSymbol()) + "}";
        };
        return random.nextInt(12) == 0 ? withInvalidUtf8(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    /** Depth of the last {@link #depth()} call, to close what it opened (or not, at random). */
    private int depth0;

    private int depth() {
        int depth = new int[]{2, 999, 1001, 5000, 100_000}[random.nextInt(5)];
        depth0 = random.nextBoolean() ? depth : random.nextInt(depth + 1);
        return depth;
    }

    /** An instrument body that must be refused: its id is bad or a leg is not a followed market. */
    private byte[] invalidInstrumentBody() {
        String followed = "\"" + target.followed().get(0)[0] + ":" + target.followed().get(0)[1] + "\"";
        String badLeg = jsonString(new String[]{"nasdaq:AAPL", "kalshi:" + mutatedSymbol(), "kalshi", ":", "",
            "polymarket:" + hostileText(), hostileText()}[random.nextInt(7)]);
        String body = switch (random.nextInt(10)) {
            case 0 -> hostileText();
            case 1 -> "{\"id\":" + jsonString("zz!" + badSymbol()) + ",\"legs\":[{\"market\":" + followed + "}]}";
            case 2 -> "{\"id\":\"fuzz\",\"legs\":[{\"market\":" + followed + "},{\"market\":" + badLeg + "}]}";
            case 3 -> "{\"id\":" + new String[]{"1", "null", "[]", "{}", "true", "\"\"", jsonString("x".repeat(200))}
                [random.nextInt(7)] + ",\"legs\":[{\"market\":" + followed + "}]}";
            case 4 -> "{\"id\":\"fuzz\",\"legs\":" + new String[]{"1", "null", "{}", "[]", "\"x\"", "[1]", "[null]",
                "[{}]", "[{\"market\":1}]", "[{\"market\":" + followed + ",\"yes\":\"maybe\"}," + "{\"market\":" + badLeg + "}]"}
                [random.nextInt(10)] + "}";
            case 5 -> "{\"id\":\"fuzz\",\"legs\":[" + ("{\"market\":" + badLeg + "},").repeat(1 + random.nextInt(200))
                    + "{\"market\":" + followed + "}]}";
            case 6 -> "{\"id\":\"fuzz\",\"legs\":[{\"market\":" + followed + "},{\"market\":" + followed + "}]}"
                    .replace("fuzz", "zz!" + badSymbol().replace("\"", "").replace("\\", ""));
            case 7 -> "[".repeat(depth());
            case 8 -> "{\"id\":\"fuzz\",\"legs\":[{\"market\":" + badLeg + ",\"yes\":" + "[".repeat(depth()) + "]}]}";
            default -> truncate("{\"id\":\"fuzz\",\"legs\":[{\"market\":" + followed + "}]}");
        };
        return body.getBytes(StandardCharsets.UTF_8);
    }

    // ---- raw requests --------------------------------------------------------------------------

    /** Broken HTTP: request lines, headers, framing. */
    RawRequest nextRaw() {
        String path = new String[]{"/api/v1/markets", "/api/v1/subscriptions", "/health/ready",
            "/api/v1/markets/" + venue() + "/" + segment(realSymbol()) + "/book", "/api/v1/instruments"}[random.nextInt(5)];
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
                () -> rawBytes("random bytes", "", randomBytes(1 + random.nextInt(512)), "\r\n\r\n", false),
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

    private Map<String, String> hostileHeaders() {
        if (tokens != null && random.nextInt(3) > 0) {
            // Mostly the read-write token, so a hostile mutation gets past authentication to validation.
            return Map.of("Authorization", "Bearer " + (random.nextInt(4) == 0 ? tokens.readOnly() : tokens.readWrite()));
        }
        return switch (random.nextInt(12)) {
            case 0 -> Map.of("Authorization", new String[]{"", "Bearer", "Bearer " + "t".repeat(10_000), "Bearer t\u00e9",
                "Basic x", "bearer  x"}[random.nextInt(6)]);
            case 1 -> Map.of("Accept", new String[]{"application/xml", "*/*;q=abc", "text/event-stream", "a/b;c"}[random.nextInt(4)]);
            case 2 -> Map.of("X-Forwarded-For", "1.1.1.1, \u00e9, " + "9".repeat(300), "Origin", "http://evil.example");
            default -> Map.of();
        };
    }

    // ---- pieces --------------------------------------------------------------------------------

    private String venue() {
        return target.enabledVenues().get(random.nextInt(target.enabledVenues().size()));
    }

    private String realSymbol() {
        return target.followed().get(random.nextInt(target.followed().size()))[1];
    }

    /** A followed market's symbol, changed so it is not one: a character added, dropped, swapped in case, ... */
    private String mutatedSymbol() {
        String real = realSymbol();
        return switch (random.nextInt(7)) {
            case 0 -> real + "X";
            case 1 -> "Z" + real;
            case 2 -> real.substring(0, real.length() - 1);
            case 3 -> real.equals(real.toLowerCase()) ? real + "-" : real.toLowerCase();
            case 4 -> real + real;
            case 5 -> real + "\0";
            default -> real + " ";
        };
    }

    /** Text that is no venue's symbol: empty, huge, control characters, unicode, traversal, regex, injections. */
    private String hostileText() {
        String[] texts = {"", " ", "\t", "A".repeat(10_000), "a".repeat(257), "\0", "X\r\nSet-Cookie: a=b", "\u001b[31mred",
            "\u007f", "\b", "日本語", "🙂🙂", "\u202eevil", "e\u0301", "\uFEFF", "\uD800", "..", "../..",
            "..%2f..%2fetc%2fpasswd", "..\\..\\windows", "/etc/passwd", ".*", "[", "(a+)+$", "\\", "^$|", "*", "?",
            "{1,}", "' OR 1=1 --", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "%s%n", "{{7*7}}", "{}", "[]",
            "null", "\"", "\\u0000", "-1", "1e9", "99999999999999999999999", "NaN", ":", "a:b:c", "book:kalshi:*"};
        String text = random.nextInt(6) == 0 ? randomText(1 + random.nextInt(40)) : texts[random.nextInt(texts.length)];
        return random.nextInt(5) == 0 ? text + texts[random.nextInt(texts.length)] : text;
    }

    /**
     * A symbol {@code POST /subscriptions} must refuse: whitespace or control characters inside, blank, too long. (The
     * API trims a symbol first, and trimming takes control characters at either end too: {@code "X\n"} is X.)
     */
    private String badSymbol() {
        String[] bad = {"", " ", "A B", "\0", "X\r\nY", "\u001b[0m", "a".repeat(257), "A".repeat(10_000), "\t", "x\u0085y",
            "x\u2028y", "\u001b[0m", realSymbol() + "\u0000" + realSymbol()};
        return bad[random.nextInt(bad.length)];
    }

    private String regex() {
        return new String[]{".*", "(", ")", "[a-", "a{99999999}", "(?<x>", "\\Q", "\\E", "+", "^", "$", "|", "\\p{",
            "a**", "(a|a)*b"}[random.nextInt(15)] + (random.nextBoolean() ? " btc" : "");
    }

    private String number() {
        return NUMBERS[random.nextInt(NUMBERS.length)];
    }

    private String params(String... names) {
        StringBuilder query = new StringBuilder();
        for (String name : names) {
            if (random.nextBoolean()) {
                query.append(query.length() == 0 ? "" : "&").append(param(name,
                        name.equals("limit") || name.equals("offset") || name.equals("depth") ? number() : hostileText()));
            }
        }
        return query.toString();
    }

    private static String param(String name, String value) {
        return name + "=" + segment(value);
    }

    /** Dot segments and encoded slashes as written, not encoded again: what a traversal attempt sends. */
    private String rawTraversal() {
        return new String[]{"..", "..%2f..%2f", "%2e%2e%2f", "..%252f", "%2e%2e/%2e%2e/health", "..;/", "%c0%ae%c0%ae",
            "markets/..%2F..%2Fsubscriptions"}[random.nextInt(8)];
    }

    private String contentType() {
        return random.nextInt(3) == 0 ? CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)] : "application/json";
    }

    private String hugeArray() {
        int n = new int[]{1000, 100_000}[random.nextInt(2)];
        String element = new String[]{"1", "null", "\"A B\"", "{}", "[]"}[random.nextInt(5)];
        return (element + ",").repeat(n - 1) + element;
    }

    private String truncate(String body) {
        return body.substring(0, random.nextInt(body.length()));
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x3000)));
        }
        return text.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private String badVenueJson() {
        return new String[]{"1", "null", "[]", "{}", "true", "\"\"", "\"nasdaq\"", "\"KALSHI \"", jsonString(hostileText()),
            "\"" + target.disabledVenue() + "\""}[random.nextInt(10)];
    }

    private byte[] withInvalidUtf8(String body) {
        // Bad UTF-8 in the venue, so the body stays refused whatever the decoder makes of the bytes.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"venue\":\"".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[]{(byte) 0xff, (byte) 0xc0, (byte) 0xaf, (byte) 0xed, (byte) 0xa0, (byte) 0x80});
        out.writeBytes(("\",\"symbols\":[" + jsonString(mutatedSymbol()) + "],\"x\":" + jsonString(body) + "}")
                .getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Percent-encodes every byte of the UTF-8 text but unreserved characters: one path segment or query value. */
    static String segment(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return encoded.toString();
    }

    static String jsonString(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
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
        String shown = text.length() > 300 ? text.substring(0, 300) + "...(" + text.length() + " chars)" : text;
        StringBuilder visible = new StringBuilder();
        for (char c : shown.toCharArray()) {
            visible.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return visible.toString();
    }

    static List<String> lines(List<?> items) {
        List<String> lines = new ArrayList<>();
        items.forEach(i -> lines.add(String.valueOf(i)));
        return lines;
    }
}
