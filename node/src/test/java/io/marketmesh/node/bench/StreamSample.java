package io.marketmesh.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.testkit.TestNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Every counter of a stream benchmark run at one instant: the feed's, the node's (its metrics, its stream hub's
 * {@code GET /api/v1/stream/clients}, its CPU by thread), the clients'.
 *
 * @param replay  the replay server's counters; null when it did not answer in time
 * @param swarm   the clients' counters; null when they did not answer in time
 * @param hub     the node's {@code /api/v1/stream/clients}; null when it did not answer (or was not asked: with
 *                thousands of clients the hub takes milliseconds to write it, which would show in the latencies)
 * @param hubNanos  when the hub was asked ({@code System.nanoTime()})
 * @param hubMillis how long its answer took, ms
 * @param nodeCpu this JVM's process CPU time, ns: the node alone (the feed and the clients run in JVMs of their own)
 * @param threads CPU time by thread name (digits dropped, so a pool counts as one), ns
 */
record StreamSample(long nanos, ReplayControl.Stats replay, SwarmControl.Stats swarm, JsonNode hub, long hubNanos,
                    double hubMillis,
                    long framesReceived, long deltasApplied, long nodeCpu, Map<String, Long> threads, long swarmCpu) {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static {
        THREADS.setThreadCpuTimeEnabled(true);
    }

    /** Whether a sample asks the node's hub for its report, and when. */
    enum Hub {
        /** Not asked. */
        NONE,
        /** Asked first, then a second's pause before the rest: what the answer delayed is not in the window. */
        BEFORE,
        /** Asked after the rest: what the answer delays comes after the window. */
        AFTER
    }

    static StreamSample take(ReplayControl replay, SwarmControl swarm, TestNode node, Hub when) {
        NodeMetrics metrics = NodeMetrics.get(node.system());
        JsonNode hub = null;
        long hubAsked = 0;
        double hubMillis = Double.NaN;
        if (when == Hub.BEFORE) {
            hubAsked = System.nanoTime();
            hub = hub(node);
            hubMillis = (System.nanoTime() - hubAsked) / 1e6;
            sleep(1000);
        }
        long nanos = System.nanoTime();
        SwarmControl.Stats clients = swarm.stats().orElse(null);
        ReplayControl.Stats feed = replay.stats().orElse(null);
        long frames = metrics.framesReceived();
        long deltas = metrics.deltasApplied();
        long cpu = OS.getProcessCpuTime();
        Map<String, Long> threads = threadCpu();
        long swarmCpu = swarm.process().cpuNanos();
        if (when == Hub.AFTER) {
            hubAsked = System.nanoTime();
            hub = hub(node);
            hubMillis = (System.nanoTime() - hubAsked) / 1e6;
        }
        return new StreamSample(nanos, feed, clients, hub, hubAsked, hubMillis, frames, deltas, cpu, threads, swarmCpu);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The node's {@code GET /api/v1/stream/clients}, or null when it does not answer (in time). */
    static JsonNode hub(TestNode node) {
        try {
            TestNode.Reply reply = node.get("/api/v1/stream/clients");
            return reply.status() == 200 ? reply.body() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The hub's view of its clients in a few words: how many, how many of those listed are behind, their queues. */
    static String hubSummary(JsonNode hub) {
        if (hub == null) {
            return "the node's hub did not answer";
        }
        int listed = 0;
        int behind = 0;
        int maxQueued = 0;
        int conflated = 0;
        long listedConflations = 0;
        for (JsonNode client : hub.path("clients")) {
            listed++;
            behind += client.path("behind").asBoolean() ? 1 : 0;
            maxQueued = Math.max(maxQueued, client.path("queued").asInt());
            conflated += client.path("conflations").asLong() > 0 ? 1 : 0;
            listedConflations += client.path("conflations").asLong();
        }
        return String.format(java.util.Locale.ROOT, "the node counts %d clients; of the %d it lists, %d are behind, %d "
                        + "were conflated (%d conflations), at most %d messages queued for one; %d conflations in all, "
                        + "disconnects %s", hub.path("connected").asInt(), listed, behind, conflated, listedConflations,
                maxQueued, hub.path("conflations").asLong(), hub.path("disconnects"));
    }

    double seconds(StreamSample earlier) {
        return (nanos - earlier.nanos) / 1e9;
    }

    /** Per second between {@code earlier} and this sample. */
    double rate(StreamSample earlier, ToLongFunction<StreamSample> counter) {
        return (counter.applyAsLong(this) - counter.applyAsLong(earlier)) / seconds(earlier);
    }

    /** A counter of the measured clients' group (or another), per second; NaN when either sample lacks it. */
    double clientRate(StreamSample earlier, int group, String counter) {
        if (swarm == null || earlier.swarm == null) {
            return Double.NaN;
        }
        return (swarm.group(group).get(counter) - earlier.swarm.group(group).get(counter)) / seconds(earlier);
    }

    long clientDelta(StreamSample earlier, int group, String counter) {
        if (swarm == null || earlier.swarm == null) {
            return -1;
        }
        return swarm.group(group).get(counter) - earlier.swarm.group(group).get(counter);
    }

    /** Receipt at the node → the client, for the group's book deltas since {@code earlier}; empty when unknown. */
    MillisHistogram receipt(StreamSample earlier, int group) {
        if (swarm == null || earlier.swarm == null) {
            return new MillisHistogram();
        }
        return swarm.group(group).receipt().minus(earlier.swarm.group(group).receipt());
    }

    /** The hub's encoding of the record ({@code publishedTimestamp}) → the client. */
    MillisHistogram published(StreamSample earlier, int group) {
        if (swarm == null || earlier.swarm == null) {
            return new MillisHistogram();
        }
        return swarm.group(group).published().minus(earlier.swarm.group(group).published());
    }

    double replayRate(StreamSample earlier, ToLongFunction<ReplayControl.Stats> counter) {
        if (replay == null || earlier.replay == null) {
            return Double.NaN;
        }
        return (counter.applyAsLong(replay) - counter.applyAsLong(earlier.replay)) / seconds(earlier);
    }

    /** A total of the hub's report, per second; NaN when either report is missing. */
    double hubRate(StreamSample earlier, String field) {
        if (hub == null || earlier.hub == null) {
            return Double.NaN;
        }
        return (hub.path(field).asLong() - earlier.hub.path(field).asLong()) * 1e9 / (hubNanos - earlier.hubNanos);
    }

    long hubDelta(StreamSample earlier, String field) {
        if (hub == null || earlier.hub == null) {
            return -1;
        }
        return hub.path(field).asLong() - earlier.hub.path(field).asLong();
    }

    /** Clients the node closed or lost since {@code earlier} (every reason but the clients' own close). */
    long hubDisconnects(StreamSample earlier) {
        if (hub == null || earlier.hub == null) {
            return -1;
        }
        return disconnectsNotByClient(hub) - disconnectsNotByClient(earlier.hub);
    }

    private static long disconnectsNotByClient(JsonNode hub) {
        long sum = 0;
        var fields = hub.path("disconnects").fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!field.getKey().equals("client closed")) {
                sum += field.getValue().asLong();
            }
        }
        return sum;
    }

    /**
     * CPU in % of one core: the node, its busiest kinds of thread (the rest of the process's time is GC and the VM's
     * own threads' that ended), the clients' JVM, the feed's.
     */
    String cpu(StreamSample earlier, int cores) {
        double wall = nanos - earlier.nanos;
        double node = 100 * (nodeCpu - earlier.nodeCpu) / wall;
        List<Map.Entry<String, Double>> parts = new ArrayList<>();
        double threadSum = 0;
        for (Map.Entry<String, Long> e : threads.entrySet()) {
            double p = 100 * (e.getValue() - earlier.threads.getOrDefault(e.getKey(), 0L)) / wall;
            threadSum += p;
            parts.add(Map.entry(e.getKey(), p));
        }
        parts.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "node %.0f (", node));
        for (int i = 0; i < Math.min(4, parts.size()); i++) {
            sb.append(String.format(Locale.ROOT, "%s %.0f, ", parts.get(i).getKey(), parts.get(i).getValue()));
        }
        double top = parts.stream().limit(4).mapToDouble(Map.Entry::getValue).sum();
        sb.append(String.format(Locale.ROOT, "other threads %.0f, GC+JIT+VM %.0f)", threadSum - top,
                Math.max(0, node - threadSum)));
        sb.append(String.format(Locale.ROOT, ", clients %.0f", 100 * (swarmCpu - earlier.swarmCpu) / wall));
        if (replay != null && earlier.replay != null) {
            sb.append(String.format(Locale.ROOT, ", feed %.0f", 100 * (replay.cpuNanos() - earlier.replay.cpuNanos()) / wall));
        }
        return sb.append(" of ").append(cores * 100).toString();
    }

    double nodeCpuPercent(StreamSample earlier) {
        return 100.0 * (nodeCpu - earlier.nodeCpu) / (nanos - earlier.nanos);
    }

    private static Map<String, Long> threadCpu() {
        Map<String, Long> byName = new HashMap<>();
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(ids[i]);
            if (cpu >= 0) {
                byName.merge(infos[i].getThreadName().replaceAll("[0-9]+", "#"), cpu, Long::sum);
            }
        }
        return byName;
    }
}
