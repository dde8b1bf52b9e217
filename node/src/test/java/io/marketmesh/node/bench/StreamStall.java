package io.marketmesh.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.testkit.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What one stalled client costs the others: the scenario's clients and one more, all following every market, at one
 * feed rate. A window with every client reading, then a window while the extra client reads nothing (its socket's
 * TCP window fills, then the node's buffer for it), then it reads again. The others' rate and latency in both
 * windows, the node's heap after GC in both, and what the node did with the stalled client: when it fell behind
 * ({@code behind} in {@code /api/v1/stream/clients}), its conflations once it caught up, or its close.
 */
final class StreamStall {

    /** The figures of the comparison, for the summary. */
    record Outcome(StreamResult reading, StreamResult stalled, double behindAfterSeconds, long conflations,
                   int maxQueued, String closes, long gapsAfterResume, long snapshotsAfterResume) {

        /** The others' delivered rate with the stalled client over without it. */
        double rateRatio() {
            return reading.delivered() > 0 ? stalled.delivered() / reading.delivered() : Double.NaN;
        }
    }

    private static final int RESUME_SECONDS = 10;

    private final StreamBenchSettings settings;
    private final StreamConnect clients;
    private final StreamStep steps;
    private final ReplayControl replay;
    private final SwarmControl swarm;
    private final TestNode node;
    private final LoadReport report;
    private final HeapWatch heap;
    private final int cores = Runtime.getRuntime().availableProcessors();

    StreamStall(StreamBenchSettings settings, StreamConnect clients, StreamStep steps, ReplayControl replay,
                SwarmControl swarm, TestNode node, LoadReport report, HeapWatch heap) {
        this.settings = settings;
        this.clients = clients;
        this.steps = steps;
        this.replay = replay;
        this.swarm = swarm;
        this.node = node;
        this.report = report;
        this.heap = heap;
    }

    Outcome run(StreamScenario scenario, int count, double rate) throws InterruptedException {
        String label = String.format(Locale.ROOT, "%s N=%d+1 @%s", scenario.name(), count, LoadReport.k(rate));
        StreamConnect.Connected connected = clients.connect(scenario, count, SwarmControl.MEASURED);
        // Connected last, so it is the node's newest client (the highest id in /api/v1/stream/clients).
        clients.connectAndAwait(SwarmControl.STALLED, List.of(StreamConnect.subscribeAll(-1, scenario.depth())),
                List.of(clients.books()), 60, label + " stalling client");

        report.line("");
        report.line("==== %s changes/s, every client reading (warm-up %d s, window %d s; load average %.2f) ====", label,
                settings.warmup(), settings.window(), StreamStep.loadAverage());
        replay.setRate(rate);
        steps.watch(label + " warm-up", settings.warmup(), StreamSample.take(replay, swarm, node, StreamSample.Hub.NONE),
                scenario, SwarmControl.MEASURED);
        heap.clear();
        StreamSample start = StreamSample.take(replay, swarm, node, StreamSample.Hub.BEFORE);
        steps.watch(label + " reading", settings.window(), start, scenario, SwarmControl.MEASURED);
        StreamSample end = StreamSample.take(replay, swarm, node, StreamSample.Hub.AFTER);
        StreamResult reading = steps.verdict(scenario, connected, rate, start, end, SwarmControl.MEASURED, false,
                new ArrayList<>());
        report.line("[%s] RESULT, every client reading: %s", label, steps.describe(reading));

        report.line("");
        report.line("==== %s: one client stops reading for %d s (load average %.2f) ====", label, settings.stallSeconds(),
                StreamStep.loadAverage());
        heap.clear();
        swarm.stall(SwarmControl.STALLED);
        long stalledAt = System.nanoTime();
        StreamSample last = start = StreamSample.take(replay, swarm, node, StreamSample.Hub.AFTER);
        JsonNode newest = newest(start.hub());
        long stalledId = newest == null ? -1 : newest.path("id").asLong();
        double behindAfter = -1;
        int maxQueued = 0;
        for (int t = 0; t < settings.stallSeconds(); ) {
            int slice = Math.min(settings.report(), settings.stallSeconds() - t);
            TimeUnit.SECONDS.sleep(slice);
            t += slice;
            StreamSample now = StreamSample.take(replay, swarm, node, StreamSample.Hub.AFTER);
            JsonNode stalled = client(now.hub(), stalledId);
            if (stalled != null) {
                maxQueued = Math.max(maxQueued, stalled.path("queued").asInt());
                if (behindAfter < 0 && stalled.path("behind").asBoolean()) {
                    behindAfter = (System.nanoTime() - stalledAt) / 1e9;
                }
            }
            report.line("[%s stalled] t=%3ds others %s msg/s, receipt->client %s ms | stalled client: %s | %s | heap after GC"
                            + " %s MB", label, t, LoadReport.k(now.clientRate(last, SwarmControl.MEASURED, "data")),
                    now.receipt(last, SwarmControl.MEASURED).summary(), describe(stalled), now.cpu(last, cores),
                    heap.range());
            last = now;
        }
        end = last;
        StreamResult stalled = steps.verdict(scenario, connected, rate, start, end, SwarmControl.MEASURED, false,
                new ArrayList<>());
        report.line("[%s] RESULT, one client stalled: %s", label, steps.describe(stalled));

        swarm.resume(SwarmControl.STALLED);
        StreamSample resumed = StreamSample.take(replay, swarm, node, StreamSample.Hub.NONE);
        TimeUnit.SECONDS.sleep(RESUME_SECONDS);
        StreamSample after = StreamSample.take(replay, swarm, node, StreamSample.Hub.AFTER);
        JsonNode entry = client(after.hub(), stalledId);
        long conflations = entry == null ? -1 : entry.path("conflations").asLong();
        long gaps = after.clientDelta(resumed, SwarmControl.STALLED, "seqGaps");
        long snapshots = after.clientDelta(resumed, SwarmControl.STALLED, "snapshots");
        String closes = after.swarm() == null ? "?" : after.swarm().closes().stream()
                .filter(c -> c.contains(" " + SwarmControl.STALLED + " ")).toList().toString();
        report.line("[%s] %d s after it reads again: stalled client %s; it received %d snapshot(s) since, %d seq gap(s); "
                        + "closes by the node: %s; node disconnects: %s", label, RESUME_SECONDS, describe(entry), snapshots,
                gaps, closes, after.hub() == null ? "?" : after.hub().path("disconnects"));
        replay.setRate(0);
        Outcome outcome = new Outcome(reading, stalled, behindAfter, conflations, maxQueued, closes, gaps, snapshots);
        report.line("[%s] RESULT: the others received %s msg/s reading, %s msg/s with the stalled client (x%.3f); p99 "
                        + "receipt->client %d -> %d ms; node heap after GC %s -> %s MB; the stalled client was behind after "
                        + "%.0f s, %d conflation(s) once it read again, at most %d messages queued for it", label,
                LoadReport.k(reading.delivered()), LoadReport.k(stalled.delivered()), outcome.rateRatio(),
                reading.receipt().percentile(0.99), stalled.receipt().percentile(0.99), reading.heap(), stalled.heap(),
                behindAfter, conflations, maxQueued);
        return outcome;
    }

    /** The newest client in the node's report: the one that stalls (connected last). */
    private static JsonNode newest(JsonNode hub) {
        if (hub == null) {
            return null;
        }
        JsonNode newest = null;
        for (JsonNode client : hub.path("clients")) {
            if (newest == null || client.path("id").asLong() > newest.path("id").asLong()) {
                newest = client;
            }
        }
        return newest;
    }

    private static JsonNode client(JsonNode hub, long id) {
        if (hub == null) {
            return null;
        }
        for (JsonNode client : hub.path("clients")) {
            if (client.path("id").asLong() == id) {
                return client;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String describe(JsonNode client) {
        if (client == null) {
            return "(no report)";
        }
        if (client.isMissingNode()) {
            return "gone (closed by the node)";
        }
        return String.format(Locale.ROOT, "id %d, %d messages queued, behind %s, %d sent, %d conflations",
                client.path("id").asLong(), client.path("queued").asInt(), client.path("behind").asBoolean(),
                client.path("messagesSent").asLong(), client.path("conflations").asLong());
    }
}
