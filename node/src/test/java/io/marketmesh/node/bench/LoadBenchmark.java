package io.marketmesh.node.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import io.marketmesh.node.metrics.LatencyHistogram;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.simulator.SimulatorSettings;
import io.marketmesh.node.simulator.SimulatorStats;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import javax.management.openmbean.CompositeData;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * End-to-end load benchmark (not a test): the venue simulator feeds a real node with its embedded Kafka broker, all
 * in this one JVM, as it would run on one machine.
 *
 * <ol>
 *   <li><b>Ceiling</b>: a client that only reads and discards the simulator's frames (the same sockets and
 *   subscriptions as the node) at rising rates: what the simulator can deliver on this machine. Twice: with
 *   java.net.http's WebSocket client, and with pekko-http's, which the node used before {@code VenueSocket}, to
 *   show what that costs alone.</li>
 *   <li><b>Node</b>: the node follows every simulated market and publishes to Kafka ({@code acks=all}, idempotent,
 *   as configured for production) while the rate steps up; each step reports book changes applied/s, Kafka
 *   records acknowledged/s, receipt→applied and receipt→Kafka-ack latency (p50/p99/p99.9), heap after GC, and
 *   CPU by part (simulator, node, Kafka producer, the rest: broker, JIT; GC is process minus threads).</li>
 * </ol>
 *
 * A step is <i>sustained</i> when the simulator produced at least 95% of the asked rate, the node received at
 * least 98% of the frames sent in the window (no growing lag), the Kafka backlog did not grow by more than 2% of
 * the window's records and nothing was refused, and no socket reconnected.
 *
 * <p>Settings, as system properties or {@code key=value} arguments (defaults in brackets):
 * {@code load.polymarketMarkets} [250, two books each], {@code load.kalshiMarkets} [500],
 * {@code load.rates} [10000,25000,50000,100000,200000,300000 book changes/s in total, half per venue],
 * {@code load.warmup} [10 s per step], {@code load.duration} [30 s per step], {@code load.report} [5 s],
 * {@code load.ceilingRates} [50000,100000,200000,300000,400000], {@code load.ceilingDuration} [15 s per rate],
 * {@code load.skipCeiling} [false], {@code load.keepGoing} [false: stop after two steps in a row not sustained;
 * the ceiling stops at its first rate not kept up].
 */
public final class LoadBenchmark {

    private static final int POLYMARKET_PER_SOCKET = 200;
    private static final int KALSHI_PER_SOCKET = 500;

    private final int polymarketMarkets = intProp("load.polymarketMarkets", 250);
    private final int kalshiMarkets = intProp("load.kalshiMarkets", 500);
    private final List<Double> rates = doubles(prop("load.rates", "10000,25000,50000,100000,200000,300000"));
    private final int warmup = intProp("load.warmup", 10);
    private final int duration = intProp("load.duration", 30);
    private final int report = intProp("load.report", 5);
    private final List<Double> ceilingRates = doubles(prop("load.ceilingRates", "50000,100000,200000,300000,400000"));
    private final int ceilingDuration = intProp("load.ceilingDuration", 15);
    private final boolean skipCeiling = Boolean.parseBoolean(prop("load.skipCeiling", "false"));
    private final boolean keepGoing = Boolean.parseBoolean(prop("load.keepGoing", "false"));

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final int cores = Runtime.getRuntime().availableProcessors();
    /** Heap used right after each GC (all pools), with the time it was seen. */
    private final List<long[]> heapAfterGc = new CopyOnWriteArrayList<>();
    private final List<String> summary = new ArrayList<>();

    /** Frames the simulator had sent to other clients (the ceiling phase) before the node connected. */
    private long framesBeforeNode;
    private ActorSystem<Void> venues;
    private VenueSimulator simulator;

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                System.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        int code = 0;
        try {
            new LoadBenchmark().run();
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    private void run() throws Exception {
        threads.setThreadCpuTimeEnabled(true);
        watchGc();
        println("LoadBenchmark: %d Polymarket markets (%d books) + %d Kalshi markets = %d books; %d cores, max heap %d MB, %s",
                polymarketMarkets, 2 * polymarketMarkets, kalshiMarkets, 2 * polymarketMarkets + kalshiMarkets, cores,
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        println("load average at start: %.2f", os.getSystemLoadAverage());
        venues = TestNode.localSystem("venues");
        simulator = VenueSimulator.start(venues, new SimulatorSettings(0, polymarketMarkets, kalshiMarkets, 0, 42, null, ""));
        try {
            if (!skipCeiling) {
                ceiling(false);
                ceiling(true);
            }
            nodeSteps();
        } finally {
            simulator.close();
            venues.terminate();
        }
        println("");
        println("==== summary (load average at end %.2f) ====", os.getSystemLoadAverage());
        summary.forEach(LoadBenchmark::println);
    }

    // ------------------------------------------------------------------ phase (a): read-only ceiling

    /**
     * @param pekko read with the pekko-http WebSocket client the node used before (the same handling of strict and streamed
     *              messages as {@code ConnectionActor} had, in an actor system of its own) instead of java.net.http
     */
    private void ceiling(boolean pekko) throws Exception {
        ceilingRunning = true;
        println("");
        String kind = pekko ? "pekko-http WebSocket client (as the node used before)" : "java.net.http WebSocket client";
        println("==== (a) read-only ceiling: a %s that reads and discards every frame ====", kind);
        LongAdder frames = new LongAdder();
        LongAdder chars = new LongAdder();
        HttpClient http = HttpClient.newHttpClient();
        ActorSystem<Void> clientSystem = pekko ? TestNode.localSystem("client") : null;
        List<Runnable> closers = new ArrayList<>();
        List<String> subscriptions = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        List<String> tokens = simulator.markets(Venue.POLYMARKET);
        for (int i = 0; i < tokens.size(); i += POLYMARKET_PER_SOCKET) {
            urls.add(simulator.polymarketWsUrl());
            subscriptions.add(polymarketSubscribe(tokens.subList(i, Math.min(tokens.size(), i + POLYMARKET_PER_SOCKET))));
        }
        List<String> tickers = simulator.markets(Venue.KALSHI);
        for (int i = 0; i < tickers.size(); i += KALSHI_PER_SOCKET) {
            urls.add(simulator.kalshiWsUrl());
            subscriptions.add(kalshiSubscribe(tickers.subList(i, Math.min(tickers.size(), i + KALSHI_PER_SOCKET))));
        }
        for (int i = 0; i < urls.size(); i++) {
            if (pekko) {
                closers.add(openPekko(clientSystem, urls.get(i), subscriptions.get(i), frames, chars));
            } else {
                WebSocket ws = open(http, urls.get(i), frames, chars);
                ws.sendText(subscriptions.get(i), true).join();
                closers.add(() -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null));
            }
        }
        TimeUnit.SECONDS.sleep(2);
        summary.add("");
        summary.add("Read-only ceiling, " + kind + " (" + urls.size() + " sockets; simulator and client in one JVM):");
        summary.add("| asked changes/s | simulator changes/s | frames/s sent | frames/s read | MB/s read | CPU % of "
                + cores * 100 + " (sim / client) |");
        summary.add("|---|---|---|---|---|---|");
        double best = 0;
        String notKept = "";
        for (double rate : ceilingRates) {
            simulator.setUpdatesPerSecond(rate / 2);
            TimeUnit.SECONDS.sleep(2);
            Sample start = sample(frames.sum(), chars.sum());
            Sample last = start;
            for (int t = 0; t < ceilingDuration; ) {
                int slice = Math.min(report, ceilingDuration - t);
                TimeUnit.SECONDS.sleep(slice);
                t += slice;
                Sample now = sample(frames.sum(), chars.sum());
                println("[ceiling %s] t=%2ds sim %s ch/s, sent %s fr/s, read %s fr/s, %s", k(rate), t,
                        k(now.rate(last, Sample::simChanges)), k(now.rate(last, Sample::simFrames)), k(now.rate(last, Sample::nodeFrames)),
                        cpu(last, now));
                last = now;
            }
            double simRate = last.rate(start, Sample::simChanges);
            double sent = last.rate(start, Sample::simFrames);
            double read = last.rate(start, Sample::nodeFrames);
            double mb = last.rate(start, Sample::kafkaQueued) / 1e6; // frame chars; ASCII, so one byte each on the wire
            boolean kept = simRate >= 0.95 * rate && read >= 0.98 * sent && last.accepted == start.accepted;
            summary.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %s |%s", k(rate), k(simRate), k(sent), k(read),
                    mb, cpuShort(start, last), kept ? "" : " not kept up"));
            if (kept) {
                best = Math.max(best, simRate);
            } else {
                notKept = String.format(Locale.ROOT, "; at %s asked, the client read only %s frames/s of %s sent",
                        k(rate), k(read), k(sent));
                if (!keepGoing) {
                    break;
                }
            }
        }
        summary.add(String.format(Locale.ROOT, "Ceiling (%s): %s book changes/s kept up with%s.", kind, k(best), notKept));
        simulator.setUpdatesPerSecond(0);
        closers.forEach(Runnable::run);
        TimeUnit.SECONDS.sleep(3);
        if (clientSystem != null) {
            clientSystem.terminate();
            clientSystem.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        println("");
    }

    private static Runnable openPekko(ActorSystem<Void> system, String url, String subscription, LongAdder frames,
                                      LongAdder chars) {
        Materializer materializer = Materializer.matFromSystem(system);
        Sink<Message, CompletionStage<Done>> discard = Sink.foreach(message -> {
            if (message.isText()) {
                TextMessage text = message.asTextMessage();
                if (text.isStrict()) {
                    chars.add(text.getStrictText().length());
                    frames.increment();
                } else {
                    text.getStreamedText().runFold(new StringBuilder(), StringBuilder::append, materializer)
                            .thenAccept(sb -> {
                                chars.add(sb.length());
                                frames.increment();
                            });
                }
            } else {
                message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer);
            }
        });
        Source<Message, java.util.concurrent.CompletableFuture<java.util.Optional<Message>>> out =
                Source.<Message>single(TextMessage.create(subscription)).concatMat(Source.maybe(), Keep.right());
        Pair<CompletionStage<WebSocketUpgradeResponse>, java.util.concurrent.CompletableFuture<java.util.Optional<Message>>> ws =
                Http.get(system).singleWebSocketRequest(WebSocketRequest.create(url),
                        Flow.fromSinkAndSourceMat(discard, out, Keep.right()), materializer);
        ws.first().toCompletableFuture().join();
        return () -> ws.second().complete(java.util.Optional.empty());
    }

    private static WebSocket open(HttpClient http, String url, LongAdder frames, LongAdder chars) {
        return http.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(Long.MAX_VALUE);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                chars.add(data.length());
                if (last) {
                    frames.increment();
                }
                return null;
            }
        }).join();
    }

    private static String polymarketSubscribe(List<String> tokens) {
        return "{\"assets_ids\":[\"" + String.join("\",\"", tokens) + "\"],\"type\":\"market\",\"initial_dump\":true}";
    }

    private static String kalshiSubscribe(List<String> tickers) {
        return "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\",\"trade\",\"ticker\"],"
                + "\"market_tickers\":[\"" + String.join("\",\"", tickers) + "\"]}}";
    }

    // ------------------------------------------------------------------ phase (b): the node

    private void nodeSteps() throws Exception {
        ceilingRunning = false;
        println("==== (b) node: simulator -> node (parse, book) -> embedded Kafka (acks=all) ====");
        Path dataDir = Files.createTempDirectory("marketmesh-load-kafka");
        Map<String, Object> settings = new HashMap<>(TestNode.embeddedKafka(dataDir));
        settings.put("marketmesh.venues.polymarket.ws-url", simulator.polymarketWsUrl());
        settings.put("marketmesh.venues.polymarket.rest-url", simulator.polymarketRestUrl());
        settings.put("marketmesh.venues.polymarket.markets", String.join(",", simulator.markets(Venue.POLYMARKET)));
        settings.put("marketmesh.venues.kalshi.ws-url", simulator.kalshiWsUrl());
        settings.put("marketmesh.venues.kalshi.rest-url", simulator.kalshiRestUrl());
        settings.put("marketmesh.venues.kalshi.markets", String.join(",", simulator.markets(Venue.KALSHI)));
        long started = System.nanoTime();
        framesBeforeNode = simulator.stats(Venue.POLYMARKET).framesSent() + simulator.stats(Venue.KALSHI).framesSent();
        TestNode node = TestNode.start(settings);
        try {
            NodeMetrics metrics = NodeMetrics.get(node.system());
            int books = 2 * polymarketMarkets + kalshiMarkets;
            // Snapshots first (one frame per book at least), then a little flow until Kafka acknowledges.
            simulator.setUpdatesPerSecond(1_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while ((metrics.framesReceived() < books || metrics.kafkaAcknowledged() < books) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            println("node up and following %d books after %.1f s (frames %d, Kafka acks %d)", books,
                    (System.nanoTime() - started) / 1e9, metrics.framesReceived(), metrics.kafkaAcknowledged());
            summary.add("");
            summary.add("Node steps (" + duration + " s measured after " + warmup + " s warm-up each; latency in ms; "
                    + "CPU in % of one core, " + cores * 100 + " = all; raw topic "
                    + (Boolean.parseBoolean(System.getProperty("marketmesh.kafka.publish-raw", "true")) ? "on" : "OFF")
                    + "; producer client-properties " + clientProperties() + "):");
            summary.add("| asked changes/s | sim changes/s | deltas applied/s | Kafka acks/s | receipt→applied p50 / p99 / p99.9 "
                    + "| receipt→Kafka ack p50 / p99 / p99.9 | heap after GC (MB, min–max) | CPU total (sim / node / producer / broker+other / GC+VM) | sustained |");
            summary.add("|---|---|---|---|---|---|---|---|---|");
            int failedInARow = 0;
            for (double rate : rates) {
                failedInARow = step(rate, metrics) ? 0 : failedInARow + 1;
                if (failedInARow == 2 && !keepGoing) {
                    break;
                }
            }
        } finally {
            simulator.setUpdatesPerSecond(0);
            node.close();
            deleteQuietly(dataDir);
        }
    }

    private boolean step(double rate, NodeMetrics metrics) throws Exception {
        simulator.setUpdatesPerSecond(rate / 2);
        String label = "node " + k(rate);
        Sample last = sample(metrics);
        for (int t = 0; t < warmup; ) {
            int slice = Math.min(report, warmup - t);
            TimeUnit.SECONDS.sleep(slice);
            t += slice;
            Sample now = sample(metrics);
            progress(label + " warm-up", t, last, now, metrics);
            last = now;
        }
        long liveBefore = fullGcLiveHeap();
        metrics.receiptToApplied().reset();
        metrics.receiptToKafkaAck().reset();
        heapAfterGc.clear();
        Sample start = sample(metrics);
        last = start;
        for (int t = 0; t < duration; ) {
            int slice = Math.min(report, duration - t);
            TimeUnit.SECONDS.sleep(slice);
            t += slice;
            Sample now = sample(metrics);
            progress(label, t, last, now, metrics);
            last = now;
        }
        Sample end = last;
        long liveAfter = fullGcLiveHeap();
        double simRate = end.rate(start, Sample::simChanges);
        double simFrames = end.rate(start, Sample::simFrames);
        double nodeFrames = end.rate(start, Sample::nodeFrames);
        long lagGrowth = (end.simFrames - end.nodeFrames) - (start.simFrames - start.nodeFrames);
        long framesInWindow = end.simFrames - start.simFrames;
        long backlogGrowth = (end.kafkaQueued - end.kafkaAcked) - (start.kafkaQueued - start.kafkaAcked);
        long kafkaInWindow = end.kafkaQueued - start.kafkaQueued;
        List<String> why = new ArrayList<>();
        if (simRate < 0.95 * rate) {
            why.add(String.format(Locale.ROOT, "simulator made only %.0f%% of the asked rate", 100 * simRate / rate));
        }
        if (lagGrowth > 0.02 * framesInWindow) {
            why.add(String.format(Locale.ROOT, "node fell behind the feed by %d frames (%.0f%% of the window)", lagGrowth,
                    100.0 * lagGrowth / Math.max(1, framesInWindow)));
        }
        if (backlogGrowth > 0.02 * kafkaInWindow) {
            why.add(String.format(Locale.ROOT, "Kafka backlog grew by %d records", backlogGrowth));
        }
        if (end.kafkaRefused > start.kafkaRefused) {
            why.add((end.kafkaRefused - start.kafkaRefused) + " records refused by the full publish queue");
        }
        if (end.accepted != start.accepted) {
            why.add((end.accepted - start.accepted) + " socket reconnect(s)");
        }
        boolean sustained = why.isEmpty();
        LatencyHistogram applied = metrics.receiptToApplied();
        LatencyHistogram acked = metrics.receiptToKafkaAck();
        long minHeap = heapAfterGc.stream().mapToLong(h -> h[1]).min().orElse(-1) >> 20;
        long maxHeap = heapAfterGc.stream().mapToLong(h -> h[1]).max().orElse(-1) >> 20;
        println("[%s] RESULT: sim %s ch/s (%s fr/s), node %s fr/s, %s deltas applied/s, Kafka %s acks/s; "
                        + "receipt->applied %s ms, receipt->ack %s ms; heap after GC %d-%d MB (%d GCs), slope %s; %s; %s",
                label, k(simRate), k(simFrames), k(nodeFrames), k(end.rate(start, Sample::deltasApplied)),
                k(end.rate(start, Sample::kafkaAcked)), pcts(applied), pcts(acked), minHeap, maxHeap, heapAfterGc.size(),
                heapSlope(), cpu(start, end), sustained ? "SUSTAINED" : "NOT sustained: " + String.join("; ", why));
        summary.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d–%d | %s | %s |", k(rate), k(simRate),
                k(end.rate(start, Sample::deltasApplied)), k(end.rate(start, Sample::kafkaAcked)), pcts(applied), pcts(acked),
                minHeap, maxHeap, cpuShort(start, end), sustained ? "yes" : "no: " + String.join("; ", why)));
        String live = String.format(Locale.ROOT, "live heap after a full GC: %d MB before the step's window, %d MB after it",
                liveBefore >> 20, liveAfter >> 20);
        println("[%s] %s", label, live);
        if (duration >= 120) {
            summary.add("heap after (young) GCs over the step, lowest per minute: " + heapSeries() + " (slope " + heapSlope()
                    + "); " + live);
        }
        return sustained;
    }

    private void progress(String label, int t, Sample last, Sample now, NodeMetrics metrics) {
        println("[%s] t=%3ds sim %s ch/s %s fr/s | node %s fr/s %s deltas/s, lag %d fr | Kafka %s acks/s, backlog %d, refused %d"
                        + " | applied %s ms | ack %s ms | heap %d MB (after last GC %d) | %s",
                label, t, k(now.rate(last, Sample::simChanges)), k(now.rate(last, Sample::simFrames)),
                k(now.rate(last, Sample::nodeFrames)), k(now.rate(last, Sample::deltasApplied)),
                now.simFrames - framesBeforeNode - now.nodeFrames,
                k(now.rate(last, Sample::kafkaAcked)), now.kafkaQueued - now.kafkaAcked, now.kafkaRefused,
                pcts(metrics.receiptToApplied()), pcts(metrics.receiptToKafkaAck()),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20,
                heapAfterGc.isEmpty() ? -1 : heapAfterGc.get(heapAfterGc.size() - 1)[1] >> 20, cpu(last, now));
    }

    // ------------------------------------------------------------------ samples

    /** Counters at one instant; for the ceiling, nodeFrames are the client's frames and kafkaQueued its chars. */
    private record Sample(long nanos, long simChanges, long simFrames, long accepted, long nodeFrames, long deltasApplied,
                          long kafkaQueued, long kafkaAcked, long kafkaRefused, long processCpu, Map<String, Long> cpuByPart) {

        /** Per second between {@code earlier} and this sample. */
        double rate(Sample earlier, java.util.function.ToLongFunction<Sample> counter) {
            return (counter.applyAsLong(this) - counter.applyAsLong(earlier)) * 1e9 / (nanos - earlier.nanos);
        }
    }

    private Sample sample(NodeMetrics m) {
        return sample(m.framesReceived(), m.deltasApplied(), m.kafkaQueued(), m.kafkaAcknowledged(), m.kafkaRefused());
    }

    private Sample sample(long clientFrames, long clientChars) {
        return sample(clientFrames, 0, clientChars, 0, 0);
    }

    private Sample sample(long nodeFrames, long deltas, long queued, long acked, long refused) {
        long changes = 0;
        long frames = 0;
        long accepted = 0;
        for (Venue venue : List.of(Venue.POLYMARKET, Venue.KALSHI)) {
            SimulatorStats stats = simulator.stats(venue);
            changes += stats.updatesPublished();
            frames += stats.framesSent();
            accepted += stats.connectionsAccepted();
        }
        return new Sample(System.nanoTime(), changes, frames, accepted, nodeFrames, deltas, queued, acked, refused,
                os.getProcessCpuTime(), cpuByPart());
    }

    /** Thread CPU time (ns) by part of the process, told apart by thread name. */
    private Map<String, Long> cpuByPart() {
        Map<String, Long> parts = new HashMap<>();
        long[] ids = threads.getAllThreadIds();
        java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (cpu < 0) {
                continue;
            }
            parts.merge(part(infos[i].getThreadName()), cpu, Long::sum);
        }
        return parts;
    }

    /**
     * True while a read-only ceiling phase runs: java.net.http's selector threads ({@code HttpClient-N-...}) are then
     * the ceiling client's; in node phases they are the node's venue sockets ({@code VenueSocket}).
     */
    private static volatile boolean ceilingRunning;

    /** The producer properties set for this run ({@code marketmesh.kafka.client-properties.*} system properties). */
    private static String clientProperties() {
        String prefix = "marketmesh.kafka.client-properties.";
        List<String> set = new ArrayList<>();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                set.add(key.substring(prefix.length()) + "=" + System.getProperty(key));
            }
        }
        java.util.Collections.sort(set);
        return set.isEmpty() ? "as shipped" : String.join(", ", set);
    }

    private static String part(String thread) {
        if (thread.startsWith("venues-")) {
            return "sim";
        }
        if (thread.startsWith("marketmesh-") && !thread.startsWith("marketmesh-kafka")) {
            return "node";
        }
        if (thread.startsWith("kafka-producer-network-thread")) {
            return "producer";
        }
        if (thread.startsWith("HttpClient-") && !ceilingRunning) {
            return "node";
        }
        if (thread.startsWith("HttpClient-") || thread.startsWith("ForkJoinPool") || thread.startsWith("client-")) {
            return "client";
        }
        return "other";
    }

    /** CPU between two samples in % of one core: total, then by part (GC and VM = process minus all threads). */
    private String cpu(Sample from, Sample to) {
        double wall = to.nanos - from.nanos;
        double total = 100 * (to.processCpu - from.processCpu) / wall;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "CPU %.0f%% of %d", total, cores * 100));
        double threadsSum = 0;
        for (String part : List.of("sim", "node", "producer", "client", "other")) {
            double p = 100 * (to.cpuByPart.getOrDefault(part, 0L) - from.cpuByPart.getOrDefault(part, 0L)) / wall;
            threadsSum += p;
            if (p >= 0.5) {
                sb.append(String.format(Locale.ROOT, " %s %.0f", part, p));
            }
        }
        sb.append(String.format(Locale.ROOT, " gc+vm %.0f", Math.max(0, total - threadsSum)));
        return sb.toString();
    }

    private String cpuShort(Sample from, Sample to) {
        double wall = to.nanos - from.nanos;
        double total = 100 * (to.processCpu - from.processCpu) / wall;
        double[] p = new double[5];
        String[] names = {"sim", "node", "producer", "client", "other"};
        double sum = 0;
        for (int i = 0; i < names.length; i++) {
            p[i] = 100 * (to.cpuByPart.getOrDefault(names[i], 0L) - from.cpuByPart.getOrDefault(names[i], 0L)) / wall;
            sum += p[i];
        }
        if (p[3] >= 0.5) { // ceiling: the client instead of node and producer
            return String.format(Locale.ROOT, "%.0f (%.0f / %.0f)", total, p[0], p[3]);
        }
        return String.format(Locale.ROOT, "%.0f (%.0f / %.0f / %.0f / %.0f / %.0f)", total, p[0], p[1], p[2], p[4],
                Math.max(0, total - sum));
    }

    // ------------------------------------------------------------------ heap

    private void watchGc() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long used = 0;
                    for (MemoryUsage usage : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                        used += usage.getUsed();
                    }
                    heapAfterGc.add(new long[] {System.nanoTime(), used});
                }, null, null);
            }
        }
    }

    /**
     * Heap used right after an explicit full GC: the live set. Taken only outside a step's measured window (it pauses
     * everything for a moment).
     */
    private static long fullGcLiveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Least-squares slope of heap-after-GC over the step, MB per minute. */
    private String heapSlope() {
        List<long[]> points = new ArrayList<>(heapAfterGc);
        if (points.size() < 3) {
            return "n/a";
        }
        double t0 = points.get(0)[0];
        double n = points.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (long[] p : points) {
            double x = (p[0] - t0) / 60e9;
            double y = p[1] / 1048576.0;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double denominator = n * sxx - sx * sx;
        return denominator == 0 ? "n/a" : String.format(Locale.ROOT, "%+.1f MB/min", (n * sxy - sx * sy) / denominator);
    }

    /** Heap after GC per minute of the step: the lowest value seen in each minute (the live set), MB. */
    private String heapSeries() {
        List<long[]> points = new ArrayList<>(heapAfterGc);
        if (points.isEmpty()) {
            return "none";
        }
        long t0 = points.get(0)[0];
        Map<Long, Long> perMinute = new java.util.TreeMap<>();
        for (long[] p : points) {
            perMinute.merge((p[0] - t0) / 60_000_000_000L, p[1] >> 20, Math::min);
        }
        StringBuilder sb = new StringBuilder();
        perMinute.forEach((minute, mb) -> sb.append(sb.length() == 0 ? "" : ", ").append(mb));
        return sb.append(" MB").toString();
    }

    // ------------------------------------------------------------------ helpers

    private static String pcts(LatencyHistogram h) {
        if (h.count() == 0) {
            return "- / - / -";
        }
        return ms(h.percentile(50)) + " / " + ms(h.percentile(99)) + " / " + ms(h.percentile(99.9));
    }

    private static String ms(long micros) {
        return micros < 10_000 ? String.format(Locale.ROOT, "%.2f", micros / 1000.0)
                : String.format(Locale.ROOT, "%.0f", micros / 1000.0);
    }

    private static String k(double perSecond) {
        return perSecond >= 10_000 ? String.format(Locale.ROOT, "%.0fk", perSecond / 1000)
                : perSecond >= 1_000 ? String.format(Locale.ROOT, "%.1fk", perSecond / 1000)
                : String.format(Locale.ROOT, "%.0f", perSecond);
    }

    private static String prop(String key, String fallback) {
        return System.getProperty(key, fallback);
    }

    private static int intProp(String key, int fallback) {
        return Integer.parseInt(prop(key, Integer.toString(fallback)));
    }

    private static List<Double> doubles(String csv) {
        return Stream.of(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Double::parseDouble).toList();
    }

    private static void println(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
