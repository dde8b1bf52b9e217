package io.marketmesh.node.bench;

import java.util.List;

/**
 * One step's figures over its measured window.
 *
 * @param asked              book changes/s asked of the generator
 * @param generated          book changes/s it sent
 * @param frames             frames/s it sent
 * @param applied            deltas/s the node applied to its books
 * @param acked              Kafka records/s acknowledged to the node
 * @param cpuMicrosPerChange the node process's CPU time in the window per delta applied, µs
 * @param cpu                CPU of the node by part, the broker and the generator, as printed
 * @param heap               heap after GC over the window, as printed
 * @param why                why the step was not sustained; empty when it was
 */
record StepResult(double asked, double generated, double frames, double applied, double acked,
                  LoadReport.Percentiles appliedLatency, LoadReport.Percentiles ackLatency, double cpuMicrosPerChange,
                  String cpu, String heap, List<String> why) {

    boolean sustained() {
        return why.isEmpty();
    }
}
