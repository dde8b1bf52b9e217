package io.marketmesh.node.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/** Heap used right after each GC of this JVM (the node's), all pools, since the last {@link #clear()}. */
final class HeapWatch {

    private final List<Long> afterGc = new CopyOnWriteArrayList<>();

    HeapWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long used = 0;
                    for (MemoryUsage usage : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                        used += usage.getUsed();
                    }
                    afterGc.add(used);
                }, null, null);
            }
        }
    }

    void clear() {
        afterGc.clear();
    }

    /** "min-max (n GCs)" in MB, or "no GC". */
    String range() {
        if (afterGc.isEmpty()) {
            return "no GC";
        }
        long min = afterGc.stream().mapToLong(Long::longValue).min().orElse(0) >> 20;
        long max = afterGc.stream().mapToLong(Long::longValue).max().orElse(0) >> 20;
        return min + "-" + max + " (" + afterGc.size() + " GCs)";
    }
}
