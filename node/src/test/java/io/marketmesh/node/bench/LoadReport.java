package io.marketmesh.node.bench;

import io.marketmesh.node.metrics.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the benchmark prints: progress lines as it goes, a summary table at the end, and the machine-readable last line. */
final class LoadReport {

    private final List<String> summary = new ArrayList<>();
    private StepResult best;

    void line(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    void summary(String format, Object... args) {
        summary.add(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
    }

    void stepHeader(int cores) {
        summary("");
        summary("| asked changes/s | generated changes/s | frames/s | deltas applied/s | Kafka acks/s "
                + "| receipt→applied p50 / p99 / p99.9 ms | receipt→Kafka ack p50 / p99 / p99.9 ms "
                + "| node CPU µs per change | CPU %% of %d: node (actors / sockets / producer / other / GC+VM), broker, generator "
                + "| heap after GC MB | sustained |", cores * 100);
        summary("|---|---|---|---|---|---|---|---|---|---|---|");
    }

    void step(StepResult r) {
        summary("| %s | %s | %s | %s | %s | %s | %s | %.1f | %s | %s | %s |", k(r.asked()), k(r.generated()), k(r.frames()),
                k(r.applied()), k(r.acked()), r.appliedLatency(), r.ackLatency(), r.cpuMicrosPerChange(),
                r.cpu(), r.heap(), r.sustained() ? "yes" : "no: " + String.join("; ", r.why()));
        if (r.sustained() && (best == null || r.asked() > best.asked())) {
            best = r;
        }
    }

    /** The summary, then the last line: {@code BENCHMARK ...} for the highest sustained step (zeros if none). */
    void finish(double loadAverage, double kafkaCeiling, boolean raw) {
        line("");
        line("==== summary (load average at end %.2f) ====", loadAverage);
        summary.forEach(this::line);
        line("");
        if (best == null) {
            line("BENCHMARK sustained_changes_per_s=0 node_cpu_us_per_change=0 applied_p99_ms=0 ack_p99_ms=0 "
                    + "kafka_ceiling_records_per_s=%.0f raw=%s", kafkaCeiling, raw ? "on" : "off");
        } else {
            line("BENCHMARK sustained_changes_per_s=%.0f node_cpu_us_per_change=%.2f applied_p99_ms=%s ack_p99_ms=%s "
                            + "kafka_ceiling_records_per_s=%.0f raw=%s", best.generated(), best.cpuMicrosPerChange(),
                    ms(best.appliedLatency().p99()), ms(best.ackLatency().p99()), kafkaCeiling,
                    raw ? "on" : "off");
        }
    }

    /** A latency histogram's percentiles at one instant, µs. */
    record Percentiles(long count, long p50, long p99, long p999) {

        static Percentiles of(LatencyHistogram h) {
            return new Percentiles(h.count(), h.percentile(50), h.percentile(99), h.percentile(99.9));
        }

        @Override
        public String toString() {
            return count == 0 ? "- / - / -" : ms(p50) + " / " + ms(p99) + " / " + ms(p999);
        }
    }

    static String pcts(LatencyHistogram h) {
        return Percentiles.of(h).toString();
    }

    static String ms(long micros) {
        return micros < 10_000 ? String.format(Locale.ROOT, "%.2f", micros / 1000.0)
                : String.format(Locale.ROOT, "%.0f", micros / 1000.0);
    }

    static String k(double perSecond) {
        if (Double.isNaN(perSecond)) {
            return "?";
        }
        return perSecond >= 10_000 ? String.format(Locale.ROOT, "%.0fk", perSecond / 1000)
                : perSecond >= 1_000 ? String.format(Locale.ROOT, "%.1fk", perSecond / 1000)
                : String.format(Locale.ROOT, "%.0f", perSecond);
    }
}
