package io.marketmesh.node.bench;

import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.testkit.TestNode;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One step of the stream benchmark: the feed at one rate for a scenario's connected clients (warm-up, measured window,
 * verdict), with a progress line every few seconds.
 */
final class StreamStep {

    private final StreamBenchSettings settings;
    private final StreamConnect clients;
    private final ReplayControl replay;
    private final SwarmControl swarm;
    private final TestNode node;
    private final LoadReport report;
    private final HeapWatch heap;
    private final NodeMetrics metrics;
    private final int cores = Runtime.getRuntime().availableProcessors();
    /** The median receipt → client latency of the last progress slice, ms. */
    private long behindMillis;

    StreamStep(StreamBenchSettings settings, StreamConnect clients, ReplayControl replay, SwarmControl swarm,
               TestNode node, LoadReport report, HeapWatch heap) {
        this.settings = settings;
        this.clients = clients;
        this.replay = replay;
        this.swarm = swarm;
        this.node = node;
        this.report = report;
        this.heap = heap;
        this.metrics = NodeMetrics.get(node.system());
    }

    /** The feed at {@code rate}: warm-up, then the measured window; the verdict. */
    StreamResult run(StreamScenario scenario, StreamConnect.Connected connected, double rate) throws InterruptedException {
        String label = String.format(Locale.ROOT, "%s N=%d @%s", scenario.name(), connected.clients(), LoadReport.k(rate));
        report.line("");
        report.line("==== %s changes/s (warm-up %d s, window %d s; load average %.2f) ====", label, settings.warmup(),
                settings.window(), loadAverage());
        clients.awaitHubIdle(label);
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
        report.line("[%s] RESULT: %s; /api/v1/stream/clients answered in %.0f and %.0f ms: %s", label, describe(result),
                start.hubMillis(), end.hubMillis(), StreamSample.hubSummary(end.hub()));
        report.line("load average after: %.2f", loadAverage());
        if (behindMillis > settings.behindLimitMs()) {
            // With the clients still connected: what the hub made of them once it has worked through its backlog.
            clients.awaitHubIdle(label);
        }
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
    StreamResult verdict(StreamScenario scenario, StreamConnect.Connected connected, double rate, StreamSample start, StreamSample end,
                         int group, boolean allQueuedToGroup, List<String> why) {
        double generated = end.replayRate(start, ReplayControl.Stats::changes);
        double applied = end.rate(start, StreamSample::deltasApplied);
        double delivered = end.clientRate(start, group, "data");
        double read = end.clientRate(start, group, "messages");
        double deltas = end.clientRate(start, group, "deltas");
        double queued = end.hubRate(start, "messagesSent");
        double expected = applied * clients.followersPerChange(scenario, connected.ready());
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
            long unparsed = end.clientDelta(start, group, "unparsed");
            if (unparsed > 0) {
                why.add(unparsed + " message(s) the clients could not read (has the messages' format changed? see "
                        + "SwarmMessage)");
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

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
