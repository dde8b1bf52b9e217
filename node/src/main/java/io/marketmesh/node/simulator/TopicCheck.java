package io.marketmesh.node.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.publish.BookTopicRebuild;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
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
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Checks that the book topic rebuilds every simulated market's book exactly, as a consumer following docs/kafka.md
 * would ({@link BookTopicRebuild}): reads {@code marketmesh.book} and {@code marketmesh.continuity} from the beginning,
 * reports every hole in a market's sequence and whether a {@code gap_detected} record announced it, and compares each
 * market's rebuilt book with the simulator's true book (the venues paused). Keeps reading what the nodes still
 * publish until every book is equal or the timeout, with a progress line every few seconds; exits 0 (every book
 * rebuilt exactly, every hole announced), 1 (a book differs or is unknown, or a hole was not announced) or 2 (bad
 * arguments, simulator or broker unreachable).
 *
 * <pre>
 * java -cp marketmesh-node.jar io.marketmesh.node.simulator.TopicCheck --simulator http://127.0.0.1:9900 \
 *      --bootstrap 127.0.0.1:9092 [--timeout 60] [--stay-paused]
 * </pre>
 */
public final class TopicCheck {

    static final String USAGE = """
            usage: java -cp marketmesh-node.jar io.marketmesh.node.simulator.TopicCheck --simulator URL --bootstrap HOST:PORT
                        [--venues ID[,ID...]] [--book-topic NAME] [--continuity-topic NAME] [--timeout SECONDS]
                        [--progress SECONDS] [--stay-paused]

              --simulator URL      the venue simulator, e.g. http://127.0.0.1:9900 (paused during the check, resumed after)
              --bootstrap H:P      the Kafka cluster the nodes publish to
              --venues ID,...      only these venues' markets (default: every venue the simulator serves; name the
                                   ones the nodes follow when they follow fewer)
              --book-topic NAME    default marketmesh.book
              --continuity-topic NAME  default marketmesh.continuity
              --timeout N          give up after N seconds (default 60)
              --progress N         a progress line every N seconds (default 5)
              --stay-paused        leave the simulated venues paused

            Exit status: 0 every book rebuilt equal to the venue's and every hole announced; 1 not so at the timeout;
            2 bad arguments, or the simulator or broker could not be asked.
            """;

    private static final TypeReference<MarketRecord<MarketEvent>> EVENT = new TypeReference<>() {
    };
    private static final TypeReference<MarketRecord<Continuity>> CONTINUITY = new TypeReference<>() {
    };
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int SHOWN = 20;

    /** What the check found. */
    public record Result(int markets, long records, List<BookTopicRebuild.Hole> holes, Map<String, String> mismatches) {
        public boolean passed() {
            return mismatches.isEmpty() && holes.stream().allMatch(BookTopicRebuild.Hole::announced);
        }
    }

    private final URI simulator;
    /** The venues whose markets are checked; empty: every venue the simulator serves. */
    private final Set<Venue> venues;
    private final String bootstrap;
    private final String bookTopic;
    private final String continuityTopic;
    private final Duration timeout;
    private final Duration progressEvery;
    private final PrintStream out;
    private final HttpClient http = CheckHttp.client(Duration.ofSeconds(5));
    private final BookTopicRebuild rebuild = new BookTopicRebuild();
    private long records;
    private long unreadable;

    TopicCheck(URI simulator, Set<Venue> venues, String bootstrap, String bookTopic, String continuityTopic,
               Duration timeout, Duration progressEvery, PrintStream out) {
        this.simulator = simulator;
        this.venues = Set.copyOf(venues);
        this.bootstrap = bootstrap;
        this.bookTopic = bookTopic;
        this.continuityTopic = continuityTopic;
        this.timeout = timeout;
        this.progressEvery = progressEvery;
        this.out = out;
    }

    public static void main(String[] args) {
        URI simulator = null;
        String bootstrap = null;
        Set<Venue> venues = new java.util.LinkedHashSet<>();
        String bookTopic = "marketmesh.book";
        String continuityTopic = "marketmesh.continuity";
        Duration timeout = Duration.ofSeconds(60);
        Duration progress = Duration.ofSeconds(5);
        boolean stayPaused = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--simulator" -> simulator = URI.create(CheckHttp.required(value, args[i++]));
                    case "--bootstrap" -> bootstrap = CheckHttp.required(value, args[i++]);
                    case "--venues" -> {
                        for (String id : CheckHttp.required(value, args[i++]).split(",")) {
                            venues.add(Venue.fromId(id.trim()));
                        }
                    }
                    case "--book-topic" -> bookTopic = CheckHttp.required(value, args[i++]);
                    case "--continuity-topic" -> continuityTopic = CheckHttp.required(value, args[i++]);
                    case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(CheckHttp.required(value, args[i++])));
                    case "--progress" -> progress = Duration.ofSeconds(Long.parseLong(CheckHttp.required(value, args[i++])));
                    case "--stay-paused" -> stayPaused = true;
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (simulator == null || bootstrap == null) {
                throw new IllegalArgumentException("--simulator and --bootstrap are required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("topic check: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
        TopicCheck check = new TopicCheck(simulator, venues, bootstrap, bookTopic, continuityTopic, timeout, progress, System.out);
        Result result;
        try {
            check.control("pause");
            try {
                result = check.run();
            } finally {
                if (!stayPaused) {
                    check.control("resume");
                }
            }
        } catch (IllegalStateException e) {
            System.err.println("topic check: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(result.passed() ? 0 : 1);
    }

    Result run() {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Map<String, Truth> truths = truths();
        out.printf("topic check: %d market(s) of %s against %s and %s on %s (venues paused)%n", truths.size(),
                simulator, bookTopic, continuityTopic, bootstrap);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(bookTopic, continuityTopic)) {
                var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("no topic " + topic + " on " + bootstrap);
                }
                infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long nextProgress = start + progressEvery.toNanos();
            Map<String, String> mismatches;
            while (true) {
                readToEnd(consumer, partitions, deadline);
                mismatches = compare(truths);
                boolean passed = mismatches.isEmpty() && rebuild.unannouncedHoles().isEmpty();
                if (passed || System.nanoTime() >= deadline) {
                    break;
                }
                if (System.nanoTime() >= nextProgress) {
                    Map.Entry<String, String> first = mismatches.isEmpty() ? null : mismatches.entrySet().iterator().next();
                    out.printf("[%3ds] %d record(s) read; %d/%d book(s) rebuilt equal%s%n", CheckHttp.secondsSince(start), records,
                            truths.size() - mismatches.size(), truths.size(), first == null
                                    ? "; waiting for the announcement of " + rebuild.unannouncedHoles().get(0)
                                    : "; waiting for " + first.getKey() + " (" + first.getValue() + ")");
                    nextProgress = System.nanoTime() + progressEvery.toNanos();
                }
                CheckHttp.pause(Duration.ofMillis(500));
            }
            Result result = new Result(truths.size(), records, rebuild.holes(), mismatches);
            summarize(result, start);
            return result;
        }
    }

    private void summarize(Result result, long start) {
        long fullBooks = rebuild.books().values().stream().mapToLong(BookTopicRebuild.MarketBook::fullBooks).sum();
        long leftovers = rebuild.books().values().stream().mapToLong(BookTopicRebuild.MarketBook::leftovers).sum();
        long sources = rebuild.books().values().stream().map(BookTopicRebuild.MarketBook::currentSource).distinct().count();
        long announced = result.holes().stream().filter(BookTopicRebuild.Hole::announced).count();
        out.printf("topic check %s: %d market(s), %d book record(s) read (%d full books, %d leftover record(s) of an "
                        + "earlier source), books now from %d node(s); %d equal, %d not; %d hole(s): %d announced, %d NOT "
                        + "announced%s; in %.1f s%n",
                result.passed() ? "PASSED" : "FAILED", result.markets(), result.records(), fullBooks, leftovers, sources,
                result.markets() - result.mismatches().size(), result.mismatches().size(), result.holes().size(),
                announced, result.holes().size() - announced,
                unreadable > 0 ? "; " + unreadable + " unreadable record(s) skipped" : "",
                (System.nanoTime() - start) / 1e9);
        result.holes().stream().limit(SHOWN).forEach(hole -> out.println("  hole: " + hole));
        if (result.holes().size() > SHOWN) {
            out.printf("  ... and %d more hole(s)%n", result.holes().size() - SHOWN);
        }
        result.mismatches().entrySet().stream().limit(SHOWN)
                .forEach(m -> out.println("  " + m.getKey() + ": " + m.getValue()));
        if (result.mismatches().size() > SHOWN) {
            out.printf("  ... and %d more market(s)%n", result.mismatches().size() - SHOWN);
        }
    }

    // ---------------------------------------------------------------- Kafka

    private KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props);
    }

    /** Reads every partition up to the end offsets it has now (or until the deadline). */
    private void readToEnd(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions, long deadline) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                try {
                    if (record.topic().equals(bookTopic)) {
                        rebuild.apply(ProtocolJson.mapper().readValue(record.value(), EVENT));
                        records++;
                    } else if (record.value() != null) {
                        rebuild.announce(ProtocolJson.mapper().readValue(record.value(), CONTINUITY));
                    }
                } catch (IOException | RuntimeException e) {
                    if (unreadable++ == 0) {
                        out.printf("  unreadable record on %s-%d at offset %d skipped: %s%n", record.topic(),
                                record.partition(), record.offset(), e.getMessage());
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- comparing

    private record Truth(List<PriceLevel> bids, List<PriceLevel> asks) {
    }

    /** Each market's difference between the rebuilt book and the venue's, for the markets that differ. */
    private Map<String, String> compare(Map<String, Truth> truths) {
        Map<String, String> mismatches = new LinkedHashMap<>();
        truths.forEach((market, truth) -> {
            BookTopicRebuild.MarketBook book = rebuild.book(market).orElse(null);
            if (book == null) {
                mismatches.put(market, "no book record");
            } else if (!book.known()) {
                mismatches.put(market, "book unknown after a hole or reset, waiting for a full book");
            } else {
                BookCheck.difference("bids", truth.bids(), book.bids())
                        .or(() -> BookCheck.difference("asks", truth.asks(), book.asks()))
                        .ifPresent(difference -> mismatches.put(market, difference.replace("node", "topic")));
            }
        });
        return mismatches;
    }

    // ---------------------------------------------------------------- simulator

    /** The true book of every market the simulator serves (the venues are paused, so they hold still). */
    private Map<String, Truth> truths() {
        Map<String, Truth> truths = new LinkedHashMap<>();
        for (Venue venue : Venue.values()) {
            if (!venues.isEmpty() && !venues.contains(venue)) {
                continue;
            }
            HttpResponse<String> listed = get(simulator.resolve("/sim/" + venue.id() + "/markets"));
            if (listed.statusCode() != 200) {
                continue; // a venue the simulator does not serve
            }
            for (JsonNode symbol : CheckHttp.parse(listed.body()).path("markets")) {
                HttpResponse<String> book = get(simulator.resolve("/sim/" + venue.id() + "/book/"
                        + URLEncoder.encode(symbol.asText(), StandardCharsets.UTF_8)));
                JsonNode body = CheckHttp.parse(book.body());
                if (book.statusCode() != 200 || body == null) {
                    throw new IllegalStateException("no true book of " + venue.id() + ":" + symbol.asText());
                }
                truths.put(venue.id() + ":" + symbol.asText(),
                        new Truth(BookCheck.levels(body.path("bids")), BookCheck.levels(body.path("asks"))));
            }
        }
        if (truths.isEmpty()) {
            throw new IllegalStateException("the simulator at " + simulator + " serves no market");
        }
        return truths;
    }

    void control(String action) {
        for (Venue venue : Venue.values()) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(simulator.resolve("/sim/" + venue.id() + "/" + action))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            if (response.statusCode() != 200 && response.statusCode() != 404) {
                throw new IllegalStateException("the simulator did not " + action + " " + venue.id() + ": HTTP "
                        + response.statusCode());
            }
        }
    }

    private HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return CheckHttp.send(http, request.timeout(Duration.ofSeconds(10)).build(), "the simulator at " + simulator);
    }
}
