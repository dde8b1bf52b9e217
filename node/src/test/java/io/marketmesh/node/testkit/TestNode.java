package io.marketmesh.node.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.NodeGuardian;
import io.marketmesh.node.config.NodeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;

/** A real node (cluster provider, sharding, HTTP on a free loopback port) for integration tests. */
public final class TestNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ActorSystem<Void> system;
    private final int httpPort;

    private TestNode(ActorSystem<Void> system, int httpPort) {
        this.system = system;
        this.httpPort = httpPort;
    }

    /** Starts a node; {@code settings} are config paths to values, on top of the node's defaults. */
    public static TestNode start(Map<String, Object> settings) {
        TestNode node = startWithoutWaiting(settings);
        node.awaitJson("/health/ready", r -> r.status() == 200, Duration.ofSeconds(20));
        return node;
    }

    /** Starts a node and returns at once, ready or not (its HTTP port may not be bound yet). */
    public static TestNode startWithoutWaiting(Map<String, Object> settings) {
        int httpPort = freePort();
        Map<String, Object> all = new HashMap<>();
        all.put("marketmesh.http.port", httpPort);
        all.put("pekko.remote.artery.canonical.port", 0);
        all.put("pekko.coordinated-shutdown.exit-jvm", "off");
        all.put("pekko.coordinated-shutdown.terminate-actor-system", "on");
        // Most tests need no Kafka; a test that does sets marketmesh.kafka.enabled and gives a free
        // marketmesh.kafka.embedded.port and a temporary data-dir (see kafkaSettings).
        all.put("marketmesh.kafka.enabled", false);
        // Nodes of one JVM cannot share the default directory; a test of durable state gives each its own (durable).
        all.put("marketmesh.cluster.durable.enabled", false);
        // A test follows only the venues it points somewhere: the defaults reach for the live venues, which a test
        // machine cannot (and must not) reach.
        for (io.marketmesh.protocol.Venue venue : io.marketmesh.protocol.Venue.values()) {
            String prefix = "marketmesh.venues." + venue.id() + ".";
            if (settings.keySet().stream().noneMatch(key -> key.startsWith(prefix))) {
                all.put(prefix + "enabled", false);
            }
        }
        all.putAll(settings);
        Config config = NodeConfig.load(ConfigFactory.parseMap(all));
        ActorSystem<Void> system = ActorSystem.create(NodeGuardian.create(), "marketmesh", config);
        return new TestNode(system, httpPort);
    }

    /** Settings for a node with its own embedded Kafka broker on free loopback ports, data in {@code dataDir}. */
    public static Map<String, Object> embeddedKafka(java.nio.file.Path dataDir) {
        return Map.of(
                "marketmesh.kafka.enabled", true,
                "marketmesh.kafka.bootstrap-servers", "",
                "marketmesh.kafka.embedded.port", freePort(),
                "marketmesh.kafka.embedded.controller-port", 0,
                "marketmesh.kafka.embedded.data-dir", dataDir.toString());
    }

    /**
     * Settings for a node that keeps its durable state (followed and removed markets, runtime instruments) in {@code
     * dir}: a node started again with the same directory finds them there.
     */
    public static Map<String, Object> durable(java.nio.file.Path dir) {
        return Map.of("marketmesh.cluster.durable.enabled", true, "marketmesh.cluster.durable.dir", dir.toString());
    }

    /** A plain local actor system, e.g. for the simulated venues or a test client beside a node. */
    public static ActorSystem<Void> localSystem(String name) {
        return ActorSystem.create(org.apache.pekko.actor.typed.javadsl.Behaviors.empty(), name,
                ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public int httpPort() {
        return httpPort;
    }

    public record Reply(int status, JsonNode body) {
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    /** Polls a GET until the condition holds; fails with the last reply when time runs out. */
    public Reply awaitJson(String path, Predicate<Reply> condition, Duration timeout) {
        return awaitJson(httpPort, path, condition, timeout);
    }

    /** As {@link #awaitJson(String, Predicate, Duration)}, on another port (pekko-management, say), bound or not yet. */
    public static Reply awaitJson(int port, String path, Predicate<Reply> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Reply last = null;
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get(port, path);
                if (condition.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            sleep(200);
        }
        throw new AssertionError("condition on " + path + " (port " + port + ") not met within " + timeout + "; last reply: "
                + (last == null ? lastError : last.status() + " " + last.body()));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    /** GET on another port of this machine (pekko-management, say). */
    public static Reply get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    private static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? null : parse(response.body());
            return new Reply(response.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** JSON, or the text as a JSON string when it is not JSON (pekko-management answers "OK"). */
    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
    public static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            sleep(50);
        }
    }

    /** Between polls only: a test waits for a signal ({@link #await}, {@link #awaitJson}), never for time to pass. */
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the node as a crash looks to the others: no leave, no shard hand-off. For a node started with
     * {@code pekko.coordinated-shutdown.run-by-actor-system-terminate = off}, terminating the actor system skips the
     * coordinated shutdown (which would leave the cluster gracefully); the others find the node unreachable and the
     * split brain resolver downs it.
     */
    public void crash() {
        if (system.settings().config().getBoolean("pekko.coordinated-shutdown.run-by-actor-system-terminate")) {
            throw new IllegalStateException("start the node with run-by-actor-system-terminate = off to crash it");
        }
        close();
    }

    /** Closes every node, including ones that stopped already (crashed, or refused by the cluster). */
    public static void closeAll(java.util.List<TestNode> nodes) {
        for (TestNode node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                // stopped already
            }
        }
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("node did not stop", e);
        }
    }
}
