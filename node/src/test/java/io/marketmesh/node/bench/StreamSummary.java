package io.marketmesh.node.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The stream benchmark's end: every step in a table, each target of the issue met or not, and the last line. */
final class StreamSummary {

    private final LoadReport report;
    private final List<StreamResult> results;
    private final StreamStall.Outcome stall;
    private final List<StreamScenario> scenarios;

    StreamSummary(LoadReport report, List<StreamResult> results, StreamStall.Outcome stall, List<StreamScenario> scenarios) {
        this.report = report;
        this.results = results;
        this.stall = stall;
        this.scenarios = scenarios;
    }

    void print(double loadAverage) {
        report.line("");
        report.line("==== summary (load average at end %.2f) ====", loadAverage);
        report.line("| scenario | clients ready | changes/s | messages/s received | receipt→client p50 / p99 / p99.9 / max ms "
                + "| hub→client p50 / p99 / p99.9 / max ms | receipt→applied p50 / p99 / p99.9 ms | node CPU % of a core "
                + "| node heap per client KB | sustained |");
        report.line("|---|---|---|---|---|---|---|---|---|---|");
        for (StreamResult r : results) {
            report.line("| %s | %d of %d | %s | %s | %s | %s | %s | %.0f | %.1f | %s |", r.scenario(), r.ready(), r.clients(),
                    LoadReport.k(r.generated()), LoadReport.k(r.delivered()), r.receipt().summary(), r.published().summary(),
                    r.receiptToApplied(), r.nodeCpuPercent(), r.heapPerClientKb(),
                    r.sustained() ? "yes" : "no: " + String.join("; ", r.why()));
        }
        if (stall != null) {
            report.line("");
            report.line("Stalled client: the others received %s msg/s with every client reading, %s msg/s with one stalled "
                            + "(x%.3f); their p99 %d -> %d ms; node heap after GC %s -> %s MB; the stalled client was marked "
                            + "behind after %.0f s (at most %d messages queued for it), %d conflation(s) counted once it read "
                            + "again, %d seq gap(s); closed by the node: %s", LoadReport.k(stall.reading().delivered()),
                    LoadReport.k(stall.stalled().delivered()), stall.rateRatio(), stall.reading().receipt().percentile(0.99),
                    stall.stalled().receipt().percentile(0.99), stall.reading().heap(), stall.stalled().heap(),
                    stall.behindAfterSeconds(), stall.maxQueued(), stall.conflations(), stall.gapsAfterResume(),
                    stall.closes());
        }
        report.line("");
        report.line("Targets (one node, 2 cores, the feed and the clients on the same machine; latencies in whole ms, ±1):");
        for (StreamScenario scenario : scenarios) {
            if (!scenario.target().isEmpty()) {
                report.line("- %s: %s", scenario.target(), verdict(scenario));
            }
        }
        report.line("");
        report.line("BENCHMARK clients_ready_max=%d delivered_msgs_per_s_max_sustained=%.0f fanout1k_msgs_per_s=%.0f "
                        + "p99_ms_5k_100clients=%d p99_ms_50k_10clients=%d stall_others_rate_ratio=%.3f "
                        + "stall_conflations=%d heap_kb_per_client=%.1f",
                results.stream().mapToInt(StreamResult::ready).max().orElse(0),
                results.stream().filter(StreamResult::sustained).mapToDouble(StreamResult::delivered).max().orElse(0),
                best("fanout1k").map(StreamResult::delivered).orElse(-1.0),
                best("p99at5k").map(r -> r.receipt().percentile(0.99)).orElse(-1L),
                best("p99at50k").map(r -> r.receipt().percentile(0.99)).orElse(-1L),
                stall == null ? -1 : stall.rateRatio(), stall == null ? -1 : stall.conflations(),
                results.stream().filter(r -> r.ready() > 0).reduce((a, b) -> b.ready() >= a.ready() ? b : a)
                        .map(StreamResult::heapPerClientKb).orElse(-1.0));
    }

    /**
     * The scenario's step with the most messages delivered (sustained ones first), among those at the rate its target
     * is stated at, if any ran.
     */
    private Optional<StreamResult> best(String scenario) {
        double targetRate = scenarios.stream().filter(s -> s.name().equals(scenario)).mapToDouble(StreamScenario::targetRate)
                .findFirst().orElse(0);
        return results.stream().filter(r -> r.scenario().equals(scenario))
                .filter(r -> targetRate == 0 || r.asked() == targetRate)
                .max((a, b) -> a.sustained() != b.sustained() ? Boolean.compare(a.sustained(), b.sustained())
                        : Double.compare(a.delivered(), b.delivered()));
    }

    private String verdict(StreamScenario scenario) {
        Optional<StreamResult> best = best(scenario.name());
        if (best.isEmpty()) {
            return scenario.targetRate() > 0 ? "not run at " + LoadReport.k(scenario.targetRate()) + " changes/s" : "not run";
        }
        StreamResult r = best.get();
        String status = r.sustained() ? "sustained" : "not sustained: " + String.join("; ", r.why());
        switch (scenario.name()) {
            case "clients10k" -> {
                boolean met = r.ready() >= 10_000 && r.sustained();
                return String.format(Locale.ROOT, "%s: %d of %d clients ready in %.0f s, %.1f KB node heap per client, "
                                + "%s msg/s received (%s)", met ? "MET" : "NOT met", r.ready(), r.clients(),
                        r.connectSeconds(), r.heapPerClientKb(), LoadReport.k(r.delivered()), status);
            }
            case "fanout1k" -> {
                boolean met = r.sustained() && r.delivered() >= 500_000;
                return String.format(Locale.ROOT, "%s: at most %s msg/s received by %d clients at %s changes/s (%s)",
                        met ? "MET" : "NOT met", LoadReport.k(r.delivered()), r.ready(), LoadReport.k(r.generated()), status);
            }
            default -> {
                long p99 = r.receipt().percentile(0.99);
                String met = !r.sustained() || p99 < 0 ? "NOT met" : p99 <= 4 ? "MET" : p99 == 5
                        ? "AT THE BOUND (true p99 between 4 and 6 ms)" : "NOT met";
                return String.format(Locale.ROOT, "%s: p99 %d ms (p50 %d, p99.9 %d) at %s changes/s, %s msg/s received "
                                + "(%s)", met, p99, r.receipt().percentile(0.5), r.receipt().percentile(0.999),
                        LoadReport.k(r.generated()), LoadReport.k(r.delivered()), status);
            }
        }
    }
}
