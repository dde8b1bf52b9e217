package io.marketmesh.node.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of its own started on this benchmark's classpath (a node, the venue simulator), so its CPU time is its
 * own: read from the operating system, not sampled. Its output goes to a log file and stays readable in memory;
 * it is killed when the benchmark's JVM exits.
 */
final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    /** The first lines it printed (the simulator's settings for the nodes; the rest is in the log file). */
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private static final int KEPT_LINES = 500;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(() -> copy(log), name + "-output");
        reader.setDaemon(true);
        reader.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    }

    /** {@code java <jvmOptions> -cp <this classpath> <mainClass> <args>} with {@code environment} added. */
    static JavaProcess start(String name, Path log, List<String> jvmOptions, Map<String, String> environment,
                             String mainClass, String... args) {
        List<String> command = BenchMain.javaCommand(jvmOptions, mainClass, List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            return new JavaProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    /** CPU time the process has used so far (user + system, all its threads). */
    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("the OS does not report the CPU time of " + name));
    }

    /**
     * CPU time so far by kind of thread (Linux: {@code /proc/<pid>/task/*}; the OS keeps 15 characters of a thread's
     * name, digits dropped here so a pool counts as one), in clock ticks of 10 ms; empty where there is no /proc.
     */
    Map<String, Long> cpuTicksByThread() {
        Map<String, Long> ticks = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (var threads = Files.list(tasks)) {
            threads.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The first lines it printed. */
    List<String> lines() {
        return lines;
    }

    /** SIGTERM (a node leaves its cluster gracefully), then SIGKILL after the timeout. */
    void stop(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    private void copy(Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (lines.size() < KEPT_LINES) {
                    lines.add(line);
                }
                out.println(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
