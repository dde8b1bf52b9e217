package io.marketmesh.node.simulator;

/**
 * One simulated venue's counters.
 *
 * @param openConnections     sockets open now
 * @param connectionsAccepted sockets accepted since start
 * @param framesSent          frames written to clients since start
 * @param updatesPublished    book changes made since start
 */
public record SimulatorStats(int openConnections, long connectionsAccepted, long framesSent, long updatesPublished) {
}
