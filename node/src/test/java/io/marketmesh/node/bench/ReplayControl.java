package io.marketmesh.node.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replay server as the benchmark drives it: started as a {@link ChildJvm}, told a rate, asked for its counters.
 * Every question has a timeout; a late answer is an empty result ("generator overloaded"), never an exception.
 */
final class ReplayControl implements AutoCloseable {

    /** The replay server's counters at one instant ({@link #stats()}). */
    record Stats(long changes, long frames, long snapshots, long followed, long books, long accepted, long skipped,
                 long blockedNanos, long cpuNanos) {
    }

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);

    private final ChildJvm process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_TIMEOUT).build();
    private final String control;
    private final String wsBase;

    private ReplayControl(ChildJvm process, int port, int controlPort) {
        this.process = process;
        this.control = "http://127.0.0.1:" + controlPort;
        this.wsBase = "ws://127.0.0.1:" + port;
    }

    static ReplayControl start(Path dir, int polymarketMarkets, int kalshiMarkets, long seed) throws Exception {
        int port = io.marketmesh.node.testkit.TestNode.freePort();
        int controlPort = io.marketmesh.node.testkit.TestNode.freePort();
        ChildJvm jvm = ChildJvm.start("replay-server", dir, List.of("-Xmx768m", "-XX:+UseParallelGC"),
                ReplayServer.class.getName(), List.of("port=" + port, "controlPort=" + controlPort,
                        "polymarketMarkets=" + polymarketMarkets, "kalshiMarkets=" + kalshiMarkets, "seed=" + seed));
        try {
            jvm.awaitLog("replay server ready", Duration.ofSeconds(120));
        } catch (Exception e) {
            jvm.close();
            throw e;
        }
        return new ReplayControl(jvm, port, controlPort);
    }

    String polymarketWsUrl() {
        return wsBase + "/polymarket/ws/market";
    }

    String kalshiWsUrl() {
        return wsBase + "/kalshi/trade-api/ws/v2";
    }

    /** A REST base nothing answers usefully: the node is given its markets and never discovers. */
    String restUrl() {
        return control + "/no-rest";
    }

    List<String> markets(String venue) {
        String body = get("/markets?venue=" + venue).orElseThrow(() -> new IllegalStateException("replay server silent"));
        return body.isBlank() ? List.of() : List.of(body.strip().split(","));
    }

    /** Sets the total rate (book changes/s, half per venue); false when the server did not answer in time. */
    boolean setRate(double changesPerSecond) {
        return get("/rate?changes=" + (long) changesPerSecond).isPresent();
    }

    /** The counters, or empty when the server did not answer in time. */
    Optional<Stats> stats() {
        return get("/stats").map(body -> {
            Map<String, Long> values = new HashMap<>();
            for (String line : body.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).strip()));
                }
            }
            return new Stats(values.getOrDefault("changes", 0L), values.getOrDefault("frames", 0L),
                    values.getOrDefault("snapshots", 0L), values.getOrDefault("followed", 0L),
                    values.getOrDefault("books", 0L), values.getOrDefault("accepted", 0L),
                    values.getOrDefault("skipped", 0L), values.getOrDefault("blocked_ns", 0L), process.cpuNanos());
        });
    }

    ChildJvm process() {
        return process;
    }

    private Optional<String> get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(control + path))
                    .timeout(ANSWER_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
