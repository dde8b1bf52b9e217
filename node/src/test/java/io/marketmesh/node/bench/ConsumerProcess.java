package io.marketmesh.node.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PeerConsumer} in a process of its own (this JVM's java and class path), driven over its stdin and stdout;
 * its stderr (its logging) goes to a file. Killed when closed, or when this JVM exits.
 */
final class ConsumerProcess implements AutoCloseable {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    record Counts(long frames, long diffs) {
    }

    /** One book as the consumer reported it: sides as {@code price:size,...}, shortest decimals, best first. */
    record BookLine(String symbol, boolean stale, String bids, String asks) {
    }

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Thread shutdownHook;

    private ConsumerProcess(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.shutdownHook = new Thread(process::destroyForcibly, "consumer-process-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith(PeerConsumer.ANSWER)) {
                        answers.add(line.substring(PeerConsumer.ANSWER.length()));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "consumer-process-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static ConsumerProcess start(String kind, String heap, String wsBase, String restBase, List<String> symbols,
                                 List<String> settings, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), PeerConsumer.class.getName(), kind, wsBase,
                restBase, String.join(",", symbols)));
        command.addAll(settings);
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        ConsumerProcess consumer = new ConsumerProcess(process);
        String started = consumer.next(Duration.ofSeconds(90));
        if (!started.startsWith("STARTED")) {
            consumer.close();
            throw new IllegalStateException(kind + " did not start: " + started + "; see " + log);
        }
        return consumer;
    }

    boolean ready() throws Exception {
        return ask("ready").equals("READY true");
    }

    Counts counts() throws Exception {
        String[] parts = ask("stats").split(" ");
        return new Counts(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }

    List<BookLine> books() throws Exception {
        send("books");
        List<BookLine> books = new ArrayList<>();
        String line;
        while (!(line = next(ANSWER_TIMEOUT)).equals("END")) {
            String[] parts = line.split(" ");
            books.add(new BookLine(parts[1], Boolean.parseBoolean(parts[2]), parts[3], parts[4]));
        }
        return books;
    }

    /** The process's CPU time so far (every thread, the JIT's and the collector's too), from the operating system. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private String ask(String command) throws Exception {
        send(command);
        return next(ANSWER_TIMEOUT);
    }

    private void send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    private String next(Duration timeout) throws Exception {
        String answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (answer == null) {
            throw new IllegalStateException("the consumer process did not answer within " + timeout
                    + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
        }
        return answer;
    }

    @Override
    public void close() {
        try {
            send("quit");
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            // killed below
        }
        process.destroyForcibly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
