package io.marketmesh.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.RawWebSocket;
import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What one client with a venue-wide subscription costs a node following many markets, and the other clients of that
 * node: the hub is one actor, so while it attaches a wildcard to every market, detaches it, or catches a client up,
 * every other client waits. Not run with the suite (the name does not end in Test):
 * {@code mvn -pl node -am test -Dtest=WideSubscriptionProbe -Dprobe.markets=20000 -Dsurefire.failIfNoSpecifiedTests=false}.
 * Prints the time of each step and the longest ping round trip of a bystander client during it.
 */
class WideSubscriptionProbe {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void wildcardOverManyMarkets() throws Exception {
        int markets = Integer.getInteger("probe.markets", 20_000);
        List<String> tokens = tokens(markets);
        Map<String, Object> settings = new HashMap<>();
        settings.put("marketmesh.venues.kalshi.enabled", false);
        // Nobody listens there: every market is followed, none is fed; each book is the actor's empty, stale one.
        settings.put("marketmesh.venues.polymarket.ws-url", "ws://127.0.0.1:" + TestNode.freePort() + "/ws/market");
        settings.put("marketmesh.venues.polymarket.markets", tokens);
        settings.put("marketmesh.connection.min-backoff", "30s");
        settings.put("marketmesh.connection.max-backoff", "60s");
        settings.put("marketmesh.stream.slow-client-close-after", "0s");
        try (TestNode node = TestNode.start(settings)) {
            node.awaitJson("/api/v1/venues", r -> followed(r.body()) == markets, Duration.ofSeconds(120));
            Bystander bystander = new Bystander(StreamClient.connect(node.httpPort()));
            bystander.start();

            StreamClient first = StreamClient.connect(node.httpPort());
            step("first wildcard subscriber, markets' actors started on the way", bystander,
                    () -> subscribeAndAwaitBooks(first, markets));
            StreamClient second = StreamClient.connect(node.httpPort());
            step("second wildcard subscriber, every market synced", bystander,
                    () -> subscribeAndAwaitBooks(second, markets));
            step("second unsubscribes", bystander, () -> {
                int before = second.count();
                second.unsubscribe("u", "book:polymarket:*");
                second.await(before, m -> m.path("type").asText().equals("unsubscribed"), Duration.ofMinutes(10),
                        "unsubscribed");
            });

            RawWebSocket stalled = RawWebSocket.connect(node.httpPort(), "/api/v1/stream", 4096);
            stalled.sendText("{\"op\":\"subscribe\",\"id\":1,\"channels\":[\"book:polymarket:*\"]}");
            // It falls behind (its socket full, its buffer past the conflation mark) before it reads again.
            node.awaitJson("/api/v1/stream/clients", r -> {
                for (JsonNode c : r.body().path("clients")) {
                    if (c.path("behind").asBoolean()) {
                        return true;
                    }
                }
                return false;
            }, Duration.ofMinutes(2));
            step("a client that subscribed while not reading catches up (conflated books as snapshots)", bystander,
                    () -> {
                        Set<String> books = new HashSet<>();
                        while (books.size() < markets) {
                            RawWebSocket.Frame frame = stalled.read();
                            try {
                                JsonNode m = JSON.readTree(frame.text());
                                if (m.path("payload").path("type").asText().equals("book_snapshot")) {
                                    books.add(m.path("market").asText());
                                }
                            } catch (java.io.IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    });
            bystander.stop();
            stalled.close();
            first.close();
            second.close();
        }
    }

    private static void subscribeAndAwaitBooks(StreamClient client, int markets) {
        client.subscribe("w", null, "book:polymarket:*");
        Set<String> books = ConcurrentHashMap.newKeySet();
        int[] scanned = {0};
        TestNode.await(() -> {
            List<JsonNode> all = client.messages();
            for (; scanned[0] < all.size(); scanned[0]++) {
                JsonNode m = all.get(scanned[0]);
                if (m.path("payload").path("type").asText().equals("book_snapshot")) {
                    books.add(m.path("market").asText());
                }
            }
            return books.size() == markets;
        }, Duration.ofMinutes(10), "a snapshot of every market");
    }

    private static void step(String what, Bystander bystander, ThrowingRunnable step) throws Exception {
        bystander.worst.set(0);
        long start = System.nanoTime();
        step.run();
        long took = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("PROBE %-90s %7d ms; bystander's longest ping round trip %6d ms%n", what, took,
                bystander.worst.get() / 1_000_000);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A client that pings every 10 ms and keeps its longest round trip. */
    private static final class Bystander {
        final StreamClient client;
        final AtomicLong worst = new AtomicLong();
        volatile boolean running = true;
        Thread thread;

        Bystander(StreamClient client) {
            this.client = client;
        }

        void start() {
            thread = new Thread(() -> {
                int n = 0;
                while (running) {
                    int before = client.count();
                    long sent = System.nanoTime();
                    int id = ++n;
                    client.ping(id);
                    client.await(before, m -> m.path("type").asText().equals("pong") && m.path("id").asInt() == id,
                            Duration.ofMinutes(10), "pong");
                    worst.accumulateAndGet(System.nanoTime() - sent, Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bystander");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
        }
    }

    private static long followed(JsonNode venues) {
        for (JsonNode v : venues.path("venues")) {
            if (v.path("venue").asText().equals("polymarket")) {
                return v.path("followed").asLong();
            }
        }
        return -1;
    }

    private static List<String> tokens(int count) {
        Random random = new Random(11);
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder(77).append((char) ('1' + random.nextInt(9)));
            while (sb.length() < 77) {
                sb.append((char) ('0' + random.nextInt(10)));
            }
            tokens.add(sb.toString());
        }
        return tokens;
    }
}
