package io.marketmesh.node.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the benchmark starts beside itself (the replay server, the Kafka broker) on the benchmark's own class path,
 * its output in a log file; stopped when the benchmark ends, even when it is killed with a signal (shutdown hook).
 */
final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread hook;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.hook = new Thread(this::stop, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code java <jvmOptions> -cp <this class path> <mainClass> <args>}, output to {@code <dir>/<name>.log}. */
    static ChildJvm start(String name, Path dir, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException {
        List<String> command = BenchMain.javaCommand(jvmOptions, mainClass, args);
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildJvm(name, process, log);
    }

    /** Waits until the log holds {@code marker}; fails (with the log's tail) when the process dies or time runs out. */
    void awaitLog(String marker, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(marker)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log + ":\n" + tail());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException(name + " did not log '" + marker + "' within " + timeout + "; log " + log + ":\n"
                + tail());
    }

    /** The process's CPU time so far (all its threads), ns; -1 when the OS does not say. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook runs anyway
        }
    }
}
