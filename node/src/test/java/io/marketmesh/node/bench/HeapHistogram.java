package io.marketmesh.node.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * This JVM's live objects by class (the {@code GC.class_histogram} diagnostic command, after a full GC), so the memory
 * a step's clients cost the node can be told apart by what holds it.
 */
final class HeapHistogram {

    /** Bytes and instances per class. */
    private final Map<String, long[]> classes;

    private HeapHistogram(Map<String, long[]> classes) {
        this.classes = classes;
    }

    static HeapHistogram take() {
        Map<String, long[]> classes = new HashMap<>();
        try {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            for (String line : text.split("\n")) {
                String[] fields = line.strip().split("\\s+");
                if (fields.length >= 4 && fields[0].endsWith(":")) {
                    classes.put(fields[3], new long[] {Long.parseLong(fields[2]), Long.parseLong(fields[1])});
                }
            }
        } catch (Exception e) {
            // not HotSpot: no histogram
        }
        return new HeapHistogram(classes);
    }

    /** The classes that grew most since {@code before}, per client: "KB (instances) class" lines. */
    List<String> growthPerClient(HeapHistogram before, int clients, int top) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        classes.forEach((name, now) -> {
            long[] then = before.classes.getOrDefault(name, new long[2]);
            grown.add(Map.entry(name, new long[] {now[0] - then[0], now[1] - then[1]}));
        });
        grown.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < Math.min(top, grown.size()); i++) {
            long[] d = grown.get(i).getValue();
            lines.add(String.format(Locale.ROOT, "%8.2f KB %7.1f objects  %s", d[0] / 1024.0 / clients,
                    (double) d[1] / clients, grown.get(i).getKey()));
        }
        return lines;
    }
}
