package io.marketmesh.node.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hostile WebSocket input for {@link StreamFuzzTest}, made from a seed. A {@link Frames} is what the client sends for
 * one step: one message (text or binary, maybe fragmented, maybe huge) that the node must answer on the same socket,
 * or a breach of the WebSocket protocol itself (unmasked, reserved bits, unknown opcode, bad UTF-8, bad control or
 * close frame) after which the node may close the socket with a protocol close code.
 */
final class HostileFrames {

    /** One frame: first byte (FIN, reserved bits, opcode), masked or not, payload. */
    record Frame(int first, boolean masked, byte[] payload) {
    }

    /**
     * @param what        the step, for a failure message and the summary
     * @param kind        its kind, for the summary
     * @param frames      sent in order
     * @param breach      a protocol breach: a close (or the connection ending) is an acceptable answer
     * @param needsAnswer the node's answer to look for is a message ({@code error}, {@code pong}, ...): false for
     *                    control frames, which the test follows with a ping of its own
     */
    record Frames(String what, String kind, List<Frame> frames, boolean breach, boolean needsAnswer) {
    }

    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int FIN = 0x80;

    private final Random random;
    private final List<String> followed;
    private final int maxMessageChars;

    /** @param followed channels' {@code venue:symbol} of followed markets, to mutate */
    HostileFrames(Random random, List<String> followed, int maxMessageChars) {
        this.random = random;
        this.followed = followed;
        this.maxMessageChars = maxMessageChars;
    }

    Frames next() {
        int pick = random.nextInt(100);
        if (pick < 55) {
            String text = hostileMessage();
            return message("text", text, text.getBytes(StandardCharsets.UTF_8), TEXT);
        }
        if (pick < 63) {
            byte[] bytes = random.nextBoolean() ? randomBytes(1 + random.nextInt(2000))
                    : "{\"op\":\"ping\",\"id\":1}".getBytes(StandardCharsets.UTF_8);
            return message("binary", "binary message of " + bytes.length + " bytes", bytes, BINARY);
        }
        if (pick < 68) {
            int size = maxMessageChars + 1 + random.nextInt(4 * maxMessageChars);
            String text = "{\"op\":\"subscribe\",\"channels\":[\"" + "x".repeat(size) + "\"]}";
            return message("oversized", "text message of " + text.length() + " chars", text.getBytes(StandardCharsets.UTF_8), TEXT);
        }
        if (pick < 80) {
            String text = hostileMessage();
            return fragmented(text.getBytes(StandardCharsets.UTF_8), text);
        }
        if (pick < 86) {
            return control();
        }
        return breach();
    }

    private Frames message(String kind, String what, byte[] payload, int opcode) {
        return new Frames(kind + ": " + abbreviate(what), kind, List.of(new Frame(FIN | opcode, true, payload)), false, true);
    }

    /** One message in 2 to 6 frames, as RFC 6455 allows: the node must read it whole. */
    private Frames fragmented(byte[] payload, String text) {
        List<Frame> frames = new ArrayList<>();
        int parts = 2 + random.nextInt(5);
        int at = 0;
        for (int i = 0; i < parts; i++) {
            int end = i == parts - 1 ? payload.length : Math.min(payload.length, at + random.nextInt(payload.length / parts + 2));
            byte[] part = java.util.Arrays.copyOfRange(payload, at, end);
            frames.add(new Frame((i == parts - 1 ? FIN : 0) | (i == 0 ? TEXT : 0), true, part));
            at = end;
        }
        return new Frames("fragmented in " + parts + ": " + abbreviate(text), "fragmented", frames, false, true);
    }

    /** Pings and pongs with odd payloads: allowed, never answered with a message. */
    private Frames control() {
        int opcode = random.nextBoolean() ? 0x9 : 0xA;
        byte[] payload = randomBytes(random.nextInt(126));
        return new Frames((opcode == 9 ? "ping" : "pong") + " frame of " + payload.length + " bytes", "control",
                List.of(new Frame(FIN | opcode, true, payload)), false, false);
    }

    private Frames breach() {
        byte[] ping = "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
        return switch (random.nextInt(10)) {
            case 0 -> breach("unmasked text frame", new Frame(FIN | TEXT, false, ping));
            case 1 -> breach("reserved bits set", new Frame(FIN | (0x10 << random.nextInt(3)) | TEXT, true, ping));
            case 2 -> {
                int[] unknown = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF};
                yield breach("unknown opcode", new Frame(FIN | unknown[random.nextInt(unknown.length)], true, ping));
            }
            case 3 -> breach("continuation without a start", new Frame(FIN, true, ping));
            case 4 -> breach("control frame over 125 bytes", new Frame(FIN | 0x9, true, randomBytes(126 + random.nextInt(200))));
            case 5 -> breach("fragmented control frame", new Frame(0x9, true, randomBytes(4)));
            case 6 -> breach("invalid UTF-8 in a text frame", new Frame(FIN | TEXT, true, invalidUtf8()));
            case 7 -> breach("new message inside a fragmented one", new Frame(TEXT, true, ping), new Frame(FIN | TEXT, true, ping));
            case 8 -> {
                int[] codes = {0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535};
                int code = codes[random.nextInt(codes.length)];
                yield breach("close with code " + code, new Frame(FIN | 0x8, true, new byte[]{(byte) (code >> 8), (byte) code}));
            }
            default -> breach("close with a one-byte payload", new Frame(FIN | 0x8, true, new byte[]{3}));
        };
    }

    private static Frames breach(String what, Frame... frames) {
        return new Frames(what, "breach: " + what, List.of(frames), true, false);
    }

    /** Text the node must answer with one message: malformed JSON, wrong types, unknown ops, bad channels, ... */
    String hostileMessage() {
        return switch (random.nextInt(12)) {
            case 0 -> new String[]{"", " ", "{", "{not json", "nul", "[1,2]", "\"op\"", "1e999", "{\"op\":\"ping\"",
                "{'op':'ping'}", "{\"op\":\"ping\",}", "\u0000", "{\"op\":\"ping\"}{\"op\":\"ping\"}", "\uFEFF{\"op\":\"ping\"}"}
                [random.nextInt(14)];
            case 1 -> "{\"op\":" + new String[]{"1", "null", "[\"subscribe\"]", "{}", "true", "\"\"", "\"SUBSCRIBE\"", "\"fly\"",
                "\"ping \"", "\"sub\\u0000scribe\"", "\"\\u202eebircsbus\""}[random.nextInt(11)] + ",\"id\":1,\"channels\":[\"book:kalshi:*\"]}";
            case 2 -> "{\"op\":\"subscribe\",\"id\":" + id() + ",\"channels\":" + new String[]{"\"book:kalshi:*\"", "1", "{}",
                "null", "[]", "[1]", "[null]", "[[\"book:kalshi:*\"]]", "[{}]", "[true]"}[random.nextInt(10)] + "}";
            case 3 -> "{\"op\":\"subscribe\",\"id\":" + id() + ",\"channels\":[" + json(badChannel()) + "]}";
            case 4 -> "{\"op\":\"subscribe\",\"id\":" + id() + ",\"channels\":[\"book:kalshi:*\"],\"depth\":" + new String[]{"\"10\"",
                "-1", "0", "1e9", "1.5", "true", "99999999999999999999", "[]", "{}", "1001", "2147483648", "-2147483648"}
                [random.nextInt(12)] + "}";
            case 5 -> "{\"op\":\"subscribe\",\"id\":" + id() + ",\"channels\":[" + hugeChannelList() + "]}";
            case 6 -> "{\"op\":\"unsubscribe\",\"id\":" + id() + ",\"channels\":[" + json(random.nextBoolean() ? badChannel()
                : "book:" + followed.get(random.nextInt(followed.size()))) + "]}";
            case 7 -> "{\"op\":\"ping\",\"id\":" + "[".repeat(nesting()) + "]".repeat(closing) + "}";
            case 8 -> "{\"op\":\"subscribe\",\"id\":2,\"id\":" + id() + ",\"op\":\"fly\",\"channels\":[\"book:kalshi:*\"]}";
            case 9 -> randomText(1 + random.nextInt(200));
            case 10 -> "{\"op\":\"subscribe\",\"id\":" + id() + ",\"channels\":[\"book:kalshi:*\"," + json(badChannel()) + "]}";
            default -> truncate("{\"op\":\"subscribe\",\"id\":" + id() + ",\"channels\":[\"book:polymarket:*\"],\"depth\":5}");
        };
    }

    private int closing;

    private int nesting() {
        int depth = new int[]{10, 999, 1001, 20_000}[random.nextInt(4)];
        closing = random.nextBoolean() ? depth : random.nextInt(depth);
        return depth;
    }

    private String id() {
        return new String[]{"1", "\"a\"", "null", "{\"x\":[1,2,{}]}", "-0", "1e999", "99999999999999999999999999",
            json("\u0000\u001b[31m\r\nforged"), json("x".repeat(5000)), "true", "[]", json("🙂\u202e")}[random.nextInt(12)];
    }

    /** A channel the node must refuse: bad kind, venue or symbol, a market not followed, instrument unknown. */
    private String badChannel() {
        String market = followed.get(random.nextInt(followed.size()));
        return new String[]{"book:nasdaq:AAPL", "book:kalshi:", "book:kalshi: ", "book:kalshi:\t", "x", ":", "::", "book::X",
            "summary:", "summary:no-such-instrument", "book:kalshi:NOPE", "book:kalshi:" + "A".repeat(10_000),
            "book:kalshi:\u0000", "book:kalshi:日本", "quotes:kalshi:*", "book:" + market + "X", "book:" + market + "\u0000",
            "BOOK:" + market, "book:kalshi:..%2f..%2fetc", "book:kalshi:.*", "all:", "arbitrage:x", "book:kalshi:*:*",
            "trades:polymarket:" + "9".repeat(200)}[random.nextInt(24)];
    }

    private String hugeChannelList() {
        int n = new int[]{1001, 5000}[random.nextInt(2)];
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < n; i++) {
            list.append(i == 0 ? "" : ",").append(json("book:kalshi:M" + i));
        }
        return list.toString();
    }

    private String truncate(String text) {
        return text.substring(0, random.nextInt(text.length()));
    }

    private byte[] invalidUtf8() {
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xc3}, {(byte) 0xe2, (byte) 0x82}};
        byte[] head = "{\"op\":\"ping\",\"id\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] middle = bad[random.nextInt(bad.length)];
        byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(middle, 0, all, head.length, middle.length);
        System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
        return all;
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            char c = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD000));
            text.append(c);
        }
        return text.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static String json(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> json.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return json.append('"').toString();
    }

    static String abbreviate(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "...(" + text.length() + " chars)" : text;
        StringBuilder visible = new StringBuilder();
        for (char c : shown.toCharArray()) {
            visible.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return visible.toString();
    }
}
