package io.marketmesh.node.venue.binance;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.marketmesh.node.venue.SessionOutput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests one socket sends ({@code SUBSCRIBE}, {@code UNSUBSCRIBE}, {@code LIST_SUBSCRIPTIONS} as keep-alive),
 * numbered from 1, and the ones not answered yet, so an answer or an error can be matched to what it answers.
 * Subscriptions go {@code subscribe-batch-size} markets (three streams each) to a message; the socket paces them.
 */
final class BinanceRequests {

    enum Method {
        SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS
    }

    private record Pending(Method method, List<String> symbols) {
        String describe() {
            return method + (symbols.isEmpty() ? "" : " of " + (symbols.size() <= 5 ? String.join(", ", symbols)
                    : String.join(", ", symbols.subList(0, 5)) + " and " + (symbols.size() - 5) + " more"));
        }
    }

    /** Answers not yet come; a venue that never answers must not grow it without end. */
    private static final int MAX_PENDING = 10_000;

    private final int batchSize;
    private final BinanceOptions options;
    private final Map<Long, Pending> pending = new HashMap<>();
    private long nextId = 1;

    BinanceRequests(int batchSize, BinanceOptions options) {
        this.batchSize = batchSize;
        this.options = options;
    }

    void subscribe(List<String> wireSymbols, SessionOutput out) {
        send(Method.SUBSCRIBE, wireSymbols, out);
    }

    void unsubscribe(List<String> wireSymbols, SessionOutput out) {
        send(Method.UNSUBSCRIBE, wireSymbols, out);
    }

    void heartbeat(SessionOutput out) {
        long id = remember(Method.LIST_SUBSCRIPTIONS, List.of());
        out.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":" + id + "}");
    }

    private void send(Method method, List<String> wireSymbols, SessionOutput out) {
        for (int from = 0; from < wireSymbols.size(); from += batchSize) {
            List<String> batch = List.copyOf(wireSymbols.subList(from, Math.min(wireSymbols.size(), from + batchSize)));
            long id = remember(method, batch);
            out.send(frame(method, batch, id));
        }
    }

    /** {@code {"method":"SUBSCRIBE","params":["btcusdt@depth@100ms","btcusdt@trade","btcusdt@bookTicker"],"id":1}} */
    String frame(Method method, List<String> wireSymbols, long id) {
        StringBuilder sb = new StringBuilder(64 + wireSymbols.size() * 80);
        sb.append("{\"method\":\"").append(method).append("\",\"params\":[");
        boolean first = true;
        for (String symbol : wireSymbols) {
            for (String stream : options.streams(symbol)) {
                sb.append(first ? "\"" : ",\"");
                JsonStringEncoder.getInstance().quoteAsString(stream, sb);
                sb.append('"');
                first = false;
            }
        }
        return sb.append("],\"id\":").append(id).append('}').toString();
    }

    private long remember(Method method, List<String> symbols) {
        long id = nextId++;
        if (pending.size() >= MAX_PENDING) {
            pending.clear();
        }
        pending.put(id, new Pending(method, symbols));
        return id;
    }

    /** {@code {"result":...,"id":n}}: a confirmed subscription starts its markets' quiet timers. */
    void onResponse(long id, Map<String, BookSync> books, SessionOutput out) {
        Pending request = pending.remove(id);
        if (request != null && request.method == Method.SUBSCRIBE) {
            for (String symbol : request.symbols) {
                BookSync book = books.get(symbol);
                if (book != null) {
                    book.onSubscribed(out);
                }
            }
        }
    }

    /**
     * A refused request. The keep-alive's refusal proves the socket alive as well as its answer would; a refused
     * subscription leaves its markets without a stream, so they must not be snapshotted as if quiet.
     */
    void onError(long id, long code, String message, Map<String, BookSync> books, SessionOutput out) {
        Pending request = id == BinanceFrame.ABSENT ? null : pending.remove(id);
        if (request != null && request.method == Method.LIST_SUBSCRIPTIONS) {
            return;
        }
        if (request != null && request.method == Method.SUBSCRIBE) {
            for (String symbol : request.symbols) {
                BookSync book = books.get(symbol);
                if (book != null) {
                    book.onRefused();
                }
            }
        }
        String what = request != null ? request.describe() : id == BinanceFrame.ABSENT ? "a request" : "request " + id;
        out.venueError("Binance refused " + what + ": code " + (code == BinanceFrame.ABSENT ? "?" : code) + ", "
                + (message == null ? "no message" : message));
    }

    /** Requests sent on this socket so far. */
    long sent() {
        return nextId - 1;
    }

    int pending() {
        return pending.size();
    }
}
