package io.marketmesh.node.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stream benchmark's clients ({@link StreamSwarm}) as the benchmark drives them: started as a {@link ChildJvm},
 * told to connect, stall, resume and close groups of clients, asked for their counters. A late answer is an empty
 * result, never an exception.
 */
final class SwarmControl implements AutoCloseable {

    /** Group ids: the clients measured, the one that stalls, the memory baseline's, the JIT warm-up's. */
    static final int MEASURED = 0;
    static final int STALLED = 1;
    static final int BASELINE = 2;
    static final int WARMUP = 3;

    /** One group's counters at one instant (see {@link SwarmGroup}). */
    record Group(Map<String, Long> counters, MillisHistogram receipt, MillisHistogram published) {
        /** A counter; {@code data} is every data message (book changes, snapshots, others), replies not counted. */
        long get(String name) {
            if (name.equals("data")) {
                return get("deltas") + get("snapshots") + get("other");
            }
            return counters.getOrDefault(name, 0L);
        }
    }

    /** Every group's counters, the closes and failures so far (text lines), the swarm JVM's CPU time. */
    record Stats(long nanos, List<Group> groups, List<String> closes, List<String> failures, List<String> errors,
                 long cpuNanos, long heapUsed) {
        Group group(int id) {
            return groups.get(id);
        }
    }

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final ChildJvm process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_TIMEOUT).build();
    private final String control;

    private SwarmControl(ChildJvm process, int controlPort) {
        this.process = process;
        this.control = "http://127.0.0.1:" + controlPort;
    }

    static SwarmControl start(Path dir, int nodePort, int threads, String maxHeap) throws Exception {
        int controlPort = io.marketmesh.node.testkit.TestNode.freePort();
        ChildJvm jvm = ChildJvm.start("stream-clients", dir, List.of("-Xmx" + maxHeap, "-XX:+UseParallelGC"),
                StreamSwarm.class.getName(), List.of("port=" + nodePort, "controlPort=" + controlPort, "threads=" + threads));
        try {
            jvm.awaitLog("stream swarm ready", Duration.ofSeconds(60));
        } catch (Exception e) {
            jvm.close();
            throw e;
        }
        return new SwarmControl(jvm, controlPort);
    }

    /** Connects one client per subscribe message, each waiting for {@code snapshots} book snapshots to be ready. */
    boolean connect(int group, List<String> subscribes, List<Integer> snapshots) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < subscribes.size(); i++) {
            body.append(snapshots.get(i)).append(' ').append(subscribes.get(i)).append('\n');
        }
        return send("/connect?group=" + group, body.toString()).isPresent();
    }

    boolean stall(int group) {
        return get("/stall?group=" + group).isPresent();
    }

    boolean resume(int group) {
        return get("/resume?group=" + group).isPresent();
    }

    boolean close(int group) {
        return get("/close?group=" + group).isPresent();
    }

    Optional<Stats> stats() {
        long nanos = System.nanoTime();
        return get("/stats").map(body -> {
            List<Map<String, Long>> counters = new ArrayList<>();
            List<MillisHistogram[]> histograms = new ArrayList<>();
            for (int g = 0; g < SwarmGroup.GROUPS; g++) {
                counters.add(new HashMap<>());
                histograms.add(new MillisHistogram[] {new MillisHistogram(), new MillisHistogram()});
            }
            List<String> closes = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            long cpu = -1;
            long heap = -1;
            for (String line : body.split("\n")) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq);
                String value = line.substring(eq + 1);
                switch (key) {
                    case "close" -> closes.add(value);
                    case "failure" -> failures.add(value);
                    case "error" -> errors.add(value);
                    case "cpu_ns" -> cpu = Long.parseLong(value.strip());
                    case "heap_used" -> heap = Long.parseLong(value.strip());
                    default -> {
                        int dot = key.indexOf('.');
                        int g = Integer.parseInt(key.substring(1, dot));
                        String name = key.substring(dot + 1);
                        if (name.equals("receipt")) {
                            histograms.get(g)[0] = MillisHistogram.decode(value);
                        } else if (name.equals("published")) {
                            histograms.get(g)[1] = MillisHistogram.decode(value);
                        } else {
                            counters.get(g).put(name, Long.parseLong(value.strip()));
                        }
                    }
                }
            }
            List<Group> groups = new ArrayList<>();
            for (int g = 0; g < SwarmGroup.GROUPS; g++) {
                groups.add(new Group(counters.get(g), histograms.get(g)[0], histograms.get(g)[1]));
            }
            return new Stats(nanos, groups, closes, failures, errors, cpu, heap);
        });
    }

    ChildJvm process() {
        return process;
    }

    private Optional<String> get(String path) {
        return call(HttpRequest.newBuilder(URI.create(control + path)).timeout(ANSWER_TIMEOUT).GET().build());
    }

    private Optional<String> send(String path, String body) {
        return call(HttpRequest.newBuilder(URI.create(control + path)).timeout(ANSWER_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Optional<String> call(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
