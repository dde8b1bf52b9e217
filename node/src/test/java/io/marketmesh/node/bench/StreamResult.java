package io.marketmesh.node.bench;

import java.util.List;

/**
 * One step of the stream benchmark over its measured window: a number of clients at one feed rate.
 *
 * @param ready            clients that connected, subscribed and got their first snapshots
 * @param generated        book changes/s the feed sent
 * @param applied          book changes/s the node applied
 * @param delivered        messages/s the measured clients received (book changes and any snapshots)
 * @param queued           messages/s the node queued for every client ({@code /api/v1/stream/clients})
 * @param expected         book changes/s due to the measured clients: changes applied × followers per book
 * @param receipt          node's receipt of the venue frame → client's receipt, ms, book changes only
 * @param published        the node's encoding of the record ({@code publishedTimestamp}) → client's receipt, ms
 * @param nodeCpuPercent   the node's CPU, % of one core
 * @param cpu              CPU of the node by thread, the clients and the feed, as printed
 * @param heap             the node's heap after GC over the window, as printed
 * @param heapPerClientKb  node heap (after a full GC, feed paused) with the clients minus without, per client, KB
 * @param rssPerClientKb   the same for the node's resident memory
 * @param why              why the step was not sustained; empty when it was
 */
record StreamResult(String scenario, int clients, int ready, double asked, double generated, double applied,
                    double delivered, double queued, double expected, MillisHistogram receipt, MillisHistogram published,
                    LoadReport.Percentiles receiptToApplied, double nodeCpuPercent, String cpu, String heap,
                    double heapPerClientKb, double rssPerClientKb, double connectSeconds, List<String> why) {

    boolean sustained() {
        return why.isEmpty();
    }
}
