package io.marketmesh.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the Prometheus alert rules under deploy/ parse, and query only metrics a node serves at
 * /metrics (the names agreed for issue 13), so a renamed metric cannot leave an empty panel or a silent alert behind.
 */
class ObservabilityDeployFilesTest {

    /** Every metric family a node exports under the marketmesh_ prefix (counters with their _total). */
    static final Set<String> NODE_METRICS = Set.of(
            "marketmesh_venue_connections_open", "marketmesh_venue_reconnects_total",
            "marketmesh_venue_frames_received_total", "marketmesh_venue_bytes_received_total",
            "marketmesh_venue_bad_frames_total", "marketmesh_venue_errors_total", "marketmesh_venue_subscriptions",
            "marketmesh_venue_workers",
            "marketmesh_books", "marketmesh_books_stale", "marketmesh_resyncs_requested_total",
            "marketmesh_resyncs_healed_total", "marketmesh_sequence_checks_total", "marketmesh_checksum_checks_total",
            "marketmesh_book_changes_dropped_total",
            "marketmesh_kafka_records_queued_total", "marketmesh_kafka_records_acknowledged_total",
            "marketmesh_kafka_records_refused_total", "marketmesh_kafka_publish_queue_depth",
            "marketmesh_stream_clients", "marketmesh_stream_messages_sent_total", "marketmesh_stream_bytes_sent_total",
            "marketmesh_stream_conflations_total", "marketmesh_stream_disconnects_total",
            "marketmesh_cluster_members", "marketmesh_cluster_unreachable_members", "marketmesh_shards",
            "marketmesh_instruments");

    /** The latency histograms: queried through their _bucket, _sum and _count series. */
    static final Set<String> NODE_HISTOGRAMS = Set.of(
            "marketmesh_frame_to_book_seconds", "marketmesh_frame_to_kafka_ack_seconds",
            "marketmesh_frame_to_stream_client_seconds", "marketmesh_top_to_summary_seconds");

    /** The Prometheus client's JVM instrumentation (client_java 1.x JvmMetrics) that the files use. */
    static final Set<String> JVM_METRICS = Set.of(
            "jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_gc_collection_seconds_sum",
            "jvm_gc_collection_seconds_count", "jvm_threads_current", "process_cpu_seconds_total",
            "process_resident_memory_bytes");

    /** Written by Prometheus itself for every target, not by the node. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up");

    /** PromQL functions, aggregations and keywords: identifiers in an expression that are not metric names. */
    static final Set<String> PROMQL_WORDS = Set.of(
            "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
            "group", "rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear", "histogram_quantile",
            "abs", "absent", "absent_over_time", "clamp_min", "clamp_max", "changes", "resets", "time", "vector",
            "scalar", "label_replace", "label_join", "max_over_time", "min_over_time", "avg_over_time",
            "sum_over_time", "count_over_time", "last_over_time", "and", "or", "unless", "by", "without", "on",
            "ignoring", "group_left", "group_right", "bool", "offset", "label_values", "inf", "nan");

    static final Path REPOSITORY = locateRepository();
    static final Path DASHBOARD = REPOSITORY.resolve("deploy/grafana/marketmesh-dashboard.json");
    static final Path RULES = REPOSITORY.resolve("deploy/prometheus/marketmesh-rules.yml");
    static final Path COMPOSE = REPOSITORY.resolve("deploy/compose/docker-compose.yml");
    static final Path PROMETHEUS_RULE = REPOSITORY.resolve("deploy/k8s/prometheusrule.yaml");

    @Test
    void dashboardQueriesOnlyMetricsTheNodesServe() throws IOException {
        List<String> expressions = dashboardExpressions();
        assertTrue(expressions.size() > 40, "the dashboard has its panels' queries: " + expressions.size());
        Set<String> unknown = new TreeSet<>();
        for (String expression : expressions) {
            for (String metric : metricNames(expression)) {
                if (!isServed(metric)) {
                    unknown.add(metric + "  (in: " + expression + ")");
                }
            }
        }
        assertEquals(Set.of(), unknown, "metrics on the dashboard that no node serves");
    }

    @Test
    void dashboardShowsEveryNodeMetric() throws IOException {
        Set<String> used = new TreeSet<>();
        for (String expression : dashboardExpressions()) {
            for (String metric : metricNames(expression)) {
                used.add(histogramFamily(metric));
            }
        }
        Set<String> missing = new TreeSet<>(NODE_METRICS);
        missing.addAll(NODE_HISTOGRAMS);
        missing.removeAll(used);
        assertEquals(Set.of(), missing, "node metrics without a panel");
    }

    @Test
    void dashboardHasASectionPerAreaAndQueriesTheChosenDataSource() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertEquals("marketmesh", dashboard.path("uid").asText());
        List<String> rows = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                continue;
            }
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(),
                    "panel '" + panel.path("title").asText() + "' uses the dashboard's data source variable");
            assertFalse(panel.path("targets").isEmpty(), "panel '" + panel.path("title").asText() + "' has a query");
        }
        for (String area : List.of("Venues", "Books", "Latency", "Kafka", "Streams", "Cluster")) {
            assertTrue(rows.stream().anyMatch(row -> row.startsWith(area)), "a row for " + area + " in " + rows);
        }
        List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(variable -> variables.add(variable.path("name").asText()));
        assertEquals(List.of("datasource", "job", "instance", "venue"), variables);
    }

    @Test
    void alertRulesAreCompleteAndQueryOnlyMetricsTheNodesServe() throws IOException {
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        Map<String, String> alerts = new LinkedHashMap<>();
        for (Map<String, Object> group : listOfMaps(rules.get("groups"))) {
            for (Map<String, Object> rule : listOfMaps(group.get("rules"))) {
                String alert = (String) rule.get("alert");
                String expression = String.valueOf(rule.get("expr"));
                assertTrue(alert != null && alert.startsWith("Marketmesh"), "an alert rule named Marketmesh*: " + rule);
                Map<?, ?> labels = (Map<?, ?>) rule.get("labels");
                assertTrue(labels != null && Set.of("critical", "warning", "info").contains(labels.get("severity")),
                        alert + " has a severity");
                Map<?, ?> annotations = (Map<?, ?>) rule.get("annotations");
                assertTrue(annotations != null && annotations.get("summary") != null
                        && annotations.get("description") != null, alert + " has a summary and a description");
                assertEquals(null, alerts.put(alert, expression), "alert names are unique: " + alert);
                for (String metric : metricNames(expression)) {
                    assertTrue(isServed(metric), alert + " queries " + metric + ", which no node serves");
                }
            }
        }
        for (String wanted : List.of("MarketmeshVenueDown", "MarketmeshBooksStale", "MarketmeshKafkaBacklog",
                "MarketmeshUnreachableMember", "MarketmeshNodeDown")) {
            assertTrue(alerts.containsKey(wanted), "the rules have " + wanted + ": " + alerts.keySet());
        }
    }

    @Test
    void kubernetesPrometheusRuleHoldsTheSameRules() throws IOException {
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        Map<String, Object> prometheusRule = new Yaml().load(Files.readString(PROMETHEUS_RULE));
        assertEquals("PrometheusRule", prometheusRule.get("kind"));
        assertEquals(rules.get("groups"), ((Map<?, ?>) prometheusRule.get("spec")).get("groups"),
                "deploy/k8s/prometheusrule.yaml has the groups of deploy/prometheus/marketmesh-rules.yml");
    }

    @Test
    void composeMountsFilesThatExist() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE));
        Map<?, ?> services = (Map<?, ?>) compose.get("services");
        assertTrue(services.containsKey("prometheus") && services.containsKey("grafana"), "compose runs both");
        int mounts = 0;
        for (String service : List.of("prometheus", "grafana")) {
            for (Object volume : (List<?>) ((Map<?, ?>) services.get(service)).get("volumes")) {
                String source = String.valueOf(volume).split(":")[0];
                if (source.startsWith("../")) {
                    mounts++;
                    assertTrue(Files.exists(COMPOSE.getParent().resolve(source).normalize()),
                            service + " mounts " + source + ", which exists");
                }
            }
        }
        assertEquals(4, mounts, "Prometheus' config and rules, Grafana's provisioning and dashboard");
    }

    @Test
    void metricNamesAreReadFromExpressions() {
        assertEquals(List.of("marketmesh_frame_to_book_seconds_bucket"), metricNames(
                "histogram_quantile(0.99, sum by (le, instance) (rate(marketmesh_frame_to_book_seconds_bucket"
                        + "{instance=~\"$instance\", le!=\"+Inf\"}[$__rate_interval])))"));
        assertEquals(List.of("a_total", "b"), metricNames(
                "sum by (venue) (a_total{x=\"by (y)\"}) > 0 unless on () b > 0.5e3"));
    }

    private static boolean isServed(String metric) {
        return NODE_METRICS.contains(metric) || NODE_HISTOGRAMS.contains(histogramFamily(metric))
                || JVM_METRICS.contains(metric) || PROMETHEUS_OWN.contains(metric);
    }

    private static String histogramFamily(String metric) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (metric.endsWith(suffix)
                    && NODE_HISTOGRAMS.contains(metric.substring(0, metric.length() - suffix.length()))) {
                return metric.substring(0, metric.length() - suffix.length());
            }
        }
        return metric;
    }

    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS_AND_RANGES = Pattern.compile("\\{[^}]*}|\\[[^\\]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern NUMBER = Pattern.compile("\\b\\d+(\\.\\d+)?([eE][+-]?\\d+)?\\b");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** The metric names in a PromQL expression: what is left once strings, matchers, label lists and words go. */
    static List<String> metricNames(String expression) {
        String rest = QUOTED.matcher(expression).replaceAll(" ");
        rest = MATCHERS_AND_RANGES.matcher(rest).replaceAll(" ");
        rest = LABEL_LISTS.matcher(rest).replaceAll(" ");
        rest = NUMBER.matcher(rest).replaceAll(" ");
        List<String> names = new ArrayList<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String word = identifier.group();
            if (!PROMQL_WORDS.contains(word.toLowerCase()) && !names.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*\\w+\\)");

    /** Every PromQL expression of the dashboard: panel queries and template variable queries. */
    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                // label_values(<series selector>, <label>): the selector is PromQL, the label is not a metric.
                Matcher labelValues = LABEL_VALUES.matcher(variable.path("query").path("query").asText());
                assertTrue(labelValues.matches(), "a label_values query: " + variable);
                expressions.add(labelValues.group(1));
            }
        }
        expressions.forEach(expression -> assertFalse(expression.isBlank(), "no empty query"));
        return expressions;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listOfMaps(Object value) {
        assertTrue(value instanceof List, "a list: " + value);
        return (List<Map<String, Object>>) value;
    }

    /** Tests run in the node module's folder (Maven) or at the repository's root (some IDEs). */
    private static Path locateRepository() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate = here; candidate != null; candidate = candidate.getParent()) {
            if (Files.isDirectory(candidate.resolve("deploy/grafana"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no deploy/grafana above " + here);
    }
}
