package io.marketmesh.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.simulator.DemoVenues;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Venue;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The scale benchmark (not a test): one node (this JVM; run it with {@code -Xmx2g}) following many simulated
 * prediction markets, most of them quiet, as Polymarket's and Kalshi's long tails are. The simulator runs in a process
 * of its own ({@code Main --simulator}); the node discovers every market over the venues' REST APIs, as it would the
 * real ones, and subscribes them.
 *
 * <p>It reports the time from the node's start until it is ready, until every market is followed (discovered and in
 * the replicated subscription set), and until every book is served fresh ({@link NodeMetrics#booksLive()}); then,
 * with every book live and the feed quiet: heap after a full GC (and per market), threads, the node's CPU while the
 * quiet feed runs and while it is stopped, and the books of a random sample of markets against the simulator's
 * true books (feed stopped).
 *
 * <p>Settings, as {@code key=value} arguments or system properties (defaults in brackets):
 * {@code scale.polymarketMarkets} [25000, two books each], {@code scale.kalshiMarkets} [50000],
 * {@code scale.rate} [50 book changes/s per venue, spread over all its markets], {@code scale.timeout} [600 s until
 * every book is live], {@code scale.idle} [30 s of CPU measurement, after {@code scale.settle} [15 s] for the start-up's JIT and garbage], {@code scale.sample} [200 books checked],
 * {@code scale.simHeap} [1g], {@code scale.histogram} [0: the top N classes of the node's heap after the full GC],
 * {@code scale.kafka} [false: Kafka off; true: the node's embedded broker, in this JVM, data in a temporary
 * directory]; any {@code marketmesh.*} setting is passed to the node.
 */
public final class ScaleBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int polymarketMarkets = Integer.parseInt(prop("scale.polymarketMarkets", "25000"));
    private final int kalshiMarkets = Integer.parseInt(prop("scale.kalshiMarkets", "50000"));
    private final double rate = Double.parseDouble(prop("scale.rate", "50"));
    private final int timeout = Integer.parseInt(prop("scale.timeout", "600"));
    private final int idle = Integer.parseInt(prop("scale.idle", "30"));
    private final int settle = Integer.parseInt(prop("scale.settle", "15"));
    private final int sample = Integer.parseInt(prop("scale.sample", "200"));
    private final String simHeap = prop("scale.simHeap", "1g");
    private final int histogram = Integer.parseInt(prop("scale.histogram", "0"));
    private final boolean kafka = Boolean.parseBoolean(prop("scale.kafka", "false"));

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> summary = new ArrayList<>();
    private Process simulator;
    private String control;

    public static void main(String[] args) {
        BenchMain.run(args, () -> new ScaleBenchmark().run());
    }

    private void run() throws Exception {
        int books = 2 * polymarketMarkets + kalshiMarkets;
        Path dir = Files.createTempDirectory("marketmesh-scale-");
        println("ScaleBenchmark: %d Polymarket markets (%d books) + %d Kalshi markets = %d books; %.0f changes/s per venue; "
                        + "Kafka %s; node max heap %d MB, %d cores, %s; simulator log in %s", polymarketMarkets,
                2 * polymarketMarkets, kalshiMarkets, books, rate, kafka ? "on (embedded)" : "off",
                Runtime.getRuntime().maxMemory() >> 20, os.getAvailableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), dir);
        println("load average at start: %.2f", os.getSystemLoadAverage());
        int port = TestNode.freePort();
        control = "http://127.0.0.1:" + port;
        Path keyFile = dir.resolve("kalshi.pem");
        startSimulator(port, keyFile, dir.resolve("simulator.log"));
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::destroyForcibly));
        try {
            awaitSimulator();
            println("simulator up: %s", processLine(simulator.pid()));
            measure(books, keyFile);
        } finally {
            simulator.destroy();
            simulator.waitFor(20, TimeUnit.SECONDS);
            simulator.destroyForcibly();
        }
        println("");
        println("==== summary (load average at end %.2f) ====", os.getSystemLoadAverage());
        summary.forEach(ScaleBenchmark::println);
    }

    private void measure(int books, Path keyFile) throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put("marketmesh.venues.polymarket.ws-url", "ws://127.0.0.1:" + port() + "/ws/market");
        settings.put("marketmesh.venues.polymarket.rest-url", control + "/polymarket");
        settings.put("marketmesh.venues.polymarket.discovery-limit", 2 * polymarketMarkets);
        settings.put("marketmesh.venues.kalshi.ws-url", "ws://127.0.0.1:" + port() + "/trade-api/ws/v2");
        settings.put("marketmesh.venues.kalshi.rest-url", control + "/trade-api/v2");
        settings.put("marketmesh.venues.kalshi.discovery-limit", kalshiMarkets);
        settings.put("marketmesh.venues.kalshi.key-id", DemoVenues.DEMO_KEY_ID);
        settings.put("marketmesh.venues.kalshi.private-key-file", keyFile.toString());
        if (kafka) {
            settings.putAll(TestNode.embeddedKafka(keyFile.getParent().resolve("kafka")));
        }
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("marketmesh.")) {
                settings.put(key, System.getProperty(key));
            }
        }
        long t0 = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        TestNode node = TestNode.start(settings);
        double ready = seconds(t0);
        println("[scale] node ready after %.1f s", ready);
        NodeMetrics metrics = NodeMetrics.get(node.system());
        double followedAt = -1;
        double liveAt = -1;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(timeout);
        try {
            while (System.nanoTime() < deadline) {
                TimeUnit.SECONDS.sleep(2);
                Venues v = venues(node);
                long live = metrics.booksLive();
                if (followedAt < 0 && v.followed() >= books) {
                    followedAt = seconds(t0);
                }
                println("[scale] t=%5.1fs followed %d/%d, sockets %d open of %d, actors %d, books live %d | heap %d MB, "
                                + "threads %d, node CPU %.0f s so far", seconds(t0), v.followed(), books, v.open(), v.sockets(),
                        metrics.marketActorsRunning(), live, heapUsedMb(), threads.getThreadCount(),
                        (os.getProcessCpuTime() - cpu0) / 1e9);
                if (live >= books) {
                    liveAt = seconds(t0);
                    break;
                }
            }
            long startupCpu = os.getProcessCpuTime() - cpu0;
            summary.add(String.format(Locale.ROOT, "%d books (%d Polymarket tokens + %d Kalshi markets), quiet feed %.0f "
                            + "changes/s per venue, Kafka %s", books, 2 * polymarketMarkets, kalshiMarkets, rate,
                    kafka ? "on (embedded broker in the node's JVM)" : "off"));
            summary.add(String.format(Locale.ROOT, "start -> ready %.1f s; -> every market followed %s; -> every book served "
                            + "fresh %s (node CPU %.0f s meanwhile)", ready, followedAt < 0 ? "not within the timeout"
                            : String.format(Locale.ROOT, "%.1f s", followedAt), liveAt < 0 ? "NOT within " + timeout + " s ("
                            + metrics.booksLive() + " live)" : String.format(Locale.ROOT, "%.1f s", liveAt), startupCpu / 1e9));
            afterStart(node, metrics, books);
        } finally {
            node.close();
        }
    }

    private void afterStart(TestNode node, NodeMetrics metrics, int books) throws Exception {
        Venues v = venues(node);
        long heapAfterGc = fullGcHeap();
        summary.add(String.format(Locale.ROOT, "heap after full GC %d MB (%.1f KB per book), committed %d MB of %d MB max; "
                        + "threads %d (peak %d); sockets %d; MarketActors %d", heapAfterGc >> 20,
                heapAfterGc / 1024.0 / books, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20,
                Runtime.getRuntime().maxMemory() >> 20, threads.getThreadCount(), threads.getPeakThreadCount(),
                v.sockets(), metrics.marketActorsRunning()));
        summary.add("simulator process: " + processLine(simulator.pid()));
        TimeUnit.SECONDS.sleep(settle);
        if (histogram > 0) {
            summary.add("heap by class after the full GC (top " + histogram + "):");
            summary.addAll(classHistogram(histogram));
        }
        long frames0 = metrics.framesReceived();
        double quiet = cpuPercent(idle);
        double framesPerSecond = (metrics.framesReceived() - frames0) / (double) idle;
        post("/sim/polymarket/pause");
        post("/sim/kalshi/pause");
        TimeUnit.SECONDS.sleep(2);
        double stopped = cpuPercent(idle);
        summary.add(String.format(Locale.ROOT, "node CPU: %.1f%% of a core with the quiet feed (%.0f frames/s), %.1f%% with "
                + "the feed stopped (%d s each)", quiet, framesPerSecond, stopped, idle));
        summary.add(sampleBooks(node, books));
        if (kafka) {
            summary.add(String.format(Locale.ROOT, "Kafka records: %d queued, %d acknowledged, %d refused by the full publish "
                    + "queue (each book refused heals with a full book)", metrics.kafkaQueued(), metrics.kafkaAcknowledged(),
                    metrics.kafkaRefused()));
        }
    }

    /** A random sample of books against the simulator's true books (the feed is stopped). */
    private String sampleBooks(TestNode node, int books) throws Exception {
        List<String[]> markets = new ArrayList<>();
        for (Venue venue : List.of(Venue.POLYMARKET, Venue.KALSHI)) {
            for (JsonNode symbol : getJson("/sim/" + venue.id() + "/markets").path("markets")) {
                markets.add(new String[] {venue.id(), symbol.asText()});
            }
        }
        Collections.shuffle(markets, new Random(7));
        int exact = 0;
        List<String> wrong = new ArrayList<>();
        for (String[] market : markets.subList(0, Math.min(sample, markets.size()))) {
            String symbol = URLEncoder.encode(market[1], StandardCharsets.UTF_8);
            BookSnapshot truth = ProtocolJson.mapper().readValue(get("/sim/" + market[0] + "/book/" + symbol),
                    BookSnapshot.class);
            TestNode.Reply reply = node.get("/api/v1/markets/" + market[0] + "/" + symbol + "/book?depth=1000");
            if (reply.status() == 200 && !reply.body().path("stale").asBoolean(true)
                    && BookTruth.levels(reply.body().path("bids")).equals(truth.bids())
                    && BookTruth.levels(reply.body().path("asks")).equals(truth.asks())) {
                exact++;
            } else if (wrong.size() < 5) {
                wrong.add(market[0] + "/" + market[1] + ": " + reply.status() + " " + reply.body());
            }
        }
        int checked = Math.min(sample, markets.size());
        return String.format(Locale.ROOT, "books sampled against the simulator's true books (feed stopped): %d/%d exact%s",
                exact, checked, wrong.isEmpty() ? "" : "; e.g. " + String.join(" | ", wrong));
    }

    private record Venues(long followed, int sockets, int open) {
    }

    private Venues venues(TestNode node) {
        long followed = 0;
        int sockets = 0;
        int open = 0;
        TestNode.Reply reply = node.get("/api/v1/venues");
        for (JsonNode venue : reply.body().path("venues")) {
            followed += venue.path("followed").asLong();
            for (JsonNode socket : venue.path("connections")) {
                sockets++;
                open += socket.path("state").asText().equals("open") ? 1 : 0;
            }
        }
        return new Venues(followed, sockets, open);
    }

    private double cpuPercent(int seconds) throws InterruptedException {
        long cpu = os.getProcessCpuTime();
        long t = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        return 100.0 * (os.getProcessCpuTime() - cpu) / (System.nanoTime() - t);
    }

    // ------------------------------------------------------------------ the simulator's process

    private void startSimulator(int port, Path keyFile, Path log) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + simHeap,
                "-Dmarketmesh.simulator.port=" + port,
                "-Dmarketmesh.simulator.polymarket-markets=" + polymarketMarkets,
                "-Dmarketmesh.simulator.kalshi-markets=" + kalshiMarkets,
                "-Dmarketmesh.simulator.crypto-markets=0",
                "-Dmarketmesh.simulator.updates-per-second=" + rate,
                "-Dmarketmesh.simulator.kalshi-key-file=" + keyFile,
                "-cp", System.getProperty("java.class.path"), "io.marketmesh.node.Main", "--simulator");
        simulator = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private int port() {
        return URI.create(control).getPort();
    }

    private void awaitSimulator() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!simulator.isAlive()) {
                throw new IllegalStateException("the simulator exited with " + simulator.exitValue());
            }
            try {
                get("/sim/kalshi/stats");
                return;
            } catch (Exception notYet) {
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
        throw new IllegalStateException("the simulator did not come up within 120 s");
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(control + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private JsonNode getJson(String path) throws Exception {
        return JSON.readTree(get(path));
    }

    private void post(String path) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(control + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** CPU seconds and resident memory of a process, from /proc (Linux). */
    private static String processLine(long pid) {
        try {
            String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).split(" ");
            long ticks = Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
            long rssPages = Long.parseLong(stat[23]);
            return String.format(Locale.ROOT, "pid %d, CPU %.1f s so far, resident %d MB", pid, ticks / 100.0,
                    rssPages * 4096 >> 20);
        } catch (Exception e) {
            return "pid " + pid + " (no /proc: " + e.getMessage() + ")";
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The first lines of this JVM's class histogram ({@code jcmd GC.class_histogram}, live objects only). */
    private static List<String> classHistogram(int top) throws Exception {
        javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String text = (String) server.invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        return text.lines().limit(top + 2L).toList();
    }

    private static long fullGcHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long heapUsedMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static String prop(String key, String fallback) {
        return System.getProperty(key, fallback);
    }

    private static void println(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
