package io.marketmesh.node.venue.kraken;

import io.marketmesh.node.venue.SessionOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests one socket sends, written the way Kraken's v2 docs give them, each with its own {@code req_id}
 * (counted from 1 per socket) so that an answer, and above all a refusal, can be told apart: the venue answers a
 * subscription once per symbol, echoing the {@code req_id}.
 */
final class KrakenRequests {

    /** Requests remembered for their answers; older ones are forgotten (their answers are then described less well). */
    private static final int REMEMBERED = 512;

    private long nextId = 1;
    private final Map<Long, String> described = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** Book levels, with a snapshot first: the one way Kraken documents to get a fresh book. */
    void subscribeBook(List<String> symbols, int depth, SessionOutput out) {
        send(out, "subscribe", "book", symbols, ",\"depth\":" + depth + ",\"snapshot\":true");
    }

    void unsubscribeBook(List<String> symbols, int depth, SessionOutput out) {
        send(out, "unsubscribe", "book", symbols, ",\"depth\":" + depth);
    }

    /** Trades as they happen; no snapshot of the last 50, which would replay old trades on every reconnect. */
    void subscribeTrades(List<String> symbols, SessionOutput out) {
        send(out, "subscribe", "trade", symbols, ",\"snapshot\":false");
    }

    /** The venue's summary, published on each trade (the channel's default trigger), current values first. */
    void subscribeTicker(List<String> symbols, SessionOutput out) {
        send(out, "subscribe", "ticker", symbols, ",\"snapshot\":true");
    }

    void unsubscribe(String channel, List<String> symbols, SessionOutput out) {
        send(out, "unsubscribe", channel, symbols, "");
    }

    /** Every pair's precisions (and an update when one changes): what the book checksum is written with. */
    void subscribeInstruments(SessionOutput out) {
        long id = nextId++;
        described.put(id, "subscribe instrument");
        out.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"instrument\",\"snapshot\":true},\"req_id\":" + id
                + "}");
    }

    /** The application-level ping; the venue answers {@code pong} with the same {@code req_id}. */
    void ping(SessionOutput out) {
        out.send("{\"method\":\"ping\",\"req_id\":" + nextId++ + "}");
    }

    /** What the request with this {@code req_id} asked for, or null when it is not (or no longer) known. */
    String describe(long reqId) {
        return described.get(reqId);
    }

    private void send(SessionOutput out, String method, String channel, List<String> symbols, String extra) {
        long id = nextId++;
        StringBuilder frame = new StringBuilder(64 + symbols.size() * 16);
        frame.append("{\"method\":\"").append(method).append("\",\"params\":{\"channel\":\"").append(channel)
                .append("\",\"symbol\":[");
        for (int i = 0; i < symbols.size(); i++) {
            if (i > 0) {
                frame.append(',');
            }
            quote(frame, symbols.get(i));
        }
        frame.append(']').append(extra).append("},\"req_id\":").append(id).append('}');
        described.put(id, method + " " + channel + " " + (symbols.size() <= 5 ? String.join(", ", symbols)
                : symbols.subList(0, 5) + " and " + (symbols.size() - 5) + " more"));
        out.send(frame.toString());
    }

    /** A JSON string: symbols come from the configuration, so anything a string may hold is escaped. */
    static void quote(StringBuilder into, String s) {
        into.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> into.append("\\\"");
                case '\\' -> into.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        into.append(String.format("\\u%04x", (int) c));
                    } else {
                        into.append(c);
                    }
                }
            }
        }
        into.append('"');
    }
}
