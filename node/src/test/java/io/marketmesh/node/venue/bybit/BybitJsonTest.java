package io.marketmesh.node.venue.bybit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.node.testkit.Fixtures;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written JSON cursor the Bybit frames are read with must accept exactly what a JSON parser accepts (one
 * object, nothing after it) and refuse the rest loudly: checked against Jackson on every captured frame, on every
 * truncation of one, and on thousands of randomly damaged ones.
 */
class BybitJsonTest {

    private static final JsonFactory JACKSON = new JsonFactory();
    private static final String RECV_ONLY = "cryptofeed_v3__BYBIT_ws_frames_recv_only.jsonl";

    /** Jackson's verdict: one JSON object and nothing after it. */
    private static boolean jacksonAccepts(String text) {
        try (JsonParser p = JACKSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The cursor's verdict on the structure alone: one value skipped, it must be an object, nothing after it. */
    private static boolean cursorAccepts(String text) {
        BybitJson json = new BybitJson();
        json.reset(text);
        try {
            if (json.peek() != '{') {
                return false;
            }
            json.skip();
            json.end();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** How a frame read ends: accepted, refused as JSON, or refused for a value (a number it cannot use). */
    private enum Outcome { READ, NOT_JSON, BAD_VALUE }

    private static Outcome read(BybitFrame frame, String text) {
        try {
            frame.read(text);
            return Outcome.READ;
        } catch (IOException e) {
            return Outcome.NOT_JSON;
        } catch (RuntimeException e) {
            return Outcome.BAD_VALUE;
        }
    }

    @Test
    void everyCapturedFrameIsReadAndEveryTruncationOfOneIsRefused() throws IOException {
        BybitFrame frame = new BybitFrame();
        List<String> frames = Fixtures.lines("bybit", RECV_ONLY);
        for (String text : frames) {
            frame.read(text); // throws on any captured frame it cannot read
        }
        String delta = frames.stream().filter(f -> f.contains("\"type\":\"delta\"") && f.contains("orderbook"))
                .findFirst().orElseThrow();
        for (int cut = 0; cut < delta.length(); cut++) {
            String truncated = delta.substring(0, cut);
            assertThrows(IOException.class, () -> frame.read(truncated), () -> "accepted: " + truncated);
        }
    }

    @Test
    void randomlyDamagedFramesGetJacksonsVerdict() {
        BybitFrame frame = new BybitFrame();
        List<String> frames = Fixtures.lines("bybit", RECV_ONLY);
        Random random = new Random(9);
        String alphabet = "{}[]\",:0123456789.-+eE \\u/tfnrlsab\u0001x";
        int checked = 0;
        int refused = 0;
        for (int n = 0; n < 20_000; n++) {
            String text = frames.get(random.nextInt(frames.size()));
            if (text.length() > 2000) {
                continue;
            }
            StringBuilder damaged = new StringBuilder(text);
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                int at = random.nextInt(damaged.length());
                switch (random.nextInt(3)) {
                    case 0 -> damaged.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> damaged.deleteCharAt(at);
                    default -> damaged.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String candidate = damaged.toString();
            boolean jackson = jacksonAccepts(candidate);
            assertEquals(jackson, cursorAccepts(candidate), candidate);
            Outcome outcome = read(frame, candidate);
            if (jackson) {
                assertTrue(outcome != Outcome.NOT_JSON, "valid JSON refused as JSON: " + candidate);
            } else {
                assertTrue(outcome != Outcome.READ, "invalid JSON read: " + candidate);
            }
            checked++;
            refused += jackson ? 0 : 1;
        }
        assertTrue(checked > 15_000 && refused > 5_000, checked + " checked, " + refused + " refused");
    }

    @Test
    void textIsDecodedWhereItIsKeptAndOddJsonIsRefused() throws IOException {
        BybitFrame frame = new BybitFrame();
        frame.read(" {\n \"success\" : false , \"ret_msg\":\"bad \\\"topic\\\" \\u00e9\\n\",\"op\":\"subscribe\",\"x\":[1.5e-3,-0,"
                + "{\"y\":null},true]}\t");
        assertEquals("bad \"topic\" \u00e9\n", frame.retMsg);
        assertEquals(0, frame.success);
        assertEquals(BybitFrame.Op.SUBSCRIBE, frame.op);

        for (String bad : List.of("", "[]", "{}x", "{\"a\":1,}", "{'a':1}", "{a:1}", "{\"a\":01}", "{\"a\":1.}",
                "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\u0001\"}", "{\"a\" 1}",
                "{\"a\":[1 2]}", "{\"a\":\"\\u12\"}")) {
            assertThrows(IOException.class, () -> frame.read(bad), () -> "accepted: " + bad);
        }
        // Valid JSON with values Bybit never sends there: refused as values, not as JSON.
        for (String odd : List.of("{\"ts\":1.5}", "{\"ts\":99999999999999999999}", "{\"ts\":true}",
                "{\"data\":{\"b\":5}}", "{\"data\":{\"b\":[[\"1\"]]}}", "{\"data\":{\"b\":[[\"1\",true]]}}",
                "{\"data\":{\"a\":[[\"1\",\"2\",\"3\"]]}}", "{\"topic\":7}")) {
            assertThrows(IllegalArgumentException.class, () -> frame.read(odd), () -> "accepted: " + odd);
        }
        // A level's numbers as bare JSON numbers (a server that does not quote them) are read from their text, exactly.
        frame.read("{\"data\":{\"b\":[[\"1\",2.50]]}}");
        String deep = "{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        assertThrows(IOException.class, () -> frame.read(deep), "a frame nested to exhaust the stack is refused");
    }
}
