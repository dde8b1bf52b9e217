package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Client streams benchmark (a {@code main} in test scope, not a test): one node, fed by the replay server, serving
 * WebSocket clients over loopback. Three processes, so that the node's CPU is its own:
 *
 * <ul>
 *   <li><b>This JVM is the node alone</b> ({@code TestNode}, Kafka off), following every market of the feed with its
 *   normal venue adapters and serving {@code /api/v1/stream}.</li>
 *   <li><b>The feed</b>: {@link ReplayServer} in a JVM of its own (as in {@link LoadBenchmark}).</li>
 *   <li><b>The clients</b>: {@link StreamSwarm} in a JVM of its own, any number of WebSocket clients on two threads.</li>
 * </ul>
 *
 * After a JIT warm-up, each scenario of {@code stream.scenarios} runs ({@link StreamScenario}: the generic steps of
 * 100, 1,000 and 10,000 clients, a stalled client, and the four targets); a progress line every few seconds, a
 * result line per step, a summary, and the machine-readable last line {@code BENCHMARK ...}.
 *
 * <p>Command, from the repository's root (every scenario, about 15 minutes; {@code stream.scenarios=p99at5k} for one):
 * <pre>
 * mvn -B -q -pl node -am test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-Xmx2g -cp %classpath io.marketmesh.node.bench.StreamBenchmark stream.scenarios=stall"
 * </pre>
 * Ten thousand clients take as many file descriptors in the clients' JVM and in the node's: the first line prints the
 * limit ({@code ulimit -n}); the node's HTTP server is let take them for the run ({@code pekko.http.server.max-connections},
 * 1024 by default, is raised and the first lines say so).
 *
 * <p>Latency: receipt → client is the client's {@code System.currentTimeMillis()} when it read a {@code book_delta}
 * minus the message's {@code receivedTimestamp} (the node's clock when the venue frame's text was complete, epoch ms);
 * hub → client uses {@code publishedTimestamp} (when the node encoded the record for its clients). Both clocks tick in
 * whole milliseconds, so a figure of d ms is a true latency between d − 1 and d + 1 ms. The node's receipt → applied
 * (its own nanosecond histogram) is printed beside them.
 *
 * <p>Settings, as {@code key=value} arguments or system properties [defaults]: {@code stream.scenarios}
 * [steps,stall,clients10k,fanout1k,p99at5k,p99at50k], per scenario {@code stream.<name>.clients}, {@code .markets}
 * ({@code all} or books per client), {@code .depth}, {@code .rates}; {@code stream.warmup} [10 s], {@code stream.window}
 * [20 s], {@code stream.report} [5 s], {@code stream.jitWarmup} [30 s with 20 clients at 2k changes/s, not measured],
 * {@code stream.stallSeconds} [30], {@code stream.connectTimeout} [180 s], {@code stream.polymarketMarkets} [100, two
 * books each], {@code stream.kalshiMarkets} [200], {@code stream.seed} [42], {@code stream.swarmThreads} [2],
 * {@code stream.swarmHeap} [1g], {@code stream.behindLimitMs} [5000: a step whose clients get their changes later than
 * this (median of a progress slice) stops early], {@code stream.heapHistogram} [false: print the node's heap per
 * client by class]; node settings pass through ({@code marketmesh.stream.slow-client-policy=close}).
 */
public final class StreamBenchmark {

    private static final int WARMUP_CLIENTS = 20;
    private static final double WARMUP_RATE = 2000;

    private final StreamBenchSettings settings = StreamBenchSettings.fromSystemProperties();
    private final List<StreamScenario> scenarios = settings.scenarios().stream().map(StreamScenario::named).toList();
    private final LoadReport report = new LoadReport();
    private final HeapWatch heap = new HeapWatch();
    private final List<StreamResult> results = new ArrayList<>();
    private StreamStall.Outcome stall;

    public static void main(String[] args) {
        BenchMain.run(args, () -> new StreamBenchmark().run());
    }

    private void run() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        report.line("StreamBenchmark: %d Polymarket markets (%d books) + %d Kalshi markets; %d cores, node max heap %d MB, "
                        + "%s %s; open files limit %s", settings.polymarketMarkets(), 2 * settings.polymarketMarkets(),
                settings.kalshiMarkets(), cores, Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), openFilesLimit());
        scenarios.forEach(s -> report.line("  %s", s.describe()));
        report.line("load average at start: %.2f", StreamStep.loadAverage());
        Path dir = Files.createTempDirectory("marketmesh-stream");
        report.line("child JVM logs in %s", dir);
        boolean done = false;
        try (ReplayControl replay = ReplayControl.start(dir, settings.polymarketMarkets(), settings.kalshiMarkets(),
                settings.seed())) {
            List<String> polymarket = replay.markets("polymarket");
            List<String> kalshi = replay.markets("kalshi");
            TestNode node = TestNode.start(nodeSettings(replay, polymarket, kalshi));
            try (SwarmControl swarm = SwarmControl.start(dir, node.httpPort(), settings.swarmThreads(),
                    settings.swarmHeap())) {
                awaitFollowed(replay, polymarket.size() + kalshi.size());
                StreamConnect clients = new StreamConnect(settings, replay, swarm, node, report, polymarket, kalshi);
                StreamStep steps = new StreamStep(settings, clients, replay, swarm, node, report, heap);
                jitWarmup(clients, replay, swarm);
                for (StreamScenario scenario : scenarios) {
                    runScenario(scenario, clients, steps, replay, swarm, node);
                }
                clients.closeAll();
            } finally {
                replay.setRate(0);
                node.close();
            }
            done = true;
        } finally {
            if (done) {
                deleteQuietly(dir);
            } else {
                report.line("logs kept in %s", dir);
            }
        }
        new StreamSummary(report, results, stall, scenarios).print(StreamStep.loadAverage());
    }

    private void runScenario(StreamScenario scenario, StreamConnect clients, StreamStep steps, ReplayControl replay,
                             SwarmControl swarm, TestNode node) throws InterruptedException {
        report.line("");
        report.line("######## scenario %s", scenario.describe());
        if (scenario.stall()) {
            stall = new StreamStall(settings, clients, steps, replay, swarm, node, report, heap)
                    .run(scenario, scenario.clients().get(0), scenario.rates().get(0));
            results.add(stall.reading());
            results.add(stall.stalled());
            return;
        }
        for (int count : scenario.clients()) {
            StreamConnect.Connected connected = clients.connect(scenario, count, SwarmControl.MEASURED);
            for (double rate : scenario.rates()) {
                results.add(steps.run(scenario, connected, rate));
            }
            replay.setRate(0);
        }
    }

    /** The node, Kafka off, following every market of the feed; its HTTP server made able to hold every client. */
    private Map<String, Object> nodeSettings(ReplayControl replay, List<String> polymarket, List<String> kalshi) {
        Map<String, Object> node = new HashMap<>();
        node.put("marketmesh.venues.polymarket.ws-url", replay.polymarketWsUrl());
        node.put("marketmesh.venues.polymarket.rest-url", replay.restUrl());
        node.put("marketmesh.venues.polymarket.markets", String.join(",", polymarket));
        node.put("marketmesh.venues.kalshi.ws-url", replay.kalshiWsUrl());
        node.put("marketmesh.venues.kalshi.rest-url", replay.restUrl());
        node.put("marketmesh.venues.kalshi.markets", String.join(",", kalshi));
        int most = scenarios.stream().flatMap(s -> s.clients().stream()).mapToInt(Integer::intValue).max().orElse(0);
        // The clients, the stalling one, the memory baseline's, the warm-up's (until they are closed), the API's own.
        int needed = most + 1 + 1 + WARMUP_CLIENTS + 50;
        var config = NodeConfig.load(ConfigFactory.parseMap(node));
        int connections = config.getInt("pekko.http.server.max-connections");
        if (connections < needed) {
            node.put("pekko.http.server.max-connections", needed);
            report.line("NOTE: the node's HTTP server takes %d connections at most (pekko.http.server.max-connections, "
                    + "as configured); raised to %d for this run", connections, needed);
        }
        int maxClients = config.getInt("marketmesh.stream.max-clients");
        if (maxClients < needed) {
            report.line("NOTE: marketmesh.stream.max-clients is %d: some clients will be refused (503)", maxClients);
        }
        return node;
    }

    private void awaitFollowed(ReplayControl replay, int books) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(120);
        long followed = 0;
        while (System.nanoTime() < deadline) {
            followed = replay.stats().map(ReplayControl.Stats::followed).orElse(0L);
            if (followed >= books) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        report.line("node following %d of %d books after %.1f s", followed, books, (System.nanoTime() - started) / 1e9);
    }

    /**
     * Not measured: a fresh JVM on two busy cores compiles its hot loops (here also the HTTP server's WebSocket
     * framing and the hub's fan-out) within its first tens of seconds, and the first step must not measure that.
     */
    private void jitWarmup(StreamConnect clients, ReplayControl replay, SwarmControl swarm) throws InterruptedException {
        if (settings.jitWarmup() <= 0) {
            return;
        }
        report.line("JIT warm-up: %d clients following every market, %d s at %.0f changes/s, not measured", WARMUP_CLIENTS,
                settings.jitWarmup(), WARMUP_RATE);
        List<String> subscribes = new ArrayList<>();
        List<Integer> snapshots = new ArrayList<>();
        for (int i = 0; i < WARMUP_CLIENTS; i++) {
            subscribes.add(StreamConnect.subscribeAll(i, 0));
            snapshots.add(clients.books());
        }
        clients.connectAndAwait(SwarmControl.WARMUP, subscribes, snapshots, 60, "warm-up");
        replay.setRate(WARMUP_RATE);
        TimeUnit.SECONDS.sleep(settings.jitWarmup());
        replay.setRate(0);
        swarm.close(SwarmControl.WARMUP);
        var stats = swarm.stats();
        stats.ifPresent(s -> report.line("JIT warm-up done: the warm-up clients received %d messages (%d book changes, "
                        + "%d seq gaps, %d they could not read)", s.group(SwarmControl.WARMUP).get("messages"),
                s.group(SwarmControl.WARMUP).get("deltas"), s.group(SwarmControl.WARMUP).get("seqGaps"),
                s.group(SwarmControl.WARMUP).get("unparsed")));
    }

    /** The soft limit on open files of this process (the clients' JVM has the same), from /proc; "?" elsewhere. */
    private static String openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return line.replaceAll("\\s+", " ").replace("Max open files ", "").strip();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "?";
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    static {
        Locale.setDefault(Locale.ROOT);
    }
}
