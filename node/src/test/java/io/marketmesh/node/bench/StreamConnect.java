package io.marketmesh.node.bench;

import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stream benchmark's clients as a step needs them: connects a scenario's clients (and measures what they cost the
 * node in memory), closes them, and waits until the node has let them go and worked through any backlog.
 */
final class StreamConnect {

    /** What connecting {@code clients} took and cost. */
    record Connected(int clients, int ready, double seconds, double heapPerClientKb, double rssPerClientKb) {
    }

    /** How long the node may take to let a step's clients go (its hub may have a backlog to work through first). */
    private static final int CLOSE_TIMEOUT_SECONDS = 180;
    /** The hub's report answered within this counts as the hub being idle. */
    private static final int IDLE_ANSWER_MILLIS = 500;
    private static final int HISTOGRAM_LINES = 15;
    /** Seconds the node's CPU is measured with the clients connected and the feed paused. */
    private static final int IDLE_SECONDS = 3;

    private final StreamBenchSettings settings;
    private final ReplayControl replay;
    private final SwarmControl swarm;
    private final TestNode node;
    private final LoadReport report;
    private final List<String> polymarket;
    private final List<String> kalshi;

    StreamConnect(StreamBenchSettings settings, ReplayControl replay, SwarmControl swarm, TestNode node, LoadReport report,
                  List<String> polymarket, List<String> kalshi) {
        this.settings = settings;
        this.replay = replay;
        this.swarm = swarm;
        this.node = node;
        this.report = report;
        this.polymarket = polymarket;
        this.kalshi = kalshi;
    }

    int books() {
        return polymarket.size() + kalshi.size();
    }

    /**
     * Closes every client of the last step, then connects {@code clients} following as the scenario says. Memory: the
     * node's heap after a full GC (and its resident size) with the feed paused, with one client following every market
     * (so the hub's copies of the books are in both figures), then with the clients too.
     */
    Connected connect(StreamScenario scenario, int clients, int group) throws InterruptedException {
        String label = scenario.name() + " N=" + clients;
        replay.setRate(0);
        closeAll();
        connectAndAwait(SwarmControl.BASELINE, List.of(subscribeAll(0, 0)), List.of(books()), 60, label + " baseline client");
        TimeUnit.SECONDS.sleep(1);
        long heapBefore = heapAfterFullGc();
        long rssBefore = residentBytes();
        HeapHistogram histogramBefore = settings.heapHistogram() ? HeapHistogram.take() : null;
        List<String> subscribes = new ArrayList<>(clients);
        List<Integer> snapshots = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            subscribes.add(subscribe(scenario, i));
            snapshots.add(scenario.markets() == 0 ? books() : Math.min(scenario.markets(), books()));
        }
        long started = System.nanoTime();
        int ready = connectAndAwait(group, subscribes, snapshots, settings.connectTimeout(), label);
        double seconds = (System.nanoTime() - started) / 1e9;
        // What the connected clients cost the node with the feed paused (pings, timers, GC of their state).
        long idleFrom = System.nanoTime();
        long cpuFrom = processCpuNanos();
        TimeUnit.SECONDS.sleep(IDLE_SECONDS);
        double idleCpu = 100.0 * (processCpuNanos() - cpuFrom) / (System.nanoTime() - idleFrom);
        long heapAfter = heapAfterFullGc();
        long rssAfter = residentBytes();
        if (histogramBefore != null && ready > 0) {
            report.line("[%s] the node's heap per client, by class (the %d that grew most):", label, HISTOGRAM_LINES);
            HeapHistogram.take().growthPerClient(histogramBefore, ready, HISTOGRAM_LINES).forEach(l -> report.line("  %s", l));
        }
        swarm.close(SwarmControl.BASELINE);
        awaitNodeCounts(ready, label);
        double perClient = ready == 0 ? 0 : (heapAfter - heapBefore) / 1024.0 / ready;
        double rssPerClient = ready == 0 || rssBefore < 0 ? 0 : (rssAfter - rssBefore) / 1024.0 / ready;
        report.line("[%s] %d of %d clients ready (connected, subscribed, first snapshots in) in %.1f s; node heap after "
                        + "full GC %d -> %d MB = %.1f KB per client, resident %d -> %d MB = %.1f KB per client; node CPU "
                        + "with the feed paused %.1f%% of a core; %s", label, ready, clients, seconds, heapBefore >> 20,
                heapAfter >> 20, perClient, rssBefore >> 20, rssAfter >> 20, rssPerClient, idleCpu,
                StreamSample.hubSummary(StreamSample.hub(node)));
        return new Connected(clients, ready, seconds, perClient, rssPerClient);
    }

    /**
     * Waits until the node's hub counts exactly {@code clients}: a client that has gone but that the hub has not let go
     * yet would be sent (and refused) every change of the step's first seconds.
     */
    private void awaitNodeCounts(int clients, String label) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var hub = StreamSample.hub(node);
            if (hub != null && hub.path("connected").asInt() == clients) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        report.line("[%s] the node does not count %d clients after 30 s: %s", label, clients,
                StreamSample.hubSummary(StreamSample.hub(node)));
    }

    /**
     * Closes every client but the JIT warm-up's and waits until the node has let them go: its hub counts none of them
     * and answers (a hub that fell behind works through its backlog first).
     */
    void closeAll() throws InterruptedException {
        for (int group : new int[] {SwarmControl.MEASURED, SwarmControl.STALLED, SwarmControl.BASELINE}) {
            swarm.close(group);
        }
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(CLOSE_TIMEOUT_SECONDS);
        long lastLine = started;
        while (true) {
            var stats = swarm.stats();
            var hub = StreamSample.hub(node);
            long warmup = stats.map(s -> s.group(SwarmControl.WARMUP).get("open")).orElse(-1L);
            long connected = hub == null ? -1 : hub.path("connected").asLong();
            if (stats.isPresent() && hub != null && connected <= warmup
                    && stats.get().group(SwarmControl.MEASURED).get("open") == 0
                    && stats.get().group(SwarmControl.STALLED).get("open") == 0
                    && stats.get().group(SwarmControl.BASELINE).get("open") == 0) {
                return;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                report.line("the node still counts %d clients %d s after they closed; going on", connected,
                        CLOSE_TIMEOUT_SECONDS);
                return;
            }
            if (now - lastLine > TimeUnit.SECONDS.toNanos(10)) {
                lastLine = now;
                report.line("waiting for the node to let the last step's clients go: it counts %s (%.0f s)",
                        hub == null ? "? (its hub does not answer in time)" : Long.toString(connected),
                        (now - started) / 1e9);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /**
     * Waits until {@code expected} more clients of the group than at {@code before} are ready, or no more can be
     * (failed, dropped), or time is up; returns how many became ready.
     */
    int awaitReady(int group, SwarmControl.Group before, int expected, int timeoutSeconds, String label)
            throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long lastLine = started;
        while (true) {
            var stats = swarm.stats();
            if (stats.isPresent()) {
                SwarmControl.Group g = stats.get().group(group);
                long ready = g.get("ready") - before.get("ready");
                long failed = g.get("failed") - before.get("failed");
                long lost = failed + g.get("dropped") - before.get("dropped") + g.get("closedByNode")
                        - before.get("closedByNode");
                long requested = g.get("requested") - before.get("requested");
                if (requested >= expected && ready + lost >= requested) {
                    return (int) ready;
                }
                long now = System.nanoTime();
                if (now > deadline) {
                    report.line("[%s] only %d of %d ready after %d s (opened %d, failed %d, lost %d); failures: %s; "
                                    + "closes: %s", label, ready, expected, timeoutSeconds, g.get("opened") - before.get("opened"),
                            failed, lost, stats.get().failures(), stats.get().closes());
                    return (int) ready;
                }
                if (now - lastLine > TimeUnit.SECONDS.toNanos(settings.report())) {
                    lastLine = now;
                    report.line("[%s] connecting: %d opened, %d subscribed, %d ready, %d failed (%.0f s)", label,
                            g.get("opened") - before.get("opened"), g.get("subscribed") - before.get("subscribed"), ready,
                            failed, (now - started) / 1e9);
                }
            } else if (System.nanoTime() > deadline) {
                report.line("[%s] the clients' JVM does not answer", label);
                return 0;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** Connects clients into a group and waits until they are ready; returns how many are. */
    int connectAndAwait(int group, List<String> subscribes, List<Integer> snapshots, int timeoutSeconds, String label)
            throws InterruptedException {
        SwarmControl.Group before = swarm.stats().map(s -> s.group(group))
                .orElseThrow(() -> new IllegalStateException("the clients' JVM does not answer"));
        if (!swarm.connect(group, subscribes, snapshots)) {
            report.line("[%s] the clients' JVM did not take the connect request", label);
        }
        return awaitReady(group, before, subscribes.size(), timeoutSeconds, label);
    }

    /**
     * Waits (feed paused) until the node's hub answers {@code /api/v1/stream/clients} at once: a step that fell
     * behind leaves a backlog in the hub's mailbox, which the next step must not inherit.
     */
    void awaitHubIdle(String label) throws InterruptedException {
        replay.setRate(0);
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(CLOSE_TIMEOUT_SECONDS);
        long lastLine = started;
        while (System.nanoTime() < deadline) {
            long asked = System.nanoTime();
            var hub = StreamSample.hub(node);
            if (hub != null && System.nanoTime() - asked < TimeUnit.MILLISECONDS.toNanos(IDLE_ANSWER_MILLIS)) {
                if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(1)) {
                    report.line("[%s] the node's hub worked through its backlog in %.0f s: %s", label,
                            (System.nanoTime() - started) / 1e9, StreamSample.hubSummary(hub));
                }
                return;
            }
            if (System.nanoTime() - lastLine > TimeUnit.SECONDS.toNanos(10)) {
                lastLine = System.nanoTime();
                report.line("[%s] waiting for the node's hub to work through its backlog (%.0f s)", label,
                        (lastLine - started) / 1e9);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        report.line("[%s] the node's hub is still busy after %d s; going on", label, CLOSE_TIMEOUT_SECONDS);
    }

    /**
     * Messages due per book change applied: the feed sends half of its changes to each venue, spread evenly over the
     * venue's books, so a change of venue v goes to (its books' followers / its books) clients.
     */
    double followersPerChange(StreamScenario scenario, int clients) {
        if (scenario.markets() == 0) {
            return clients;
        }
        int k = Math.min(scenario.markets(), books());
        long polymarketFollowers = 0;
        for (int i = 0; i < clients; i++) {
            for (int j = 0; j < k; j++) {
                if ((i * k + j) % books() < polymarket.size()) {
                    polymarketFollowers++;
                }
            }
        }
        long kalshiFollowers = (long) clients * k - polymarketFollowers;
        double perChange = 0;
        boolean both = !polymarket.isEmpty() && !kalshi.isEmpty();
        if (!polymarket.isEmpty()) {
            perChange += (both ? 0.5 : 1) * polymarketFollowers / polymarket.size();
        }
        if (!kalshi.isEmpty()) {
            perChange += (both ? 0.5 : 1) * kalshiFollowers / kalshi.size();
        }
        return perChange;
    }

    /** Client {@code i}'s subscribe message: every market, or k books in turn (client i takes books i·k … i·k+k−1). */
    String subscribe(StreamScenario scenario, int i) {
        if (scenario.markets() == 0) {
            return subscribeAll(i, scenario.depth());
        }
        int k = Math.min(scenario.markets(), books());
        StringBuilder channels = new StringBuilder();
        for (int j = 0; j < k; j++) {
            int book = (int) (((long) i * k + j) % books());
            String channel = book < polymarket.size() ? "book:polymarket:" + polymarket.get(book)
                    : "book:kalshi:" + kalshi.get(book - polymarket.size());
            channels.append(j == 0 ? "" : ",").append('"').append(channel).append('"');
        }
        return subscribeMessage(i, channels.toString(), scenario.depth());
    }

    static String subscribeAll(int id, int depth) {
        return subscribeMessage(id, "\"book:polymarket:*\",\"book:kalshi:*\"", depth);
    }

    private static String subscribeMessage(int id, String channels, int depth) {
        return "{\"op\":\"subscribe\",\"id\":" + id + ",\"channels\":[" + channels + "]"
                + (depth > 0 ? ",\"depth\":" + depth : "") + "}";
    }

    /** This JVM's (the node's) heap in use right after a full GC. */
    static long heapAfterFullGc() throws InterruptedException {
        System.gc();
        TimeUnit.MILLISECONDS.sleep(300);
        System.gc();
        TimeUnit.MILLISECONDS.sleep(300);
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** This JVM's resident memory (Linux {@code /proc/self/status}), bytes; -1 elsewhere. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
