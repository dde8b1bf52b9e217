package io.marketmesh.node.bench;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.publish.KafkaPublisher;
import io.marketmesh.node.publish.KafkaSettings;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * End-to-end load benchmark (a {@code main} in test scope, not a test): three processes on one machine.
 *
 * <ul>
 *   <li><b>This JVM is the node alone</b> ({@code TestNode}: cluster provider, sharding, HTTP), following every market
 *   of the feed and publishing to Kafka with the producer as shipped; its process CPU is the node's CPU.</li>
 *   <li><b>The feed</b>: {@link ReplayServer} in a JVM of its own, sending Polymarket and Kalshi frames encoded once
 *   (by the simulator's frame writers) at the rate asked, to the node's normal venue adapters.</li>
 *   <li><b>The Kafka broker</b>: the jar's {@code --kafka} broker in a JVM of its own, temporary data directory.</li>
 * </ul>
 *
 * First Kafka's own ceiling ({@link KafkaCeiling}: a plain producer with the node's properties and records, on the
 * same broker), then the node at rising rates ({@link LoadStep}: warm-up, drain, measured window, verdict), then the
 * summary and the machine-readable last line {@code BENCHMARK ...}.
 *
 * <p>Settings, as {@code key=value} arguments or system properties [defaults]: {@code load.rates}
 * [10000,25000,50000,100000,150000,200000,300000 book changes/s in total, half per venue], {@code load.warmup} [10 s],
 * {@code load.jitWarmup} [30 s at 10k changes/s before the first step, not measured],
 * {@code load.window} [20 s], {@code load.report} [5 s], {@code load.drainTimeout} [30 s], {@code load.ackBoundMs}
 * [1000], {@code load.keepGoing} [false: stop after two steps in a row not sustained], {@code load.skipCeiling}
 * [false], {@code load.ceilingSeconds} [15], {@code load.polymarketMarkets} [250, two books each],
 * {@code load.kalshiMarkets} [500], {@code load.seed} [42]; node settings pass through
 * ({@code marketmesh.kafka.publish-raw=false}, {@code marketmesh.kafka.client-properties.linger.ms=5}).
 */
public final class LoadBenchmark {

    private static final String CEILING_TOPIC = "bench.kafka-ceiling";

    private final LoadSettings settings = LoadSettings.fromSystemProperties();
    private final LoadReport report = new LoadReport();
    private final HeapWatch heap = new HeapWatch();
    private final int cores = Runtime.getRuntime().availableProcessors();
    private int brokerPort;

    public static void main(String[] args) {
        BenchMain.run(args, () -> new LoadBenchmark().run());
    }

    private void run() throws Exception {
        report.line("LoadBenchmark: %d Polymarket markets (%d books) + %d Kalshi markets; %d cores, node max heap %d MB, %s %s;"
                        + " raw topic %s", settings.polymarketMarkets(), 2 * settings.polymarketMarkets(),
                settings.kalshiMarkets(), cores, Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), settings.raw() ? "on" : "OFF");
        report.line("load average at start: %.2f", loadAverage());
        Path dir = Files.createTempDirectory("marketmesh-load");
        report.line("child JVM logs and Kafka data in %s", dir);
        double ceiling = 0;
        boolean done = false;
        try (ChildJvm broker = startBroker(dir);
             ReplayControl replay = ReplayControl.start(dir, settings.polymarketMarkets(), settings.kalshiMarkets(),
                     settings.seed())) {
            String bootstrap = "127.0.0.1:" + brokerPort;
            List<String> polymarket = replay.markets("polymarket");
            List<String> kalshi = replay.markets("kalshi");
            Map<String, Object> nodeSettings = nodeSettings(bootstrap, replay, polymarket, kalshi);
            KafkaSettings kafka = KafkaSettings.fromConfig(NodeConfig.load(ConfigFactory.parseMap(nodeSettings))
                    .getConfig("marketmesh.kafka"));
            if (!settings.skipCeiling()) {
                ceiling = kafkaCeiling(bootstrap, kafka, broker, polymarket, kalshi);
            }
            nodeSteps(nodeSettings, replay, broker, polymarket, kalshi, ceiling);
            done = true;
        } finally {
            if (done) {
                deleteQuietly(dir);
            } else {
                report.line("logs kept in %s", dir);
            }
        }
        report.finish(loadAverage(), ceiling, settings.raw());
    }

    private ChildJvm startBroker(Path dir) throws Exception {
        brokerPort = TestNode.freePort();
        ChildJvm broker = ChildJvm.start("kafka-broker", dir, List.of("-Xmx1g",
                "-Dmarketmesh.kafka.embedded.port=" + brokerPort,
                "-Dmarketmesh.kafka.embedded.data-dir=" + dir.resolve("kafka-data"),
                "-Dmarketmesh.kafka.embedded.controller-port=0"), "io.marketmesh.node.Main", List.of("--kafka"));
        try {
            broker.awaitLog("MARKETMESH_KAFKA_BOOTSTRAP_SERVERS=", Duration.ofSeconds(120));
        } catch (Exception e) {
            broker.close();
            throw e;
        }
        report.line("Kafka broker (pid %d) on 127.0.0.1:%d", broker.pid(), brokerPort);
        return broker;
    }

    private Map<String, Object> nodeSettings(String bootstrap, ReplayControl replay, List<String> polymarket,
                                             List<String> kalshi) {
        Map<String, Object> node = new HashMap<>();
        node.put("marketmesh.kafka.enabled", true);
        node.put("marketmesh.kafka.bootstrap-servers", bootstrap);
        node.put("marketmesh.venues.polymarket.ws-url", replay.polymarketWsUrl());
        node.put("marketmesh.venues.polymarket.rest-url", replay.restUrl());
        node.put("marketmesh.venues.polymarket.markets", String.join(",", polymarket));
        node.put("marketmesh.venues.kalshi.ws-url", replay.kalshiWsUrl());
        node.put("marketmesh.venues.kalshi.rest-url", replay.restUrl());
        node.put("marketmesh.venues.kalshi.markets", String.join(",", kalshi));
        // Instruments of two legs, a Kalshi market and a Polymarket token each: every top-of-book change of those
        // books reaches an instrument actor, whose new summary is timed (top -> summary).
        List<Map<String, Object>> links = new ArrayList<>();
        for (int i = 0; i < Math.min(settings.instruments(), Math.min(kalshi.size(), polymarket.size())); i++) {
            links.add(Map.of("id", "load-" + i, "legs", List.of(Map.of("market", "kalshi:" + kalshi.get(i)),
                    Map.of("market", "polymarket:" + polymarket.get(i)))));
        }
        node.put("marketmesh.instruments.links", links);
        return node;
    }

    /** Kafka's own ceiling on the broker the node will use; returns records/s. */
    private double kafkaCeiling(String bootstrap, KafkaSettings kafka, ChildJvm broker, List<String> polymarket,
                                List<String> kalshi) throws Exception {
        report.line("");
        report.line("==== Kafka's ceiling: a plain producer with the node's properties and book_delta records ====");
        Map<String, String> properties = KafkaPublisher.producerProperties(kafka);
        List<MarketKey> markets = new ArrayList<>();
        polymarket.forEach(token -> markets.add(MarketKey.of(Venue.POLYMARKET, token)));
        kalshi.forEach(ticker -> markets.add(MarketKey.of(Venue.KALSHI, ticker)));
        int partitions = kafka.topic(Channel.BOOK).partitions();
        long brokerCpu = broker.cpuNanos();
        long ownCpu = processCpu();
        long start = System.nanoTime();
        KafkaCeiling.Result result = KafkaCeiling.measure(bootstrap, properties, CEILING_TOPIC, partitions, markets,
                Duration.ofSeconds(3), Duration.ofSeconds(settings.ceilingSeconds()));
        double wall = System.nanoTime() - start;
        report.line("Kafka ceiling: %.0f records/s (%.1f MB/s), send->ack %s ms, median record %d bytes, %d errors;"
                        + " CPU %% of one core: producer JVM %.0f, broker %.0f; producer %s", result.recordsPerSecond(),
                result.megabytesPerSecond(), LoadReport.pcts(result.latency()), result.medianRecordBytes(), result.errors(),
                100 * (processCpu() - ownCpu) / wall, 100 * (broker.cpuNanos() - brokerCpu) / wall, properties);
        report.summary("");
        report.summary("Kafka's ceiling (plain producer, node's properties %s, %d markets' book_delta records of median "
                        + "%d bytes over %d partitions, %d s at full blast): %.0f records/s, send->ack p50 / p99 / p99.9 %s ms",
                properties, markets.size(), result.medianRecordBytes(), partitions, settings.ceilingSeconds(),
                result.recordsPerSecond(), LoadReport.pcts(result.latency()));
        return result.recordsPerSecond();
    }

    private void nodeSteps(Map<String, Object> nodeSettings, ReplayControl replay, ChildJvm broker, List<String> polymarket,
                           List<String> kalshi, double ceiling) throws Exception {
        report.line("");
        report.line("==== the node: replay server -> node (parse, book) -> Kafka broker (acks=all) ====");
        long started = System.nanoTime();
        TestNode node = TestNode.start(nodeSettings);
        try {
            NodeMetrics metrics = NodeMetrics.get(node.system());
            int books = polymarket.size() + kalshi.size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long followed = 0;
            while (System.nanoTime() < deadline) {
                followed = replay.stats().map(ReplayControl.Stats::followed).orElse(0L);
                if (followed >= books && metrics.kafkaAcknowledged() >= books) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            report.line("node following %d of %d books after %.1f s (Kafka acks %d)", followed, books,
                    (System.nanoTime() - started) / 1e9, metrics.kafkaAcknowledged());
            List<String> paths = new ArrayList<>();
            polymarket.forEach(token -> paths.add("polymarket/" + token));
            kalshi.forEach(ticker -> paths.add("kalshi/" + ticker));
            if (settings.jitWarmup() > 0) {
                // The JIT compiles the hot loops of a fresh JVM within its first tens of seconds (on two busy cores,
                // the UTF-8 decoding of frames took ~10 s); the first step must not measure that.
                report.line("JIT warm-up: %d s at 10k changes/s, not measured", settings.jitWarmup());
                replay.setRate(10_000);
                TimeUnit.SECONDS.sleep(settings.jitWarmup());
                replay.setRate(0);
            }
            LoadStep step = new LoadStep(settings, replay, node, broker, heap, report, paths);
            step.baseline();
            report.summary("");
            report.summary("Node steps (%d s measured after %d s warm-up and the Kafka backlog drained; raw topic %s; "
                    + "node = this JVM, %d cores):", settings.window(), settings.warmup(), settings.raw() ? "on" : "OFF", cores);
            report.stepHeader(cores);
            int failedInARow = 0;
            double bestAcked = 0;
            double bestSustainedAcked = 0;
            for (double rate : settings.rates()) {
                StepResult result = step.run(rate);
                report.step(result);
                bestAcked = Math.max(bestAcked, result.acked());
                if (result.sustained()) {
                    bestSustainedAcked = Math.max(bestSustainedAcked, result.acked());
                }
                failedInARow = result.sustained() ? 0 : failedInARow + 1;
                if (failedInARow == 2 && !settings.keepGoing()) {
                    break;
                }
            }
            if (ceiling > 0) {
                report.summary("");
                report.summary("node acked %.0f records/s at its highest sustained step = %.0f%% of Kafka's ceiling "
                                + "(%.0f records/s); at most %.0f records/s in any step = %.0f%%", bestSustainedAcked,
                        100 * bestSustainedAcked / ceiling, ceiling, bestAcked, 100 * bestAcked / ceiling);
            }
        } finally {
            replay.setRate(0);
            node.close();
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
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
