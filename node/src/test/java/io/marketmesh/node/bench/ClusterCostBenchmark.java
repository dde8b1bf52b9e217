package io.marketmesh.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.simulator.BookCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a book change costs in CPU at an everyday rate, on one node and on a cluster (not a test). The venue
 * simulator and every node run in JVMs of their own ({@code java -cp <this classpath> io.marketmesh.node.Main}), so
 * each one's CPU time is read from the operating system. Kafka is off. For each cluster size (default 1, then 3):
 *
 * <ol>
 *   <li>node 1 starts and forms the cluster; the others start together once it is ready, and the cluster's spread
 *   of shards, markets and connection workers is printed every 2 s for {@code cost.spread} seconds, with the time
 *   after which every member ran its share of the workers and of the shards (give or take one), and held only
 *   markets whose worker it runs;</li>
 *   <li>{@link BookCheck}: every node serves every market's true book, none stale (the venues paused meanwhile);</li>
 *   <li>{@code cost.warmup} seconds of feed, then a window of {@code cost.window} seconds: the nodes' CPU time over
 *   the book changes the simulator made ({@code updatesPublished}), and the frames the nodes received against
 *   those it sent (a node that falls behind shows below 100%);</li>
 *   <li>{@link BookCheck} again; then {@code cost.idle} seconds with every venue paused: what each node costs with
 *   nothing to do; then every node stops (SIGTERM).</li>
 * </ol>
 *
 * Settings are {@code key=value} arguments: {@code cost.nodes} (e.g. {@code 1,3}), {@code cost.rate} (book changes/s
 * over all venues), {@code cost.warmup}, {@code cost.window}, {@code cost.spread} (seconds), {@code cost.polymarket},
 * {@code cost.kalshi}, {@code cost.crypto} (simulated markets), {@code cost.idle}, {@code cost.jvm} (the nodes' JVM flags); any
 * {@code pekko.*} or {@code marketmesh.*} key goes to every node as {@code -Dkey=value}; {@code {node}} in
 * {@code cost.jvm} becomes the node's number. It ends with one line per measurement: {@code SPREAD nodes=<n> ...},
 * {@code COST nodes=<n> changes_per_s=<x> node_cpu_us_per_change=<x> ...}, {@code IDLE nodes=<n> ...}. About 2.5
 * minutes for one node and 3.5 for three with the defaults:
 *
 * <pre>
 * mvn -B -q -pl node -am test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test  *   -Dexec.args="-cp %classpath io.marketmesh.node.bench.ClusterCostBenchmark cost.nodes=1,3"
 * </pre>
 */
public final class ClusterCostBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, String> settings;
    private final Map<String, String> nodeProperties = new TreeMap<>();
    private final Path dir;
    private JavaProcess simulator;
    private URI simulatorUri;
    private final Map<String, String> simulatorEnvironment = new LinkedHashMap<>();
    private final List<String> venues = new ArrayList<>();
    private final List<String> results = new ArrayList<>();
    private int expectedMarkets;

    private ClusterCostBenchmark(Map<String, String> settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
        settings.forEach((key, value) -> {
            if (key.startsWith("pekko.") || key.startsWith("marketmesh.")) {
                nodeProperties.put(key, value);
            }
        });
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "cost.nodes", "1,3", "cost.rate", "1300", "cost.warmup", "25", "cost.window", "60", "cost.spread", "60",
                "cost.polymarket", "40", "cost.kalshi", "20", "cost.crypto", "4", "cost.jvm", "-Xmx1g", "cost.idle", "20"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("settings are key=value, not " + arg);
            }
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path dir = Files.createTempDirectory("cluster-cost-");
        System.out.println("cluster cost benchmark: " + settings + "; logs in " + dir);
        ClusterCostBenchmark benchmark = new ClusterCostBenchmark(settings, dir);
        try {
            benchmark.startSimulator();
            for (String nodes : settings.get("cost.nodes").split(",")) {
                benchmark.runCluster(Integer.parseInt(nodes.trim()));
            }
        } finally {
            if (benchmark.simulator != null) {
                benchmark.simulator.stop(Duration.ofSeconds(20));
            }
        }
        benchmark.results.forEach(System.out::println);
        System.exit(0);
    }

    private int setting(String key) {
        return Integer.parseInt(settings.get(key));
    }

    // ---------------------------------------------------------------- simulator

    private void startSimulator() {
        int port = freePort();
        int perVenue = 9;
        simulator = JavaProcess.start("simulator", dir.resolve("simulator.log"), List.of("-Xmx512m",
                        "-Dmarketmesh.simulator.port=" + port,
                        "-Dmarketmesh.simulator.kalshi-key-file=" + dir.resolve("kalshi.pem"),
                        "-Dmarketmesh.simulator.polymarket-markets=" + setting("cost.polymarket"),
                        "-Dmarketmesh.simulator.kalshi-markets=" + setting("cost.kalshi"),
                        "-Dmarketmesh.simulator.crypto-markets=" + setting("cost.crypto"),
                        "-Dmarketmesh.simulator.updates-per-second=" + (double) setting("cost.rate") / perVenue),
                Map.of(), "io.marketmesh.node.Main", "--simulator");
        simulatorUri = URI.create("http://127.0.0.1:" + port);
        // It prints the nodes' settings (MARKETMESH_*=value) at once after binding its port, in one go.
        await(Duration.ofSeconds(60), "the simulator's settings", () -> simulator.lines().stream()
                .anyMatch(line -> line.startsWith("MARKETMESH_")));
        sleep(Duration.ofMillis(500));
        for (String line : simulator.lines()) {
            int eq = line.indexOf('=');
            if (line.startsWith("MARKETMESH_") && eq > 0) {
                String value = line.substring(eq + 1);
                if (value.startsWith("'") && value.endsWith("'")) {
                    value = value.substring(1, value.length() - 1).replace("'\\''", "'");
                }
                simulatorEnvironment.put(line.substring(0, eq), value);
                if (line.substring(0, eq).endsWith("_ENABLED") && value.equals("true")) {
                    venues.add(line.substring("MARKETMESH_".length(), eq - "_ENABLED".length()).toLowerCase(Locale.ROOT));
                }
            }
        }
        if (venues.size() != perVenue) {
            throw new IllegalStateException("expected " + perVenue + " simulated venues, got " + venues);
        }
        System.out.printf("simulator on %s: venues %s, %.1f changes/s each%n", simulatorUri, venues,
                (double) setting("cost.rate") / perVenue);
    }

    /** Book changes made and frames sent so far, over every simulated venue. */
    private long[] simulatorCounts() {
        long changes = 0;
        long frames = 0;
        for (String venue : venues) {
            JsonNode stats = get(simulatorUri.resolve("/sim/" + venue + "/stats"));
            changes += stats.path("updatesPublished").asLong();
            frames += stats.path("framesSent").asLong();
        }
        return new long[] {changes, frames};
    }

    // ---------------------------------------------------------------- one cluster

    private void runCluster(int size) {
        System.out.printf("%n=== %d node(s) ===%n", size);
        List<JavaProcess> nodes = new ArrayList<>();
        List<URI> apis = new ArrayList<>();
        int seedPort = freePort();
        try {
            for (int i = 1; i <= size; i++) {
                int http = freePort();
                apis.add(URI.create("http://127.0.0.1:" + http));
                nodes.add(startNode(i, i == 1 ? seedPort : freePort(), http, seedPort));
                if (i == 1) {
                    awaitReady(apis.get(0));
                }
            }
            apis.forEach(ClusterCostBenchmark::awaitReady);
            if (size > 1) {
                watchSpread(apis.get(0), size);
            }
            checkBooks(apis, "after start");
            System.out.printf("warm-up %d s%n", setting("cost.warmup"));
            sleep(Duration.ofSeconds(setting("cost.warmup")));
            measure(size, nodes, apis);
            checkBooks(apis, "after the window");
            measureIdle(size, nodes);
        } finally {
            nodes.forEach(node -> node.stop(Duration.ofSeconds(30)));
        }
    }

    private JavaProcess startNode(int index, int artery, int http, int seedPort) {
        // "{node}" in the flags becomes the node's number (a file of its own: -XX:StartFlightRecording:filename=n{node}.jfr).
        List<String> jvm = new ArrayList<>(Arrays.asList(settings.get("cost.jvm").replace("{node}", Integer.toString(index))
                .trim().split("\\s+")));
        jvm.add("-Dpekko.remote.artery.canonical.port=" + artery);
        jvm.add("-Dpekko.cluster.seed-nodes.0=pekko://marketmesh@127.0.0.1:" + seedPort);
        jvm.add("-Dmarketmesh.http.port=" + http);
        jvm.add("-Dmarketmesh.kafka.enabled=false");
        // The nodes share one working directory, so not the default durable-state directory; nothing here needs it.
        jvm.add("-Dmarketmesh.cluster.durable.enabled=false");
        nodeProperties.forEach((key, value) -> jvm.add("-D" + key + "=" + value));
        return JavaProcess.start("node-" + index, dir.resolve("node-" + index + ".log"), jvm, simulatorEnvironment,
                "io.marketmesh.node.Main");
    }

    /**
     * Prints how the cluster spreads its shards, markets and workers, every 2 s for {@code cost.spread} seconds from the
     * moment every member is Up, and since when (for good) every member runs its share of the connection workers give
     * or take one, holds its share of the MarketActor shards give or take one, and holds only markets whose worker it
     * runs (a shard named after a worker of its own).
     */
    private void watchSpread(URI api, int size) {
        long allUp = 0;
        long end = Long.MAX_VALUE;
        long start = System.nanoTime();
        Map<String, Long> since = new LinkedHashMap<>();
        since.put("workers_within_one_of_share", null);
        since.put("shards_within_one_of_share", null);
        since.put("markets_beside_their_workers", null);
        while (System.nanoTime() < end) {
            JsonNode cluster = get(api.resolve("/api/v1/cluster"));
            int up = 0;
            boolean beside = true;
            List<Integer> shards = new ArrayList<>();
            List<Integer> workers = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (JsonNode member : cluster.path("members")) {
                if (member.path("status").asText().equals("Up")) {
                    up++;
                }
                shards.add(member.path("shards").asInt());
                workers.add(member.path("connectionWorkers").size());
                List<String> own = new ArrayList<>();
                member.path("connectionWorkers").forEach(worker -> own.add(worker.asText()));
                for (JsonNode shard : member.path("shardIds")) {
                    beside &= own.contains(shard.asText());
                }
                beside &= member.has("shardIds"); // an earlier build names no shards: never beside
                line.append(String.format("  %s %s shards=%d markets=%d workers=%d", member.path("address").asText(),
                        member.path("status").asText(), member.path("shards").asInt(), member.path("markets").asInt(),
                        member.path("connectionWorkers").size()));
            }
            long now = System.nanoTime();
            if (allUp == 0 && up == size) {
                allUp = now;
                end = now + Duration.ofSeconds(setting("cost.spread")).toNanos();
            }
            boolean allMarkets = cluster.path("totals").path("markets").asInt() == expectedMarkets();
            settle(since, "workers_within_one_of_share", up == size && withinOneOfShare(workers), now);
            settle(since, "shards_within_one_of_share", up == size && allMarkets && withinOneOfShare(shards), now);
            settle(since, "markets_beside_their_workers", up == size && allMarkets && beside, now);
            System.out.printf("[%5.1fs after all Up]%s%n", allUp == 0 ? -(now - start) / 1e9 : (now - allUp) / 1e9, line);
            sleep(Duration.ofSeconds(2));
        }
        StringBuilder result = new StringBuilder("SPREAD nodes=" + size);
        long upAt = allUp;
        since.forEach((what, at) -> result.append(String.format(Locale.ROOT, " %s_after_s=%s", what,
                at == null ? "never" : String.format(Locale.ROOT, "%.1f", Math.max(0, at - upAt) / 1e9))));
        results.add(result.toString());
    }

    /** Records when a condition started to hold, forgetting it when it stops holding. */
    private static void settle(Map<String, Long> since, String what, boolean holds, long now) {
        if (!holds) {
            since.put(what, null);
        } else if (since.get(what) == null) {
            since.put(what, now);
        }
    }

    private int expectedMarkets() {
        if (expectedMarkets == 0) {
            for (String venue : venues) {
                expectedMarkets += get(simulatorUri.resolve("/sim/" + venue + "/markets")).path("markets").size();
            }
        }
        return expectedMarkets;
    }

    private static boolean withinOneOfShare(List<Integer> counts) {
        double share = counts.stream().mapToInt(Integer::intValue).sum() / (double) counts.size();
        return counts.stream().allMatch(count -> Math.abs(count - share) <= 1);
    }

    private void checkBooks(List<URI> apis, String when) {
        BookCheck.Result result = BookCheck.run(new BookCheck.Options(simulatorUri, apis, true, false,
                Duration.ofSeconds(120), Duration.ofSeconds(10)), System.out);
        System.out.printf("book check %s: %d/%d markets equal on %d node(s) in %.1f s%n", when, result.equal(),
                result.markets(), result.nodes(), result.took().toMillis() / 1e3);
        if (!result.allEqual()) {
            results.add("BOOKS NOT EXACT " + when + " on " + apis.size() + " node(s): " + result.mismatches().keySet());
        }
    }

    private void measure(int size, List<JavaProcess> nodes, List<URI> apis) {
        Duration[] cpuBefore = nodes.stream().map(JavaProcess::cpu).toArray(Duration[]::new);
        List<Map<String, Long>> threadsBefore = nodes.stream().map(JavaProcess::cpuTicksByThread).toList();
        Duration simCpuBefore = simulator.cpu();
        long[] simBefore = simulatorCounts();
        long receivedBefore = framesReceived(apis.get(0));
        long start = System.nanoTime();
        sleep(Duration.ofSeconds(setting("cost.window")));
        double seconds = (System.nanoTime() - start) / 1e9;
        printByThread("window", nodes, threadsBefore, seconds);
        long[] simAfter = simulatorCounts();
        long received = framesReceived(apis.get(0)) - receivedBefore;
        double simCpu = simulator.cpu().minus(simCpuBefore).toNanos() / 1e9;
        double nodeCpu = 0;
        StringBuilder perNode = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            double cpu = nodes.get(i).cpu().minus(cpuBefore[i]).toNanos() / 1e9;
            nodeCpu += cpu;
            perNode.append(String.format(Locale.ROOT, " %s=%.1f%%", nodes.get(i).name(), 100 * cpu / seconds));
        }
        long changes = simAfter[0] - simBefore[0];
        long sent = simAfter[1] - simBefore[1];
        System.out.printf(Locale.ROOT, "window %.1f s: %d changes (%.0f/s), %d frames sent, %d received by the nodes "
                        + "(%.1f%%); CPU of one core:%s, simulator %.1f%%%n", seconds, changes, changes / seconds, sent,
                received, 100.0 * received / sent, perNode, 100 * simCpu / seconds);
        results.add(String.format(Locale.ROOT, "COST nodes=%d changes_per_s=%.0f node_cpu_us_per_change=%.1f "
                        + "node_cpu_pct=%.1f received_pct=%.1f sim_cpu_pct=%.1f", size, changes / seconds,
                nodeCpu * 1e6 / changes, 100 * nodeCpu / seconds, 100.0 * received / sent, 100 * simCpu / seconds));
    }

    /** What the nodes cost with no feed at all (every venue paused, sockets open): the price of each JVM being there. */
    private void measureIdle(int size, List<JavaProcess> nodes) {
        venues.forEach(venue -> post(simulatorUri.resolve("/sim/" + venue + "/pause")));
        try {
            sleep(Duration.ofSeconds(3));
            Duration[] cpuBefore = nodes.stream().map(JavaProcess::cpu).toArray(Duration[]::new);
            List<Map<String, Long>> threadsBefore = nodes.stream().map(JavaProcess::cpuTicksByThread).toList();
            long start = System.nanoTime();
            sleep(Duration.ofSeconds(setting("cost.idle")));
            printByThread("idle", nodes, threadsBefore, (System.nanoTime() - start) / 1e9);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = 0;
            for (int i = 0; i < nodes.size(); i++) {
                cpu += nodes.get(i).cpu().minus(cpuBefore[i]).toNanos() / 1e9;
            }
            System.out.printf(Locale.ROOT, "idle %.1f s (venues paused): %.1f%% of one core per node%n", seconds,
                    100 * cpu / seconds / size);
            results.add(String.format(Locale.ROOT, "IDLE nodes=%d node_cpu_pct_each=%.1f", size, 100 * cpu / seconds / size));
        } finally {
            venues.forEach(venue -> post(simulatorUri.resolve("/sim/" + venue + "/resume")));
        }
    }

    /** Each node's CPU by kind of thread since {@code before}, in % of one core, the busiest first. */
    private static void printByThread(String what, List<JavaProcess> nodes, List<Map<String, Long>> before, double seconds) {
        for (int i = 0; i < nodes.size(); i++) {
            Map<String, Long> was = before.get(i);
            List<Map.Entry<String, Long>> used = new ArrayList<>();
            nodes.get(i).cpuTicksByThread().forEach((name, ticks) -> used.add(Map.entry(name, ticks - was.getOrDefault(name, 0L))));
            used.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
            StringBuilder line = new StringBuilder();
            used.stream().filter(e -> e.getValue() > 0).limit(8).forEach(e -> line.append(String.format(Locale.ROOT,
                    " [%s] %.1f%%", e.getKey(), e.getValue() / seconds)));
            System.out.printf("  %s %s by thread:%s%n", what, nodes.get(i).name(), line);
        }
    }

    /** Frames received by every socket of every venue in the cluster, as any node's {@code /api/v1/venues} sums. */
    private long framesReceived(URI api) {
        long frames = 0;
        for (JsonNode venue : get(api.resolve("/api/v1/venues")).path("venues")) {
            for (JsonNode socket : venue.path("connections")) {
                frames += socket.path("framesReceived").asLong();
            }
        }
        return frames;
    }

    // ---------------------------------------------------------------- plumbing

    private static void awaitReady(URI api) {
        await(Duration.ofSeconds(120), api + " ready", () -> {
            try {
                return HTTP.send(HttpRequest.newBuilder(api.resolve("/health/ready")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    private static JsonNode get(URI uri) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void post(URI uri) {
        try {
            HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            sleep(Duration.ofMillis(250));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
