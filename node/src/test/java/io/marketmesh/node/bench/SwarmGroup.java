package io.marketmesh.node.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one group of {@link StreamSwarm}'s clients on one of its loops (group 0: the clients measured, 1: the
 * one that stalls, 2: the memory baseline's client, 3: the JIT warm-up's). Written by that loop's thread only; read, a
 * little stale, by the control thread. Closes and failures are rare and shared by every loop.
 */
final class SwarmGroup {

    static final int GROUPS = 4;

    /** Why the node closed a client ({@code <group> <code> <reason>}) or a client could not connect, with counts. */
    static final Map<String, LongAdder> CLOSES = new ConcurrentHashMap<>();
    static final Map<String, LongAdder> FAILURES = new ConcurrentHashMap<>();
    static final Map<String, LongAdder> ERRORS = new ConcurrentHashMap<>();

    final int id;
    long requested;
    long opened;
    long open;
    long ready;
    long subscribed;
    long failed;
    long closedByNode;
    long closedByClient;
    long dropped;
    long connectMillis;
    long messages;
    long bytes;
    long snapshots;
    long deltas;
    long other;
    /** Messages the benchmark could not read (a changed format?): reported loudly. */
    long unparsed;
    long seqGaps;
    long pongs;
    long errors;
    final MillisHistogram receiptToClient = MillisHistogram.recording();
    final MillisHistogram publishedToClient = MillisHistogram.recording();

    SwarmGroup(int id) {
        this.id = id;
    }

    void failure(String why) {
        failed++;
        FAILURES.computeIfAbsent(id + " " + why, k -> new LongAdder()).increment();
    }

    void closed(int code, String reason) {
        CLOSES.computeIfAbsent(id + " " + code + " " + reason, k -> new LongAdder()).increment();
    }

    void error(String message) {
        errors++;
        if (ERRORS.size() < 20) {
            ERRORS.computeIfAbsent(id + " " + message, k -> new LongAdder()).increment();
        }
    }

    /** {@code g<id>.<counter>=<value>} lines, summed over {@code loops}' groups of this id. */
    static void appendStats(StringBuilder out, int id, SwarmGroup[] ofEachLoop) {
        long[] sums = new long[NAMES.length];
        MillisHistogram receipt = new MillisHistogram();
        MillisHistogram published = new MillisHistogram();
        for (SwarmGroup g : ofEachLoop) {
            long[] values = {g.requested, g.opened, g.open, g.ready, g.subscribed, g.failed, g.closedByNode,
                    g.closedByClient, g.dropped, g.connectMillis, g.messages, g.bytes, g.snapshots, g.deltas, g.other,
                    g.seqGaps, g.pongs, g.errors, g.unparsed};
            for (int i = 0; i < values.length; i++) {
                sums[i] += values[i];
            }
            receipt.add(g.receiptToClient);
            published.add(g.publishedToClient);
        }
        for (int i = 0; i < NAMES.length; i++) {
            out.append('g').append(id).append('.').append(NAMES[i]).append('=').append(sums[i]).append('\n');
        }
        out.append('g').append(id).append(".receipt=").append(receipt.encode()).append('\n');
        out.append('g').append(id).append(".published=").append(published.encode()).append('\n');
    }

    static final String[] NAMES = {"requested", "opened", "open", "ready", "subscribed", "failed", "closedByNode",
            "closedByClient", "dropped", "connectMillis", "messages", "bytes", "snapshots", "deltas", "other", "seqGaps",
            "pongs", "errors", "unparsed"};
}
