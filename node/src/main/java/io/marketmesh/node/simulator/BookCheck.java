package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Checks that every node serves every simulated market's book exactly as the venue simulator holds it: for each
 * market the simulator lists ({@code GET /sim/{venue}/markets}), its true book ({@code GET /sim/{venue}/book/{symbol}})
 * against each node's {@code GET /api/v1/markets/{venue}/{symbol}/book?depth=1000}, equal level by level and not
 * stale. Repeats until all are equal or time runs out, with a progress line every few seconds, then prints a summary
 * and exits 0 (all equal), 1 (a mismatch is left) or 2 (bad arguments, simulator unreachable).
 *
 * <pre>
 * java -cp marketmesh-node.jar io.marketmesh.node.simulator.BookCheck --simulator http://127.0.0.1:9900 \
 *      --nodes http://127.0.0.1:8081,http://127.0.0.1:8082 [--pause [--stay-paused]] [--timeout 60]
 * </pre>
 *
 * Books move while the simulator runs, so an exact comparison wants it quiet: {@code --pause} pauses the venues
 * first and resumes them when the check ends (unless {@code --stay-paused}).
 */
public final class BookCheck {

    static final String USAGE = """
            usage: java -cp marketmesh-node.jar io.marketmesh.node.simulator.BookCheck --simulator URL --nodes URL[,URL...]
                        [--pause] [--stay-paused] [--timeout SECONDS] [--progress SECONDS]

              --simulator URL   the venue simulator (java -jar marketmesh-node.jar --simulator), e.g. http://127.0.0.1:9900
              --nodes URLS      comma-separated HTTP API base URLs of the nodes, e.g. http://127.0.0.1:8081,http://127.0.0.1:8082
              --pause           pause the simulated venues first (books stop moving), resume them at the end
              --stay-paused     with --pause: leave the venues paused
              --timeout N       give up after N seconds (default 60)
              --progress N      a progress line every N seconds (default 5)

            Exit status: 0 every book equal on every node and none stale; 1 a mismatch remained at the timeout;
            2 bad arguments or the simulator could not be asked.
            """;

    private List<String> followedVenues;
    private static final int DEPTH = 1000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ROUND_PAUSE = Duration.ofSeconds(1);
    /** Markets (and differences per market) the summary names at most. */
    private static final int SHOWN = 20;

    /** What to check. */
    public record Options(URI simulator, List<URI> nodes, boolean pause, boolean stayPaused, Duration timeout,
                          Duration progressEvery) {

        public Options {
            nodes = List.copyOf(nodes);
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("at least one node is needed (--nodes)");
            }
        }

        /** Parses the command line; throws IllegalArgumentException with the reason. */
        public static Options parse(String... args) {
            URI simulator = null;
            List<URI> nodes = new ArrayList<>();
            boolean pause = false;
            boolean stayPaused = false;
            Duration timeout = Duration.ofSeconds(60);
            Duration progress = Duration.ofSeconds(5);
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--simulator" -> simulator = baseUri(value(args, ++i, arg));
                    case "--nodes" -> {
                        for (String node : value(args, ++i, arg).split(",")) {
                            if (!node.isBlank()) {
                                nodes.add(baseUri(node.trim()));
                            }
                        }
                    }
                    case "--pause" -> pause = true;
                    case "--stay-paused" -> stayPaused = true;
                    case "--timeout" -> timeout = seconds(value(args, ++i, arg), arg);
                    case "--progress" -> progress = seconds(value(args, ++i, arg), arg);
                    default -> throw new IllegalArgumentException("unknown option: " + arg);
                }
            }
            if (simulator == null) {
                throw new IllegalArgumentException("--simulator is required");
            }
            return new Options(simulator, nodes, pause, stayPaused, timeout, progress);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static Duration seconds(String text, String option) {
            try {
                long n = Long.parseLong(text);
                if (n <= 0) {
                    throw new NumberFormatException();
                }
                return Duration.ofSeconds(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a whole number of seconds > 0, got '" + text + "'");
            }
        }

        private static URI baseUri(String text) {
            String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
            URI uri = URI.create(trimmed);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http://host:port URL: '" + text + "'");
            }
            return uri;
        }
    }

    /**
     * The outcome: the markets checked, and for each market that is not equal on every node, its first differences
     * (one line per node and problem).
     */
    public record Result(int markets, int nodes, Map<String, List<String>> mismatches, Duration took) {

        public boolean allEqual() {
            return mismatches.isEmpty();
        }

        public int equal() {
            return markets - mismatches.size();
        }
    }

    private final Options options;
    private final PrintStream out;
    private final HttpClient http = CheckHttp.client(Duration.ofSeconds(5));

    private BookCheck(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("book check: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        try {
            System.exit(run(options, System.out).allEqual() ? 0 : 1);
        } catch (IllegalStateException e) {
            System.err.println("book check: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Runs the check, printing progress and the summary to {@code out}.
     *
     * @throws IllegalStateException when the simulator cannot be asked for its markets or paused
     */
    public static Result run(Options options, PrintStream out) {
        return new BookCheck(options, out).run();
    }

    private Result run() {
        long start = System.nanoTime();
        long deadline = start + options.timeout().toNanos();
        if (options.pause()) {
            control("pause");
        }
        try {
            List<String> markets = markets();
            out.printf("book check: %d market(s) of %s on %d node(s) %s%s%n", markets.size(), options.simulator(),
                    options.nodes().size(), options.nodes(), options.pause() ? " (venues paused)" : "");
            long nextProgress = start + options.progressEvery().toNanos();
            Map<String, List<String>> mismatches = compare(markets);
            while (!mismatches.isEmpty() && System.nanoTime() < deadline) {
                if (System.nanoTime() >= nextProgress) {
                    out.printf("[%3ds] %d/%d market(s) equal on every node; waiting for %s%n", CheckHttp.secondsSince(start),
                            markets.size() - mismatches.size(), markets.size(), firstProblem(mismatches));
                    nextProgress = System.nanoTime() + options.progressEvery().toNanos();
                }
                CheckHttp.pause(ROUND_PAUSE);
                mismatches = compare(markets);
            }
            Result result = new Result(markets.size(), options.nodes().size(), mismatches,
                    Duration.ofNanos(System.nanoTime() - start));
            summarize(result);
            return result;
        } finally {
            if (options.pause() && !options.stayPaused()) {
                control("resume");
            }
        }
    }

    private void summarize(Result result) {
        out.printf("book check %s: %d market(s) checked on %d node(s): %d equal, %d mismatched, in %.1f s%n",
                result.allEqual() ? "PASSED" : "FAILED", result.markets(), result.nodes(), result.equal(),
                result.mismatches().size(), result.took().toMillis() / 1000.0);
        int shown = 0;
        for (Map.Entry<String, List<String>> mismatch : result.mismatches().entrySet()) {
            if (shown++ == SHOWN) {
                out.printf("  ... and %d more market(s)%n", result.mismatches().size() - SHOWN);
                break;
            }
            out.println("  " + mismatch.getKey());
            mismatch.getValue().stream().limit(3).forEach(problem -> out.println("    " + problem));
        }
    }

    // ---------------------------------------------------------------- simulator

    /** {@code venue:symbol} of every book the simulator serves, of the venues the (first) node follows. */
    private List<String> markets() {
        List<String> markets = new ArrayList<>();
        for (String venue : venues()) {
            Reply reply = get(options.simulator().resolve("/sim/" + venue + "/markets")).join();
            if (reply.status() != 200 || reply.body() == null) {
                throw new IllegalStateException("the simulator at " + options.simulator() + " did not list its " + venue
                        + " markets: " + reply.describe());
            }
            reply.body().path("markets").forEach(symbol -> markets.add(venue + ":" + symbol.asText()));
        }
        return markets;
    }

    private void control(String action) {
        for (String venue : venues()) {
            Reply reply = send(HttpRequest.newBuilder(options.simulator().resolve("/sim/" + venue + "/" + action))
                    .POST(HttpRequest.BodyPublishers.noBody())).join();
            if (reply.status() != 200) {
                throw new IllegalStateException("the simulator at " + options.simulator() + " did not " + action + " "
                        + venue + ": " + reply.describe());
            }
        }
    }

    /** The venues enabled on the first node ({@code GET /api/v1/venues}): the ones whose books it can be asked for. */
    private List<String> venues() {
        if (followedVenues == null) {
            Reply reply = get(options.nodes().get(0).resolve("/api/v1/venues")).join();
            if (reply.status() != 200 || reply.body() == null) {
                throw new IllegalStateException("the node at " + options.nodes().get(0) + " did not list its venues: "
                        + reply.describe());
            }
            List<String> venues = new ArrayList<>();
            reply.body().path("venues").forEach(v -> {
                if (v.path("enabled").asBoolean(false)) {
                    venues.add(v.path("venue").asText());
                }
            });
            followedVenues = List.copyOf(venues);
        }
        return followedVenues;
    }

    // ---------------------------------------------------------------- comparing

    /** One round: each market's problems, for the markets not equal on every node (in the order of {@code markets}). */
    private Map<String, List<String>> compare(List<String> markets) {
        Map<String, CompletableFuture<Reply>> truths = new LinkedHashMap<>();
        Map<String, List<CompletableFuture<Reply>>> served = new LinkedHashMap<>();
        for (String market : markets) {
            int colon = market.indexOf(':');
            String venue = market.substring(0, colon);
            String symbol = URLEncoder.encode(market.substring(colon + 1), StandardCharsets.UTF_8);
            truths.put(market, get(options.simulator().resolve("/sim/" + venue + "/book/" + symbol)));
            List<CompletableFuture<Reply>> books = new ArrayList<>();
            for (URI node : options.nodes()) {
                books.add(get(node.resolve("/api/v1/markets/" + venue + "/" + symbol + "/book?depth=" + DEPTH)));
            }
            served.put(market, books);
        }
        Map<String, List<String>> mismatches = new LinkedHashMap<>();
        for (String market : markets) {
            List<String> problems = new ArrayList<>();
            Reply truth = truths.get(market).join();
            if (truth.status() != 200 || truth.body() == null) {
                problems.add("simulator: no true book: " + truth.describe());
            } else {
                List<PriceLevel> bids = levels(truth.body().path("bids"));
                List<PriceLevel> asks = levels(truth.body().path("asks"));
                for (int i = 0; i < options.nodes().size(); i++) {
                    problems.addAll(problems(options.nodes().get(i), bids, asks, served.get(market).get(i).join()));
                }
            }
            if (!problems.isEmpty()) {
                mismatches.put(market, problems);
            }
        }
        return mismatches;
    }

    /** What is wrong with one node's book, or nothing. */
    static List<String> problems(URI node, List<PriceLevel> trueBids, List<PriceLevel> trueAsks, Reply book) {
        String who = node.getHost() + ":" + node.getPort();
        if (book.status() == 404) {
            return List.of(who + ": market not followed (404)");
        }
        if (book.status() != 200 || book.body() == null) {
            return List.of(who + ": " + book.describe());
        }
        List<String> problems = new ArrayList<>();
        if (book.body().path("stale").asBoolean(true)) {
            problems.add(who + ": stale (" + book.body().path("staleReason").asText("no reason given") + ")");
        }
        difference("bids", trueBids, levels(book.body().path("bids"))).ifPresent(d -> problems.add(who + ": " + d));
        difference("asks", trueAsks, levels(book.body().path("asks"))).ifPresent(d -> problems.add(who + ": " + d));
        return problems;
    }

    /** The first difference between the venue's side and the node's, if any (the venue's cut to the depth asked). */
    static java.util.Optional<String> difference(String side, List<PriceLevel> venue, List<PriceLevel> node) {
        List<PriceLevel> expected = venue.size() > DEPTH ? venue.subList(0, DEPTH) : venue;
        for (int i = 0; i < Math.min(expected.size(), node.size()); i++) {
            if (!expected.get(i).equals(node.get(i))) {
                return java.util.Optional.of(side + "[" + i + "]: venue " + level(expected.get(i)) + ", node " + level(node.get(i)));
            }
        }
        if (expected.size() != node.size()) {
            String extra = expected.size() > node.size()
                    ? "first missing " + level(expected.get(node.size()))
                    : "first extra " + level(node.get(expected.size()));
            return java.util.Optional.of(side + ": venue has " + expected.size() + " level(s), node " + node.size()
                    + " (" + extra + ")");
        }
        return java.util.Optional.empty();
    }

    private static String level(PriceLevel level) {
        return level.sizeText() + " @ " + Decimals.toString(level.price());
    }

    static List<PriceLevel> levels(JsonNode side) {
        List<PriceLevel> levels = new ArrayList<>();
        for (JsonNode level : side) {
            levels.add(PriceLevel.parse(Decimals.parse(level.get(0).asText()), level.get(1).asText()));
        }
        return levels;
    }

    private static String firstProblem(Map<String, List<String>> mismatches) {
        Map.Entry<String, List<String>> first = mismatches.entrySet().iterator().next();
        return first.getKey() + " (" + first.getValue().get(0) + ")"
                + (mismatches.size() > 1 ? " and " + (mismatches.size() - 1) + " more" : "");
    }

    // ---------------------------------------------------------------- HTTP

    /** A reply: its status and JSON body, or status 0 and the error when there was no reply. */
    record Reply(int status, JsonNode body, String error) {

        String describe() {
            if (status == 0) {
                return "no answer (" + error + ")";
            }
            return "HTTP " + status + (body == null ? "" : " " + abbreviate(body.toString()));
        }

        private static String abbreviate(String text) {
            return text.length() <= 200 ? text : text.substring(0, 200) + "...";
        }
    }

    private CompletableFuture<Reply> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    private CompletableFuture<Reply> send(HttpRequest.Builder request) {
        return http.sendAsync(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Reply(response.statusCode(), CheckHttp.parse(response.body()), null))
                .exceptionally(e -> new Reply(0, null, (e.getCause() != null ? e.getCause() : e).toString()));
    }

}
