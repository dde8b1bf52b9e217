package io.marketmesh.node.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Hostile HTTP requests for {@link HttpApiFuzzTest}, made from a seed: mutated paths, parameters and bodies for every
 * route and every method on every path (sent with {@code java.net.http}; broken HTTP for raw sockets is
 * {@link HostileRawHttp}'s). No
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

    String venue() {
        return target.enabledVenues().get(random.nextInt(target.enabledVenues().size()));
    }

    String realSymbol() {
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

    byte[] randomBytes(int length) {
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
