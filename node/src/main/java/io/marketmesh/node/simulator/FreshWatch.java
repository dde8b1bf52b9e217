package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long a cluster takes to serve every market fresh again after a fault (a node killed, a venue's
 * sockets dropped): polls every market the simulator serves on every given node, all at once, every
 * {@code --interval} ms after its last answer, and prints, relative to {@code --since} (epoch ms, the moment of the
 * fault), when the first market was seen not fresh, when the first of those was fresh again, and when every market
 * answered 200 and not {@code stale} on every node (to requests sent after the fault). Exits 0 when that happened before the
 * timeout, 1 when not, 2 on bad arguments. Used by deploy/local/failover.sh and chaos.sh.
 *
 * <pre>
 * java -cp marketmesh-node.jar io.marketmesh.node.simulator.FreshWatch --simulator http://127.0.0.1:9900 \
 *      --nodes http://127.0.0.1:8082,http://127.0.0.1:8083 --since 1795432490879 [--timeout 60] [--interval 250]
 * </pre>
 */
public final class FreshWatch {

    static final String USAGE = """
            usage: java -cp marketmesh-node.jar io.marketmesh.node.simulator.FreshWatch --simulator URL --nodes URL[,URL...]
                        [--since EPOCH_MS] [--timeout SECONDS] [--interval MS]

              --since MS      the fault's time (epoch ms; default now): times are printed from it, and only answers
                              to requests sent after it count as fresh
              --timeout N     give up after N seconds from --since (default 60)
              --interval MS   pause between two requests for one market on one node (default 500)

            Exit status: 0 every market fresh on every node; 1 not by the timeout; 2 bad arguments.
            """;

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final URI simulator;
    private final List<URI> nodes;
    private final long since;
    private final Duration timeout;
    private final long intervalMillis;
    private final PrintStream out;
    private final HttpClient http = CheckHttp.client(Duration.ofSeconds(2));

    FreshWatch(URI simulator, List<URI> nodes, long since, Duration timeout, long intervalMillis, PrintStream out) {
        this.simulator = simulator;
        this.nodes = nodes;
        this.since = since;
        this.timeout = timeout;
        this.intervalMillis = intervalMillis;
        this.out = out;
    }

    public static void main(String[] args) {
        URI simulator = null;
        List<URI> nodes = new ArrayList<>();
        long since = System.currentTimeMillis();
        Duration timeout = Duration.ofSeconds(60);
        long interval = 500;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--simulator" -> simulator = URI.create(CheckHttp.required(value, args[i]));
                    case "--nodes" -> {
                        for (String node : CheckHttp.required(value, args[i]).split(",")) {
                            nodes.add(URI.create(node.trim()));
                        }
                    }
                    case "--since" -> since = Long.parseLong(CheckHttp.required(value, args[i]));
                    case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(CheckHttp.required(value, args[i])));
                    case "--interval" -> interval = Long.parseLong(CheckHttp.required(value, args[i]));
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (simulator == null || nodes.isEmpty()) {
                throw new IllegalArgumentException("--simulator and --nodes are required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("fresh watch: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
        boolean fresh;
        try {
            fresh = new FreshWatch(simulator, nodes, since, timeout, interval, System.out).run();
        } catch (IllegalStateException e) {
            System.err.println("fresh watch: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(fresh ? 0 : 1);
    }

    /**
     * True once every market was fresh on every node. Each (market, node) pair is polled in a loop of its own (the
     * next request {@code interval} after the last answer), so a market that times out does not hold back the others;
     * a pair counts as fresh from the answer that began its current run of fresh answers, to a request sent after
     * {@code since}.
     */
    boolean run() {
        List<String> markets = marketsWithRetry();
        out.printf("fresh watch: %d market(s) on %d node(s) %s, from %s%n", markets.size(), nodes.size(), nodes,
                clock(since));
        List<Pair> pairs = new ArrayList<>();
        for (String market : markets) {
            int colon = market.indexOf(':');
            String path = "/api/v1/markets/" + market.substring(0, colon) + "/"
                    + URLEncoder.encode(market.substring(colon + 1), StandardCharsets.UTF_8) + "/book?depth=1";
            for (URI node : nodes) {
                pairs.add(new Pair(market, node, node.resolve(path)));
            }
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fresh-watch");
            thread.setDaemon(true);
            return thread;
        });
        try {
            pairs.forEach(pair -> poll(pair, timer));
            return watch(markets.size(), pairs);
        } finally {
            timer.shutdownNow();
        }
    }

    private boolean watch(int marketCount, List<Pair> pairs) {
        long deadline = since + timeout.toMillis();
        boolean sawNotFresh = false;
        boolean sawFreshAgain = false;
        long nextProgress = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            long freshAt = 0;
            String waitingFor = null;
            Set<String> notFresh = new HashSet<>();
            for (Pair pair : pairs) {
                synchronized (pair) {
                    if (!sawNotFresh && pair.notFreshAt > 0) {
                        sawNotFresh = true;
                        out.printf("%s  +%.1f s  first market not fresh: %s: %s%n", clock(pair.notFreshAt),
                                seconds(pair.notFreshAt), pair.market, pair.problem);
                    }
                    if (!sawFreshAgain && pair.notFreshAt > 0 && pair.freshSince > pair.notFreshAt) {
                        sawFreshAgain = true;
                        out.printf("%s  +%.1f s  first market fresh again: %s on %s:%d%n", clock(pair.freshSince),
                                seconds(pair.freshSince), pair.market, pair.node.getHost(), pair.node.getPort());
                    }
                    if (pair.freshSince > 0) {
                        freshAt = Math.max(freshAt, pair.freshSince);
                    } else {
                        notFresh.add(pair.market);
                        if (waitingFor == null) {
                            waitingFor = pair.market + ": " + (pair.problem == null ? "no answer yet" : pair.problem);
                        }
                    }
                }
            }
            if (waitingFor == null) {
                out.printf("%s  +%.1f s  every market fresh on every node (%d market(s) x %d node(s))%s%n",
                        clock(freshAt), seconds(freshAt), marketCount, nodes.size(),
                        sawNotFresh ? "" : "; none was seen not fresh");
                return true;
            }
            long now = System.currentTimeMillis();
            if (now >= nextProgress) {
                out.printf("%s  +%.1f s  %d/%d market(s) fresh on every node; waiting for %s%n", clock(now),
                        seconds(now), marketCount - notFresh.size(), marketCount, waitingFor);
                nextProgress = now + 5_000;
            }
            CheckHttp.pause(Duration.ofMillis(50));
        }
        long now = System.currentTimeMillis();
        out.printf("%s  +%.1f s  NOT every market fresh on every node by the timeout (%d s)%n", clock(now),
                seconds(now), timeout.toSeconds());
        return false;
    }

    /** One (market, node) pair's poll loop; its fields are guarded by itself. */
    private static final class Pair {
        final String market;
        final URI node;
        final URI uri;
        /** When the current run of fresh answers began (0: the last answer was not fresh, or none yet). */
        long freshSince;
        /** The first answer that was not fresh (0: none). */
        long notFreshAt;
        String problem;

        Pair(String market, URI node, URI uri) {
            this.market = market;
            this.node = node;
            this.uri = uri;
        }
    }

    private void poll(Pair pair, ScheduledExecutorService timer) {
        long sent = System.currentTimeMillis();
        problem(pair.node, pair.uri).whenComplete((problem, failure) -> {
            long answered = System.currentTimeMillis();
            synchronized (pair) {
                if (problem == null && failure == null) {
                    if (pair.freshSince == 0 && sent >= since) {
                        pair.freshSince = answered;
                    }
                } else {
                    pair.freshSince = 0;
                    pair.problem = problem != null ? problem : failure.toString();
                    if (pair.notFreshAt == 0) {
                        pair.notFreshAt = answered;
                    }
                }
            }
            try {
                timer.schedule(() -> poll(pair, timer), intervalMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException watchOver) {
                // the watch has ended
            }
        });
    }

    /** Null when the node serves the book fresh, else what is wrong. */
    private CompletableFuture<String> problem(URI node, URI uri) {
        String who = node.getHost() + ":" + node.getPort();
        return http.sendAsync(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        return who + " HTTP " + response.statusCode();
                    }
                    JsonNode body = CheckHttp.parse(response.body());
                    if (body == null) {
                        return who + " unreadable body";
                    }
                    return body.path("stale").asBoolean(true)
                            ? who + " stale (" + body.path("staleReason").asText("") + ")" : null;
                })
                .exceptionally(e -> who + " " + (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName());
    }

    /**
     * {@link #markets()}, asked again every second while it fails and the timeout allows: right after a fault the node
     * may be slow to answer.
     */
    private List<String> marketsWithRetry() {
        long deadline = since + timeout.toMillis();
        while (true) {
            try {
                return markets();
            } catch (IllegalStateException e) {
                if (System.currentTimeMillis() + 1_000 >= deadline) {
                    throw e;
                }
                out.printf("%s  +%.1f s  (asked again: %s)%n", clock(System.currentTimeMillis()),
                        seconds(System.currentTimeMillis()), e.getMessage());
                CheckHttp.pause(Duration.ofSeconds(1));
            }
        }
    }

    /** {@code venue:symbol} of every book the simulator serves, of the venues the first node has enabled. */
    private List<String> markets() {
        JsonNode venues = getJson(nodes.get(0).resolve("/api/v1/venues"));
        List<String> markets = new ArrayList<>();
        for (JsonNode venue : venues.path("venues")) {
            if (venue.path("enabled").asBoolean(false)) {
                String id = venue.path("venue").asText();
                getJson(simulator.resolve("/sim/" + id + "/markets")).path("markets")
                        .forEach(symbol -> markets.add(id + ":" + symbol.asText()));
            }
        }
        if (markets.isEmpty()) {
            throw new IllegalStateException("no market to watch (venues of " + nodes.get(0) + ", markets of " + simulator + ")");
        }
        return markets;
    }

    private JsonNode getJson(URI uri) {
        HttpResponse<String> response = CheckHttp.send(http,
                HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(), uri.getAuthority());
        JsonNode body = CheckHttp.parse(response.body());
        if (response.statusCode() != 200 || body == null) {
            throw new IllegalStateException("GET " + uri + ": HTTP " + response.statusCode());
        }
        return body;
    }

    private double seconds(long epochMillis) {
        return (epochMillis - since) / 1000.0;
    }

    private static String clock(long epochMillis) {
        return LocalTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault()).format(CLOCK);
    }

}
