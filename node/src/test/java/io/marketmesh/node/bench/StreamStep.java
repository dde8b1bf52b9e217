package io.marketmesh.node.bench;

import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The stream benchmark's clients and steps on one node: connects a scenario's clients (and measures what they cost in
 * memory), then runs the feed at each rate (warm-up, measured window, verdict).
 */
final class StreamStep {

    /** What connecting {@code clients} took and cost. */
    record Connected(int clients, int ready, double seconds, double heapPerClientKb, double rssPerClientKb) {
    }

    private final StreamBenchSettings settings;
    private final ReplayControl replay;
    private final SwarmControl swarm;
    private final TestNode node;
    private final LoadReport report;
    private final HeapWatch heap;
    private final List<String> polymarket;
    private final List<String> kalshi;
    private final NodeMetrics metrics;
    private final int cores = Runtime.getRuntime().availableProcessors();
    /** The median receipt → client latency of the last progress slice, ms. */
    private long behindMillis;
    /** How long the node may take to let a step's clients go (its hub may have a backlog to work through first). */
    private static final int CLOSE_TIMEOUT_SECONDS = 180;

    StreamStep(StreamBenchSettings settings, ReplayControl replay, SwarmControl swarm, TestNode node, LoadReport report,
               HeapWatch heap, List<String> polymarket, List<String> kalshi) {
        this.settings = settings;
        this.replay = replay;
        this.swarm = swarm;
        this.node = node;
        this.report = report;
        this.heap = heap;
        this.polymarket = polymarket;
        this.kalshi = kalshi;
        this.metrics = NodeMetrics.get(node.system());
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
        List<String> subscribes = new ArrayList<>(clients);
        List<Integer> snapshots = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            subscribes.add(subscribe(scenario, i));
            snapshots.add(scenario.markets() == 0 ? books() : Math.min(scenario.markets(), books()));
        }
        long started = System.nanoTime();
        int ready = connectAndAwait(group, subscribes, snapshots, settings.connectTimeout(), label);
        double seconds = (System.nanoTime() - started) / 1e9;
        TimeUnit.SECONDS.sleep(2);
        long heapAfter = heapAfterFullGc();
        long rssAfter = residentBytes();
        swarm.close(SwarmControl.BASELINE);
        double perClient = ready == 0 ? 0 : (heapAfter - heapBefore) / 1024.0 / ready;
        double rssPerClient = ready == 0 || rssBefore < 0 ? 0 : (rssAfter - rssBefore) / 1024.0 / ready;
        report.line("[%s] %d of %d clients ready (connected, subscribed, first snapshots in) in %.1f s; node heap after "
                        + "full GC %d -> %d MB = %.1f KB per client, resident %d -> %d MB = %.1f KB per client", label,
                ready, clients, seconds, heapBefore >> 20, heapAfter >> 20, perClient, rssBefore >> 20, rssAfter >> 20,
                rssPerClient);
        return new Connected(clients, ready, seconds, perClient, rssPerClient);
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
            TimeUnit.MILLISECONDS.sleep(200);
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

    /** The feed at {@code rate}: warm-up, then the measured window; the verdict. */
    StreamResult run(StreamScenario scenario, Connected connected, double rate) throws InterruptedException {
        String label = String.format(Locale.ROOT, "%s N=%d @%s", scenario.name(), connected.clients(), LoadReport.k(rate));
        report.line("");
        report.line("==== %s changes/s (warm-up %d s, window %d s; load average %.2f) ====", label, settings.warmup(),
                settings.window(), loadAverage());
        List<String> why = new ArrayList<>();
        if (!replay.setRate(rate)) {
            why.add("the feed did not take the rate in time (overloaded)");
        }
        StreamSample warmStart = StreamSample.take(replay, swarm, node, StreamSample.Hub.NONE);
        StreamSample warm = watch(label + " warm-up", settings.warmup(), warmStart, scenario, SwarmControl.MEASURED);
        metrics.receiptToApplied().reset();
        heap.clear();
        StreamSample start;
        StreamSample end;
        if (fellBehind(label, warm)) {
            // Hopeless already: the warm-up is the window.
            start = warmStart;
            end = warm;
        } else {
            start = StreamSample.take(replay, swarm, node, StreamSample.Hub.BEFORE);
            StreamSample last = watch(label, settings.window(), start, scenario, SwarmControl.MEASURED);
            end = fellBehind(label, last) ? last : StreamSample.take(replay, swarm, node, StreamSample.Hub.AFTER);
        }
        replay.setRate(0);
        if (behindMillis > settings.behindLimitMs()) {
            why.add(String.format(Locale.ROOT, "stopped early: the clients' book changes arrived %.1f s after the node "
                    + "received them (the node's backlog grows)", behindMillis / 1000.0));
        }
        StreamResult result = verdict(scenario, connected, rate, start, end, SwarmControl.MEASURED, true, why);
        report.line("[%s] RESULT: %s; /api/v1/stream/clients answered in %.0f and %.0f ms", label, describe(result),
                start.hubMillis(), end.hubMillis());
        report.line("load average after: %.2f", loadAverage());
        return result;
    }

    String describe(StreamResult r) {
        return String.format(Locale.ROOT, "%d clients ready; feed %s ch/s, node applied %s/s; clients received %s msg/s "
                        + "(node queued %s/s, book changes due %s/s); receipt->client p50/p99/p99.9/max %s ms, "
                        + "hub->client %s ms, receipt->applied %s ms; %s; heap after GC %s MB; %.1f KB heap per client; %s",
                r.ready(), LoadReport.k(r.generated()), LoadReport.k(r.applied()), LoadReport.k(r.delivered()),
                LoadReport.k(r.queued()), LoadReport.k(r.expected()), r.receipt().summary(), r.published().summary(),
                r.receiptToApplied(), r.cpu(), r.heap(), r.heapPerClientKb(),
                r.sustained() ? "SUSTAINED" : "NOT sustained: " + String.join("; ", r.why()));
    }

    /** Whether the last watch ended early because the clients fell too far behind (and how far: p50, ms). */
    private boolean fellBehind(String label, StreamSample last) {
        if (behindMillis > settings.behindLimitMs()) {
            report.line("[%s] the clients get their book changes %.1f s late (median): the node cannot keep up; the feed "
                    + "stops here, before the hub's backlog fills the heap", label, behindMillis / 1000.0);
            return true;
        }
        return false;
    }

    /**
     * Progress lines every {@code report} seconds for {@code seconds}; returns the last sample. Ends early when the
     * median receipt → client latency of a slice passes {@code stream.behindLimitMs}: the node has fallen behind
     * for good and its hub's mailbox grows without bound.
     */
    StreamSample watch(String label, int seconds, StreamSample from, StreamScenario scenario, int group)
            throws InterruptedException {
        StreamSample last = from;
        behindMillis = 0;
        for (int t = 0; t < seconds && behindMillis <= settings.behindLimitMs(); ) {
            int slice = Math.min(settings.report(), seconds - t);
            TimeUnit.SECONDS.sleep(slice);
            t += slice;
            StreamSample now = StreamSample.take(replay, swarm, node, StreamSample.Hub.NONE);
            report.line("[%s] t=%3ds feed %s ch/s | node %s deltas/s | clients %s msg/s, receipt->client "
                            + "%s ms, hub->client %s ms | %s", label, t,
                    LoadReport.k(now.replayRate(last, ReplayControl.Stats::changes)),
                    LoadReport.k(now.rate(last, StreamSample::deltasApplied)),
                    LoadReport.k(now.clientRate(last, group, "data")), now.receipt(last, group).summary(),
                    now.published(last, group).summary(), now.cpu(last, cores));
            behindMillis = now.receipt(last, group).percentile(0.5);
            last = now;
        }
        return last;
    }

    /**
     * The step's figures and whether it was sustained.
     *
     * @param allQueuedToGroup whether every message the node queued went to {@code group} (no other client connected)
     */
    StreamResult verdict(StreamScenario scenario, Connected connected, double rate, StreamSample start, StreamSample end,
                         int group, boolean allQueuedToGroup, List<String> why) {
        double generated = end.replayRate(start, ReplayControl.Stats::changes);
        double applied = end.rate(start, StreamSample::deltasApplied);
        double delivered = end.clientRate(start, group, "data");
        double read = end.clientRate(start, group, "messages");
        double deltas = end.clientRate(start, group, "deltas");
        double queued = end.hubRate(start, "messagesSent");
        double expected = applied * followersPerChange(scenario, connected.ready());
        if (start.replay() == null || end.replay() == null) {
            why.add("the feed did not answer in time at the window's start or end (overloaded)");
        } else {
            if (generated < 0.95 * rate) {
                why.add(String.format(Locale.ROOT, "the feed sent only %.0f%% of the asked rate", 100 * generated / rate));
            }
            long sent = end.replay().frames() - start.replay().frames();
            long received = end.framesReceived() - start.framesReceived();
            if (received < 0.98 * sent) {
                why.add(String.format(Locale.ROOT, "the node received %d of %d frames sent (%.1f%%)", received, sent,
                        100.0 * received / Math.max(1, sent)));
            }
        }
        if (end.swarm() == null || start.swarm() == null) {
            why.add("the clients did not answer in time at the window's start or end");
        } else {
            if (expected > 0 && deltas < 0.95 * expected) {
                why.add(String.format(Locale.ROOT, "the clients received %.1f%% of the book changes due to them: the node"
                        + " fell behind", 100 * deltas / expected));
            }
            long lost = end.clientDelta(start, group, "closedByNode") + end.clientDelta(start, group, "dropped");
            if (lost > 0) {
                why.add(lost + " client(s) closed by the node or cut off; closes: " + end.swarm().closes());
            }
            long gaps = end.clientDelta(start, group, "seqGaps");
            if (gaps > 0) {
                why.add(gaps + " seq gap(s)");
            }
            long snapshots = end.clientDelta(start, group, "snapshots");
            if (snapshots > 0) {
                why.add(snapshots + " book snapshot(s) in the window (conflated catch-ups or resyncs)");
            }
        }
        if (allQueuedToGroup && !Double.isNaN(queued) && queued > 0 && read < 0.98 * queued) {
            why.add(String.format(Locale.ROOT, "the clients read %.1f%% of what the node queued for them",
                    100 * read / queued));
        }
        long conflations = end.hubDelta(start, "conflations");
        if (conflations > 0) {
            why.add(conflations + " conflation(s)");
        }
        if (end.hub() == null || start.hub() == null) {
            why.add("the node's /api/v1/stream/clients did not answer at the window's start or end");
        }
        return new StreamResult(scenario.name(), connected.clients(), connected.ready(), rate, generated, applied,
                delivered, queued, expected, end.receipt(start, group), end.published(start, group),
                LoadReport.Percentiles.of(metrics.receiptToApplied()), end.nodeCpuPercent(start), end.cpu(start, cores),
                heap.range(), connected.heapPerClientKb(), connected.rssPerClientKb(), connected.seconds(), why);
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

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
