package io.marketmesh.node.bench;

import com.sun.management.OperatingSystemMXBean;
import io.marketmesh.node.metrics.NodeMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Every counter of a run at one instant: the replay server's (or its silence), the node's ({@link NodeMetrics}), and
 * the CPU time of the three processes, the node's split by part (its threads by name; GC and the VM are the rest).
 *
 * @param generator       the replay server's counters; null when it did not answer in time (overloaded)
 * @param nodeCpu         this JVM's process CPU time, ns: the node alone (the feed and the broker run elsewhere)
 * @param brokerCpu       the Kafka broker process's CPU time, ns
 * @param nodeCpuByPart   thread CPU time by part of the node, ns (see {@link #PARTS})
 */
record LoadSample(long nanos, ReplayControl.Stats generator, long framesReceived, long deltasApplied, long kafkaQueued,
                  long kafkaAcked, long kafkaRefused, long producerRestarts, long nodeCpu, long brokerCpu,
                  Map<String, Long> nodeCpuByPart) {

    /** The node's parts, by thread name: actors, the venue sockets' reading, the Kafka producer, everything else. */
    static final List<String> PARTS = List.of("actors", "sockets", "producer", "other");

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static {
        THREADS.setThreadCpuTimeEnabled(true);
    }

    static LoadSample take(ReplayControl replay, NodeMetrics metrics, ChildJvm broker) {
        ReplayControl.Stats generator = replay.stats().orElse(null);
        return new LoadSample(System.nanoTime(), generator, metrics.framesReceived(), metrics.deltasApplied(),
                metrics.kafkaQueued(), metrics.kafkaAcknowledged(), metrics.kafkaRefused(), metrics.kafkaProducerRestarts(),
                OS.getProcessCpuTime(), broker.cpuNanos(), cpuByPart());
    }

    /** Per second between {@code earlier} and this sample. */
    double rate(LoadSample earlier, ToLongFunction<LoadSample> counter) {
        return (counter.applyAsLong(this) - counter.applyAsLong(earlier)) * 1e9 / (nanos - earlier.nanos);
    }

    /** A generator counter per second, NaN when either sample lacks the generator's answer. */
    double generatorRate(LoadSample earlier, ToLongFunction<ReplayControl.Stats> counter) {
        if (generator == null || earlier.generator == null) {
            return Double.NaN;
        }
        return (counter.applyAsLong(generator) - counter.applyAsLong(earlier.generator)) * 1e9 / (nanos - earlier.nanos);
    }

    /** CPU between two samples, in % of one core. */
    static double percent(long cpuFrom, long cpuTo, LoadSample from, LoadSample to) {
        return 100.0 * (cpuTo - cpuFrom) / (to.nanos - from.nanos);
    }

    private static Map<String, Long> cpuByPart() {
        Map<String, Long> parts = new HashMap<>();
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(ids[i]);
            if (cpu >= 0) {
                parts.merge(part(infos[i].getThreadName()), cpu, Long::sum);
            }
        }
        return parts;
    }

    private static String part(String thread) {
        if (thread.startsWith("marketmesh-venue-ws") || thread.startsWith("HttpClient-")) {
            return "sockets";
        }
        if (thread.startsWith("kafka-producer-network-thread")) {
            return "producer";
        }
        if (thread.startsWith("marketmesh-")) {
            return "actors";
        }
        return "other";
    }
}
