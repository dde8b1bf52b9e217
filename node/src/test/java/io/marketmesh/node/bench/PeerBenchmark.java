package io.marketmesh.node.bench;

import com.sun.management.OperatingSystemMXBean;
import io.marketmesh.node.simulator.SimulatorSettings;
import io.marketmesh.node.simulator.SimulatorStats;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The peer benchmark (not a test): the simulated Binance diff-depth feed at rising rates into marketmesh (a real node,
 * Kafka off) and into XChange's streaming Binance client (xchange-stream-binance), one after the other, each in a
 * process of its own ({@link PeerConsumer}) so that its CPU is its process's. The simulator runs in this process.
 * Both consumers read the same streams per market: {@code <symbol>@depth@100ms} (spliced onto the REST
 * {@code /api/v3/depth} snapshot), {@code @trade} and {@code @bookTicker}.
 *
 * <p>Each step: the feed at the step's rate (book changes/s over all markets, one diff frame each, plus a best
 * bid/ask frame each and a trade for one change in four), a warm-up, then a measured window: diffs sent and applied,
 * frames sent and handled, the consumer's process CPU (all its threads, JIT and GC included) per diff sent. A step is
 * <i>kept up</i> when the simulator made at least 95% of the rate, the consumer's lag (frames sent minus handled) grew
 * by at most 2% of the window's frames, and no socket reconnected. Then the feed stops, the consumer drains, and every
 * book it holds is compared level by level with the simulator's true book ({@code books exact}).
 *
 * <p>Settings, as {@code key=value} arguments or system properties (defaults in brackets): {@code peer.consumers}
 * [marketmesh,xchange], {@code peer.rates} [1000,5000,10000,20000,40000,60000], {@code peer.warmup} [5 s],
 * {@code peer.duration} [15 s], {@code peer.markets} [8, the simulated pairs], {@code peer.heap} [512m, each
 * consumer's -Xmx], {@code peer.keepGoing} [false: a consumer stops after two steps in a row not kept up],
 * {@code peer.rounds} [1; each further round runs the consumers in the other order, so that neither always runs on the
 * quieter machine]; any {@code marketmesh.*} setting is passed to the node.
 */
public final class PeerBenchmark {

    private static final double WARM_RATE = 100;

    private final List<String> consumers = List.of(prop("peer.consumers", "marketmesh,xchange").split(","));
    private final List<Double> rates = Stream.of(prop("peer.rates", "1000,5000,10000,20000,40000,60000").split(","))
            .map(String::strip).map(Double::parseDouble).toList();
    private final int warmup = Integer.parseInt(prop("peer.warmup", "5"));
    private final int duration = Integer.parseInt(prop("peer.duration", "15"));
    private final int markets = Integer.parseInt(prop("peer.markets", "8"));
    private final String heap = prop("peer.heap", "512m");
    private final boolean keepGoing = Boolean.parseBoolean(prop("peer.keepGoing", "false"));
    private final int rounds = Integer.parseInt(prop("peer.rounds", "1"));

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> table = new ArrayList<>();
    private final List<String> verdicts = new ArrayList<>();
    private VenueSimulator simulator;
    private Path logs;

    public static void main(String[] args) {
        BenchMain.run(args, () -> new PeerBenchmark().run());
    }

    private void run() throws Exception {
        logs = Files.createTempDirectory("marketmesh-peer-");
        println("PeerBenchmark: simulated Binance, %d markets, rates %s changes/s, warm-up %d s, window %d s; consumers %s "
                        + "(-Xmx%s each, own process); %d cores, %s; consumer logs in %s", markets, rates, warmup, duration,
                consumers, heap, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), logs);
        println("load average at start: %.2f", os.getSystemLoadAverage());
        ActorSystem<Void> venues = TestNode.localSystem("venues");
        simulator = VenueSimulator.start(venues, new SimulatorSettings(0, 0, 0, 0, 42, null, "").withCryptoMarkets(markets));
        try {
            for (Venue venue : simulator.servedVenues()) {
                if (venue != Venue.BINANCE) {
                    control("/sim/" + venue.id() + "/pause"); // only Binance moves: no CPU spent on the others
                }
            }
            table.add("| consumer | asked changes/s | sent changes/s | diffs applied/s | frames sent/s | frames handled/s "
                    + "| consumer CPU % of a core | CPU µs per change | simulator CPU % | kept up? | books exact? |");
            table.add("|---|---|---|---|---|---|---|---|---|---|---|");
            for (int round = 0; round < rounds; round++) {
                List<String> order = new ArrayList<>(consumers);
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (String consumer : order) {
                    runConsumer(consumer.strip());
                }
            }
        } finally {
            simulator.close();
            venues.terminate();
        }
        println("");
        println("==== summary (load average at end %.2f) ====", os.getSystemLoadAverage());
        table.forEach(PeerBenchmark::println);
        verdicts.forEach(PeerBenchmark::println);
    }

    private void runConsumer(String kind) throws Exception {
        println("");
        println("==== %s ====", kind);
        List<String> symbols = simulator.markets(Venue.BINANCE);
        String ws = simulator.wsUrl(Venue.BINANCE); // ws://host:port/binance/ws
        String wsBase = ws.substring(0, ws.length() - "ws".length());
        framesBefore = simulator.stats(Venue.BINANCE).framesSent();
        simulator.setUpdatesPerSecond(WARM_RATE);
        List<String> settings = new ArrayList<>();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("marketmesh.")) {
                settings.add(key + "=" + System.getProperty(key));
            }
        }
        double best = 0;
        double cpuAtBest = 0;
        int notKeptInARow = 0;
        String firstFailure = null;
        try (ConsumerProcess process = ConsumerProcess.start(kind, heap, wsBase, simulator.restUrl(Venue.BINANCE),
                symbols, settings, logs.resolve(kind + ".log"))) {
            long started = System.nanoTime();
            while (!process.ready()) {
                if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(90)) {
                    throw new IllegalStateException(kind + " did not sync every book within 90 s; see " + logs);
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
            println("[%s] every book synced %.1f s after start; idle CPU %s", kind, (System.nanoTime() - started) / 1e9,
                    idleCpu(process));
            for (double rate : rates) {
                Step step = step(kind, process, rate, symbols);
                if (step.keptUp()) {
                    if (step.sentRate() > best) {
                        best = step.sentRate();
                        cpuAtBest = step.cpuPerChange();
                    }
                    notKeptInARow = 0;
                } else {
                    firstFailure = firstFailure != null ? firstFailure : Table.k(rate) + " (" + step.why() + ")";
                    if (++notKeptInARow == 2 && !keepGoing) {
                        break;
                    }
                }
            }
        }
        verdicts.add(String.format(Locale.ROOT, "%s: highest rate kept up %s changes/s%s", kind, Table.k(best),
                firstFailure == null ? "" : "; first not kept up at " + firstFailure));
        println("PEER consumer=%s kept_up_changes_per_s=%.0f cpu_us_per_change=%.1f", kind, best, cpuAtBest);
    }

    private String idleCpu(ConsumerProcess process) throws Exception {
        simulator.setUpdatesPerSecond(0);
        TimeUnit.SECONDS.sleep(1);
        long cpu0 = process.cpuNanos();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(5);
        double percent = 100.0 * (process.cpuNanos() - cpu0) / (System.nanoTime() - t0);
        return String.format(Locale.ROOT, "%.1f%% of a core (feed stopped, 5 s)", percent);
    }

    private record Step(boolean keptUp, double sentRate, double cpuPerChange, String why) {
    }

    /** Frames the simulator had sent before the current consumer connected (to other consumers). */
    private long framesBefore;

    private Step step(String kind, ConsumerProcess process, double rate, List<String> symbols) throws Exception {
        String label = kind + " " + Table.k(rate);
        double loadStart = os.getSystemLoadAverage();
        simulator.setUpdatesPerSecond(rate);
        TimeUnit.SECONDS.sleep(warmup);
        Sample start = sample(process);
        Sample last = start;
        for (int t = 0; t < duration; ) {
            int slice = Math.min(5, duration - t);
            TimeUnit.SECONDS.sleep(slice);
            t += slice;
            Sample now = sample(process);
            println("[%s] t=%2ds sent %s ch/s %s fr/s | handled %s fr/s, %s diffs/s, lag %d fr | consumer CPU %.0f%% | sim %.0f%%",
                    label, t, Table.k(now.rate(last, Sample::changes)), Table.k(now.rate(last, Sample::framesSent)),
                    Table.k(now.rate(last, Sample::framesHandled)), Table.k(now.rate(last, Sample::diffs)),
                    now.framesSent() - framesBefore - now.framesHandled(), now.cpuPercent(last, Sample::consumerCpu),
                    now.cpuPercent(last, Sample::simulatorCpu));
            last = now;
        }
        Sample end = last;
        simulator.setUpdatesPerSecond(0);
        double sent = end.rate(start, Sample::changes);
        long windowFrames = end.framesSent() - start.framesSent();
        long lagGrowth = (end.framesSent() - end.framesHandled()) - (start.framesSent() - start.framesHandled());
        List<String> why = new ArrayList<>();
        if (sent < 0.95 * rate) {
            why.add(String.format(Locale.ROOT, "the simulator made only %.0f%% of the rate", 100 * sent / rate));
        }
        if (lagGrowth > 0.02 * windowFrames) {
            why.add(String.format(Locale.ROOT, "fell behind by %d frames (%.0f%% of the window's)", lagGrowth,
                    100.0 * lagGrowth / Math.max(1, windowFrames)));
        }
        if (end.accepted() != start.accepted()) {
            why.add((end.accepted() - start.accepted()) + " socket(s) reopened");
        }
        double drained = drain(process);
        String books = compareBooks(process, symbols);
        double cpuPerChange = (end.consumerCpu() - start.consumerCpu()) / 1e3 / Math.max(1, end.changes() - start.changes());
        boolean keptUp = why.isEmpty();
        table.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.0f | %.1f | %.0f | %s | %s |", kind,
                Table.k(rate), Table.k(sent), Table.k(end.rate(start, Sample::diffs)),
                Table.k(end.rate(start, Sample::framesSent)), Table.k(end.rate(start, Sample::framesHandled)),
                end.cpuPercent(start, Sample::consumerCpu), cpuPerChange, end.cpuPercent(start, Sample::simulatorCpu),
                keptUp ? "yes" : "no: " + String.join("; ", why), books));
        println("[%s] RESULT: sent %s changes/s, applied %s diffs/s, consumer CPU %.1f µs per change; %s; drained in %.1f s; "
                        + "books: %s; load average %.2f -> %.2f", label, Table.k(sent), Table.k(end.rate(start, Sample::diffs)),
                cpuPerChange, keptUp ? "KEPT UP" : "NOT kept up: " + String.join("; ", why), drained, books, loadStart,
                os.getSystemLoadAverage());
        return new Step(keptUp, sent, cpuPerChange, String.join("; ", why));
    }

    /** Waits until the consumer has handled every frame sent (or stops handling any for 3 s); returns the seconds. */
    private double drain(ConsumerProcess process) throws Exception {
        long started = System.nanoTime();
        long lastHandled = -1;
        long stillSince = System.nanoTime();
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(120)) {
            SimulatorStats sim = simulator.stats(Venue.BINANCE);
            ConsumerProcess.Counts counts = process.counts();
            if (counts.frames() != lastHandled) {
                lastHandled = counts.frames();
                stillSince = System.nanoTime();
            } else if (System.nanoTime() - stillSince > TimeUnit.SECONDS.toNanos(3)
                    || (counts.frames() >= sim.framesSent() - framesBefore - 50 && System.nanoTime() - stillSince > 500_000_000L)) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** Every book the consumer holds against the simulator's true book, level by level. */
    private String compareBooks(ConsumerProcess process, List<String> symbols) throws Exception {
        List<ConsumerProcess.BookLine> books = process.books();
        int exact = 0;
        List<String> wrong = new ArrayList<>();
        for (String symbol : symbols) {
            BookSnapshot truth = simulator.trueBook(Venue.BINANCE, symbol);
            String bids = side(truth.bids());
            String asks = side(truth.asks());
            ConsumerProcess.BookLine held = books.stream().filter(b -> b.symbol().equals(symbol)).findFirst().orElse(null);
            if (held == null) {
                wrong.add(symbol + " missing");
            } else if (held.stale()) {
                wrong.add(symbol + " stale");
            } else if (!held.bids().equals(bids) || !held.asks().equals(asks)) {
                wrong.add(symbol + " differs (" + differingLevels(held.bids(), bids) + " bid and "
                        + differingLevels(held.asks(), asks) + " ask levels)");
            } else {
                exact++;
            }
        }
        return wrong.isEmpty() ? "yes, " + exact + "/" + symbols.size()
                : "no, " + exact + "/" + symbols.size() + " exact: " + String.join(", ", wrong);
    }

    private static String side(List<PriceLevel> levels) {
        if (levels.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (PriceLevel level : levels) {
            sb.append(sb.length() == 0 ? "" : ",").append(PeerConsumer.plain(Decimals.toBigDecimal(level.price())))
                    .append(':').append(PeerConsumer.plain(level.exactSize()));
        }
        return sb.toString();
    }

    private static int differingLevels(String held, String truth) {
        List<String> a = List.of(held.split(","));
        List<String> b = List.of(truth.split(","));
        int differing = Math.abs(a.size() - b.size());
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            differing += a.get(i).equals(b.get(i)) ? 0 : 1;
        }
        return differing;
    }

    /** Counters at one instant. */
    private record Sample(long nanos, long changes, long framesSent, long accepted, long framesHandled, long diffs,
                          long consumerCpu, long simulatorCpu) {

        double rate(Sample earlier, java.util.function.ToLongFunction<Sample> counter) {
            return (counter.applyAsLong(this) - counter.applyAsLong(earlier)) * 1e9 / (nanos - earlier.nanos);
        }

        double cpuPercent(Sample earlier, java.util.function.ToLongFunction<Sample> cpu) {
            return 100.0 * (cpu.applyAsLong(this) - cpu.applyAsLong(earlier)) / (nanos - earlier.nanos);
        }
    }

    private Sample sample(ConsumerProcess process) throws Exception {
        SimulatorStats sim = simulator.stats(Venue.BINANCE);
        ConsumerProcess.Counts counts = process.counts();
        return new Sample(System.nanoTime(), sim.updatesPublished(), sim.framesSent(), sim.connectionsAccepted(),
                counts.frames(), counts.diffs(), process.cpuNanos(), os.getProcessCpuTime());
    }

    private void control(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(simulator.controlUrl() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
        }
    }

    private static String prop(String key, String fallback) {
        return System.getProperty(key, fallback);
    }

    static void println(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** Number formatting for the tables. */
    static final class Table {
        private Table() {
        }

        static String k(double perSecond) {
            return perSecond >= 10_000 ? String.format(Locale.ROOT, "%.0fk", perSecond / 1000)
                    : perSecond >= 1_000 ? String.format(Locale.ROOT, "%.1fk", perSecond / 1000)
                    : String.format(Locale.ROOT, "%.0f", perSecond);
        }
    }
}
