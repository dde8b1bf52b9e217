package io.marketmesh.node.venue.cryptocom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Shared helpers of the Crypto.com tests. */
final class CryptocomTestSupport {

    static final String VENUE = "cryptocom";
    static final long NOW = 1_790_114_272_304L;
    static final long RECEIVED = 1_800_000_000_000L;
    static final ObjectMapper JSON = new ObjectMapper();

    private CryptocomTestSupport() {
    }

    /** A session whose requests go out at once (no connect wait), depth 50, 100 ms deltas, 10 markets a frame. */
    static CryptocomSession session() {
        return session(new CryptocomSettings(50, 100, Duration.ZERO, 10), new TradeHistory());
    }

    static CryptocomSession session(CryptocomSettings settings, TradeHistory history) {
        return new CryptocomSession(settings, Duration.ofSeconds(30), history, () -> NOW);
    }

    static long d(String decimal) {
        return Decimals.parse(decimal);
    }

    static PriceLevel level(String price, String size) {
        return new PriceLevel(d(price), d(size));
    }

    static LevelUpdate update(Side side, String price, String size) {
        return new LevelUpdate(side, d(price), d(size));
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fires the timer the session asked for, as the connection would when it is due. */
    static void fire(CryptocomSession session, String tag, RecordingOutput out) {
        if (out.timers.remove(tag) == null) {
            throw new AssertionError("no pending timer '" + tag + "' (pending: " + out.timers.keySet() + ")");
        }
        session.onTimer(tag, out);
    }

    /**
     * A book snapshot written by a test (NOT in any capture): the captures hold no snapshot adjacent to their
     * deltas, so a test that shows a captured delta chaining starts the chain with one of these.
     */
    static String snapshot(String symbol, int depth, long u, String bids, String asks) {
        return "{\"id\":-1,\"method\":\"subscribe\",\"code\":0,\"result\":{\"instrument_name\":\"" + symbol
                + "\",\"subscription\":\"book." + symbol + "." + depth + "\",\"channel\":\"book\",\"depth\":" + depth
                + ",\"data\":[{\"asks\":[" + asks + "],\"bids\":[" + bids + "],\"t\":1790114273395,\"tt\":1790114273346,"
                + "\"u\":" + u + ",\"cs\":0}]}}";
    }

    /** A book delta written by a test (not in any capture). */
    static String delta(String symbol, int depth, long pu, long u, String bids, String asks) {
        return "{\"id\":-1,\"method\":\"subscribe\",\"code\":0,\"result\":{\"instrument_name\":\"" + symbol
                + "\",\"subscription\":\"book." + symbol + "." + depth + "\",\"channel\":\"book.update\",\"depth\":"
                + depth + ",\"data\":[{\"update\":{\"asks\":[" + asks + "],\"bids\":[" + bids + "]},"
                + "\"t\":1790114273659,\"tt\":1790114273655,\"u\":" + u + ",\"pu\":" + pu + ",\"cs\":0}]}}";
    }
}
