package io.marketmesh.node.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A stream client as a user would write one: connects to {@code /api/v1/stream} with {@code java.net.http}, keeps
 * every message, and rebuilds the book of each (subscription, market) from its {@code book_snapshot}s and
 * {@code book_delta}s. It checks what the protocol promises as messages arrive: {@code seq} per subscription starts
 * at 1 and never skips, and a subscription's first book message for a market is a snapshot; a broken promise is kept
 * in {@link #violations()}. {@link #stall()} stops reading (the socket's flow control then backs up to the node).
 */
public final class StreamClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final HeldBooks held = new HeldBooks();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private final CompletableFuture<String> closeReason = new CompletableFuture<>();
    private volatile boolean stalled;
    private StringBuilder partial = new StringBuilder();

    private StreamClient(URI uri, HttpClient http) {
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).join();
    }

    public static StreamClient connect(int httpPort) {
        return new StreamClient(URI.create("ws://127.0.0.1:" + httpPort + "/api/v1/stream"), HTTP);
    }

    /** Connects to {@code uri} ({@code wss://...} with a client that trusts the node's certificate, say). */
    public static StreamClient connect(URI uri, HttpClient http) {
        return new StreamClient(uri, http);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public void subscribe(Object id, Integer depth, String... channels) {
        StringBuilder json = new StringBuilder("{\"op\":\"subscribe\",\"id\":").append(JSON.valueToTree(id).toString())
                .append(",\"channels\":").append(JSON.valueToTree(List.of(channels)).toString());
        if (depth != null) {
            json.append(",\"depth\":").append(depth);
        }
        send(json.append('}').toString());
    }

    public void unsubscribe(Object id, String... channels) {
        send("{\"op\":\"unsubscribe\",\"id\":" + JSON.valueToTree(id) + ",\"channels\":"
                + JSON.valueToTree(List.of(channels)) + "}");
    }

    public void ping(Object id) {
        send("{\"op\":\"ping\",\"id\":" + JSON.valueToTree(id) + "}");
    }

    /** Stops asking for messages: nothing more is read until {@link #resume()}. */
    public void stall() {
        stalled = true;
    }

    public void resume() {
        stalled = false;
        socket.request(1);
    }

    public List<JsonNode> messages() {
        return messages;
    }

    public List<String> violations() {
        return held.violations();
    }

    /** The first message at or after {@code from} that matches, waiting for it. */
    public JsonNode await(int from, Predicate<JsonNode> match, Duration timeout, String what) {
        JsonNode[] found = new JsonNode[1];
        TestNode.await(() -> {
            for (int i = from; i < messages.size(); i++) {
                if (match.test(messages.get(i))) {
                    found[0] = messages.get(i);
                    return true;
                }
            }
            return false;
        }, timeout, what);
        return found[0];
    }

    public int count() {
        return messages.size();
    }

    /** The book this client holds for the market under that subscription, or null. */
    public HeldBooks.HeldBook book(String subscription, String market) {
        return held.book(subscription, market);
    }

    /** The close code and reason the node sent, once closed. */
    public CompletableFuture<int[]> closed() {
        return closed;
    }

    public CompletableFuture<String> closeReason() {
        return closeReason;
    }

    /**
     * Waits until the node reports its stream client {@code id} behind and really stuck: nothing more reaches that
     * client's socket while {@code healthy} gets hundreds of messages (a client behind only for a burst catches up at
     * once).
     */
    public static void awaitStuck(TestNode node, long id, StreamClient healthy) {
        long[] last = {-1, -1};
        TestNode.await(() -> {
            JsonNode c = null;
            for (JsonNode x : node.get("/api/v1/stream/clients").body().path("clients")) {
                if (x.path("id").asLong() == id) {
                    c = x;
                }
            }
            if (c == null || !c.path("behind").asBoolean()) {
                last[0] = -1;
                return false;
            }
            long sent = c.path("messagesSent").asLong();
            if (last[0] == sent && healthy.count() > last[1] + 300) {
                return true;
            }
            if (last[0] != sent) {
                last[0] = sent;
                last[1] = healthy.count();
            }
            return false;
        }, Duration.ofSeconds(90), "stream client " + id + " is behind and gets nothing more");
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private void onMessage(JsonNode message) {
        held.onMessage(message);
        messages.add(message);
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial = new StringBuilder();
                try {
                    onMessage(JSON.readTree(text));
                } catch (Exception e) {
                    held.violations().add("not JSON: " + text);
                }
            }
            if (!stalled) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason.complete(reason);
            closed.complete(new int[]{statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeReason.complete("error: " + error);
            closed.complete(new int[]{-1});
        }
    }
}
