package io.marketmesh.node.bench;

import java.util.List;
import java.util.stream.Stream;

/**
 * The stream benchmark's settings, from system properties (a {@code key=value} argument sets one); defaults in
 * brackets in {@link StreamBenchmark}'s documentation. Each scenario's own settings are in {@link StreamScenario}.
 */
record StreamBenchSettings(List<String> scenarios, int polymarketMarkets, int kalshiMarkets, long seed, int warmup,
                           int window, int report, int jitWarmup, int stallSeconds, int connectTimeout,
                           int swarmThreads, String swarmHeap, int behindLimitMs, boolean heapHistogram) {

    static final List<String> ALL_SCENARIOS = List.of("steps", "stall", "clients10k", "fanout1k", "p99at5k", "p99at50k");

    static StreamBenchSettings fromSystemProperties() {
        return new StreamBenchSettings(
                list("stream.scenarios", String.join(",", ALL_SCENARIOS)),
                intProp("stream.polymarketMarkets", 100),
                intProp("stream.kalshiMarkets", 200),
                Long.parseLong(prop("stream.seed", "42")),
                intProp("stream.warmup", 10),
                intProp("stream.window", 20),
                intProp("stream.report", 5),
                intProp("stream.jitWarmup", 30),
                intProp("stream.stallSeconds", 30),
                intProp("stream.connectTimeout", 180),
                intProp("stream.swarmThreads", 2),
                prop("stream.swarmHeap", "1g"),
                intProp("stream.behindLimitMs", 5000),
                Boolean.parseBoolean(prop("stream.heapHistogram", "false")));
    }

    static String prop(String key, String fallback) {
        return System.getProperty(key, fallback);
    }

    static int intProp(String key, int fallback) {
        return Integer.parseInt(prop(key, Integer.toString(fallback)).strip());
    }

    static List<String> list(String key, String fallback) {
        return Stream.of(prop(key, fallback).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
