package io.marketmesh.node.bench;

import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.testkit.TestNode;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One rate step: the generator is told the rate, the node warms up, the Kafka backlog is drained (records queued ==
 * acknowledged, within a bound), and only then the window is measured. A step is sustained when, over the window,
 * the generator sent at least 95% of the asked rate, the node received at least 98% of the frames sent, Kafka's
 * backlog grew by at most 2% of the window's records, nothing was refused, no socket reconnected, the producer did
 * not restart, no book was resynced or went stale, and receipt → Kafka ack p99 stayed within the bound.
 */
final class LoadStep {

    private final LoadSettings settings;
    private final ReplayControl replay;
    private final TestNode node;
    private final NodeMetrics metrics;
    private final ChildJvm broker;
    private final HeapWatch heap;
    private final LoadReport report;
    private final List<String> marketPaths;
    /** The stale check of every market after a window may take this long; markets not answered by then are counted. */
    private static final int STALE_SCAN_SECONDS = 30;

    private final int cores = Runtime.getRuntime().availableProcessors();
    /** Stale events summed over every market at the last scan. */
    private long staleEventsBefore;

    LoadStep(LoadSettings settings, ReplayControl replay, TestNode node, ChildJvm broker, HeapWatch heap, LoadReport report,
             List<String> marketPaths) {
        this.settings = settings;
        this.replay = replay;
        this.node = node;
        this.metrics = NodeMetrics.get(node.system());
        this.broker = broker;
        this.heap = heap;
        this.report = report;
        this.marketPaths = marketPaths;
    }

    /** Scans every market once, so that the first step counts only its own stale events. */
    void baseline() {
        staleEventsBefore = scanStale()[0];
    }

    StepResult run(double rate) throws Exception {
        String label = "step " + LoadReport.k(rate);
        report.line("");
        report.line("==== %s changes/s (warm-up %d s, window %d s; load average %.2f) ====", label, settings.warmup(),
                settings.window(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<String> why = new ArrayList<>();
        if (!replay.setRate(rate)) {
            why.add("the generator did not take the rate in time (overloaded)");
        }
        LoadSample last = sample();
        last = watch(label + " warm-up", settings.warmup(), last);
        if (!drain(rate, label)) {
            why.add(String.format(Locale.ROOT, "Kafka backlog not drained within %d s before the window",
                    settings.drainTimeout()));
        }
        metrics.receiptToApplied().reset();
        metrics.receiptToKafkaAck().reset();
        metrics.topToSummary().reset();
        heap.clear();
        LoadSample start = sample();
        LoadSample end = watch(label, settings.window(), start);
        LoadReport.Percentiles applied = LoadReport.Percentiles.of(metrics.receiptToApplied());
        LoadReport.Percentiles acked = LoadReport.Percentiles.of(metrics.receiptToKafkaAck());
        LoadReport.Percentiles summaries = LoadReport.Percentiles.of(metrics.topToSummary());
        StepResult result = verdict(rate, start, end, applied, acked, why);
        report.line("[%s] RESULT: generated %s ch/s (%s fr/s), node applied %s deltas/s, Kafka %s acks/s; receipt->applied %s ms,"
                        + " receipt->ack %s ms, receipt->instrument summary %s ms; node CPU %.2f us/change; %s;"
                        + " heap after GC %s MB; %s", label,
                LoadReport.k(result.generated()), LoadReport.k(result.frames()), LoadReport.k(result.applied()),
                LoadReport.k(result.acked()), applied, acked, summaries, result.cpuMicrosPerChange(), result.cpu(),
                result.heap(),
                result.sustained() ? "SUSTAINED" : "NOT sustained: " + String.join("; ", result.why()));
        return result;
    }

    private StepResult verdict(double rate, LoadSample start, LoadSample end, LoadReport.Percentiles applied,
                               LoadReport.Percentiles acked, List<String> why) {
        double generated = end.generatorRate(start, ReplayControl.Stats::changes);
        double frames = end.generatorRate(start, ReplayControl.Stats::frames);
        double appliedRate = end.rate(start, LoadSample::deltasApplied);
        if (start.generator() == null || end.generator() == null) {
            why.add("the generator did not answer in time at the window's start or end (overloaded)");
        } else {
            ReplayControl.Stats from = start.generator();
            ReplayControl.Stats to = end.generator();
            if (generated < 0.95 * rate) {
                why.add(String.format(Locale.ROOT, "the generator sent only %.0f%% of the asked rate (%d changes skipped"
                                + " as late; %.1f s blocked writing to sockets the node did not read)", 100 * generated / rate,
                        to.skipped() - from.skipped(), (to.blockedNanos() - from.blockedNanos()) / 1e9));
            }
            long sent = to.frames() - from.frames();
            long received = end.framesReceived() - start.framesReceived();
            if (received < 0.98 * sent) {
                why.add(String.format(Locale.ROOT, "the node received %d of %d frames sent (%.1f%%): it fell behind",
                        received, sent, 100.0 * received / Math.max(1, sent)));
            }
            if (to.accepted() != from.accepted()) {
                why.add((to.accepted() - from.accepted()) + " socket reconnect(s)");
            }
            if (to.snapshots() != from.snapshots()) {
                why.add((to.snapshots() - from.snapshots()) + " book snapshot(s) sent in the window: books resynced");
            }
        }
        long backlogGrowth = (end.kafkaQueued() - end.kafkaAcked()) - (start.kafkaQueued() - start.kafkaAcked());
        long queued = end.kafkaQueued() - start.kafkaQueued();
        // 2% of the window's records, but at least the drain bound: at low rates the backlog at one instant is mostly
        // the records of the last linger.ms and round trip, which come and go.
        if (backlogGrowth > Math.max(0.02 * queued, drainBound(rate))) {
            why.add(String.format(Locale.ROOT, "Kafka backlog grew by %d records (%.1f%% of the window's)", backlogGrowth,
                    100.0 * backlogGrowth / Math.max(1, queued)));
        }
        if (end.kafkaRefused() != start.kafkaRefused()) {
            why.add((end.kafkaRefused() - start.kafkaRefused()) + " records refused by the full publish queue");
        }
        if (end.producerRestarts() != start.producerRestarts()) {
            why.add("the Kafka producer restarted");
        }
        if (acked.count() == 0 || acked.p99() > settings.ackBoundMs() * 1000L) {
            why.add(String.format(Locale.ROOT, "receipt->Kafka ack p99 %s ms over the %d ms bound",
                    LoadReport.ms(acked.p99()), settings.ackBoundMs()));
        }
        long[] stale = scanStale();
        if (stale[0] != staleEventsBefore || stale[1] > 0) {
            why.add(String.format(Locale.ROOT, "%d stale event(s) in the step, %d book(s) stale at its end",
                    stale[0] - staleEventsBefore, stale[1]));
        }
        if (stale[2] > 0) {
            why.add(stale[2] + " market(s) did not answer the stale check");
        }
        staleEventsBefore = stale[0];
        long deltas = end.deltasApplied() - start.deltasApplied();
        double cpuPerChange = deltas == 0 ? 0 : (end.nodeCpu() - start.nodeCpu()) / 1e3 / deltas;
        return new StepResult(rate, generated, frames, appliedRate, end.rate(start, LoadSample::kafkaAcked), applied, acked,
                cpuPerChange, cpu(start, end), heap.range(), why);
    }

    /** Waits until Kafka's backlog is within the bound (0.1 s of the rate's records, at least 2000); false on timeout. */
    private boolean drain(double rate, String label) throws InterruptedException {
        long bound = drainBound(rate);
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(settings.drainTimeout());
        while (System.nanoTime() < deadline) {
            long backlog = metrics.kafkaQueued() - metrics.kafkaAcknowledged();
            if (backlog <= bound) {
                report.line("[%s] Kafka backlog %d <= %d after %.1f s of draining", label, backlog, bound,
                        (System.nanoTime() - started) / 1e9);
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        report.line("[%s] Kafka backlog still %d (> %d) after %d s", label, metrics.kafkaQueued() - metrics.kafkaAcknowledged(),
                bound, settings.drainTimeout());
        return false;
    }

    /** The Kafka backlog taken as drained: 0.1 s of the step's records, at least 2000. */
    private long drainBound(double rate) {
        return Math.max(2_000, (long) (rate * 0.1 * settings.recordsPerChange()));
    }

    private LoadSample watch(String label, int seconds, LoadSample from) throws InterruptedException {
        LoadSample last = from;
        for (int t = 0; t < seconds; ) {
            int slice = Math.min(settings.report(), seconds - t);
            TimeUnit.SECONDS.sleep(slice);
            t += slice;
            LoadSample now = sample();
            report.line("[%s] t=%3ds gen %s ch/s %s fr/s | node %s fr/s %s deltas/s | Kafka %s acks/s, backlog %d, refused %d"
                            + " | applied %s ms | ack %s ms | %s", label, t,
                    LoadReport.k(now.generatorRate(last, ReplayControl.Stats::changes)),
                    LoadReport.k(now.generatorRate(last, ReplayControl.Stats::frames)),
                    LoadReport.k(now.rate(last, LoadSample::framesReceived)), LoadReport.k(now.rate(last, LoadSample::deltasApplied)),
                    LoadReport.k(now.rate(last, LoadSample::kafkaAcked)), now.kafkaQueued() - now.kafkaAcked(), now.kafkaRefused(),
                    LoadReport.pcts(metrics.receiptToApplied()), LoadReport.pcts(metrics.receiptToKafkaAck()), cpu(last, now));
            last = now;
        }
        return last;
    }

    private LoadSample sample() {
        return LoadSample.take(replay, metrics, broker);
    }

    /** CPU in % of one core: the node (by part), the broker, the generator. */
    private String cpu(LoadSample from, LoadSample to) {
        double node = LoadSample.percent(from.nodeCpu(), to.nodeCpu(), from, to);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "node %.0f (", node));
        double threads = 0;
        for (String part : LoadSample.PARTS) {
            double p = LoadSample.percent(from.nodeCpuByPart().getOrDefault(part, 0L), to.nodeCpuByPart().getOrDefault(part, 0L),
                    from, to);
            threads += p;
            sb.append(String.format(Locale.ROOT, "%.0f / ", p));
        }
        sb.append(String.format(Locale.ROOT, "%.0f)", Math.max(0, node - threads)));
        sb.append(String.format(Locale.ROOT, ", broker %.0f", LoadSample.percent(from.brokerCpu(), to.brokerCpu(), from, to)));
        if (from.generator() != null && to.generator() != null) {
            sb.append(String.format(Locale.ROOT, ", generator %.0f",
                    LoadSample.percent(from.generator().cpuNanos(), to.generator().cpuNanos(), from, to)));
        }
        return sb.append(" of ").append(cores * 100).toString();
    }

    /** Over every market: stale events so far, books stale now, markets that did not answer. */
    private long[] scanStale() {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> answers = new ArrayList<>();
            for (String path : marketPaths) {
                answers.add(pool.submit(() -> {
                    try {
                        TestNode.Reply reply = node.get("/api/v1/markets/" + path);
                        if (reply.status() != 200 || reply.body() == null) {
                            return new long[] {0, 0, 1};
                        }
                        return new long[] {reply.body().path("counters").path("staleEvents").asLong(),
                                reply.body().path("stale").asBoolean() ? 1 : 0, 0};
                    } catch (RuntimeException e) {
                        return new long[] {0, 0, 1};
                    }
                }));
            }
            long[] sum = new long[3];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STALE_SCAN_SECONDS);
            for (Future<long[]> answer : answers) {
                try {
                    long[] one = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    for (int i = 0; i < 3; i++) {
                        sum[i] += one[i];
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    sum[2]++;
                }
            }
            return sum;
        } catch (Exception e) {
            return new long[] {staleEventsBefore, 0, marketPaths.size()};
        } finally {
            pool.shutdownNow();
        }
    }
}
