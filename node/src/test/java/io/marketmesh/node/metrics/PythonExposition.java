package io.marketmesh.node.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A Prometheus exposition read by the Prometheus Python client's own parsers ({@code prometheus_client.parser} for the
 * text format, {@code prometheus_client.openmetrics.parser} for OpenMetrics): client_java 1.x writes but does not
 * parse. Needs {@code python3} with the Debian package {@code python3-prometheus-client} ({@link #available()}).
 */
final class PythonExposition {

    static final String INSTALL = "apt-get install python3-prometheus-client";

    record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PythonExposition(List<Sample> samples) {
        this.samples = samples;
    }

    /**
     * The Pythons tried, in order: the one on the PATH, then the system's (where Debian's package installs the
     * parser, also when the PATH leads to another Python, pyenv say).
     */
    private static final List<String> PYTHONS = List.of("python3", "/usr/bin/python3");
    /** The first of {@link #PYTHONS} that imports the parser; null until {@link #unavailable()} found one. */
    private static volatile String parserPython;

    /** Why the parser cannot run here, or null when it can. */
    static String unavailable() {
        StringBuilder why = new StringBuilder();
        for (String candidate : PYTHONS) {
            try {
                Process check = new ProcessBuilder(candidate, "-c", "import prometheus_client")
                        .redirectErrorStream(true).start();
                String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0) {
                    parserPython = candidate;
                    return null;
                }
                why.append(candidate).append(": ").append(output.strip().lines().reduce((a, b) -> b).orElse(""))
                        .append("; ");
            } catch (IOException e) {
                why.append(candidate).append(": ").append(e.getMessage()).append("; ");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return why + "install it: " + INSTALL;
    }

    /** Parses {@code exposition}; fails the test with the parser's own message when it does not parse. */
    static PythonExposition parse(String exposition, boolean openMetrics) {
        try {
            Path script = Path.of(PythonExposition.class.getResource("/metrics/parse_exposition.py").toURI());
            Process python = new ProcessBuilder(parserPython, script.toString(), openMetrics ? "openmetrics" : "text")
                    .start();
            python.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
            python.getOutputStream().close();
            String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!python.waitFor(60, TimeUnit.SECONDS) || python.exitValue() != 0) {
                throw new AssertionError("the exposition does not parse (" + (openMetrics ? "OpenMetrics" : "text")
                        + "): " + err);
            }
            List<Sample> samples = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                samples.add(new Sample(f[0], f[1], f[2], labels(f[3]), Double.parseDouble(f[4])));
            }
            return new PythonExposition(samples);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The labels the script printed as a flat JSON object of strings. */
    private static Map<String, String> labels(String json) {
        try {
            Map<String, String> labels = new TreeMap<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            return labels;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Sample> samples() {
        return samples;
    }

    /** The family's type as the parser read it ({@code counter}, {@code gauge}, {@code histogram}, ...), or null. */
    String type(String family) {
        return samples.stream().filter(s -> s.family().equals(family)).map(Sample::type).findFirst().orElse(null);
    }

    /**
     * The sum of the samples named {@code name} whose labels include {@code labels} (pairs: name, value); fails when
     * there is none.
     */
    double value(String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (Sample sample : samples) {
            if (!sample.name().equals(name)) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                    matches = false;
                    break;
                }
            }
            if (matches) {
                sum += sample.value();
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no sample " + name + " " + List.of(labels) + " in the exposition");
        }
        return sum;
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }
}
