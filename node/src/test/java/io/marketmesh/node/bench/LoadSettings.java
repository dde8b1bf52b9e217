package io.marketmesh.node.bench;

import java.util.List;
import java.util.stream.Stream;

/**
 * The benchmark's settings, from system properties (a {@code key=value} argument sets one). Defaults in brackets in
 * {@link LoadBenchmark}'s documentation.
 */
record LoadSettings(int polymarketMarkets, int kalshiMarkets, List<Double> rates, int warmup, int window, int report,
                    int drainTimeout, int ackBoundMs, boolean keepGoing, boolean skipCeiling, int ceilingSeconds,
                    boolean raw, long seed, int jitWarmup, int instruments) {

    static LoadSettings fromSystemProperties() {
        return new LoadSettings(
                intProp("load.polymarketMarkets", 250),
                intProp("load.kalshiMarkets", 500),
                Stream.of(prop("load.rates", "10000,25000,50000,100000,150000,200000,300000").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).map(Double::parseDouble).toList(),
                intProp("load.warmup", 10),
                intProp("load.window", intProp("load.duration", 20)),
                intProp("load.report", 5),
                intProp("load.drainTimeout", 30),
                intProp("load.ackBoundMs", 1000),
                Boolean.parseBoolean(prop("load.keepGoing", "false")),
                Boolean.parseBoolean(prop("load.skipCeiling", "false")),
                intProp("load.ceilingSeconds", 15),
                Boolean.parseBoolean(prop("marketmesh.kafka.publish-raw", "true")),
                Long.parseLong(prop("load.seed", "42")),
                intProp("load.jitWarmup", 30),
                intProp("load.instruments", 250));
    }

    /** Kafka records per book change, roughly: the book record, plus the raw frame when the raw topic is on. */
    double recordsPerChange() {
        return raw ? 2.1 : 1.1;
    }

    private static String prop(String key, String fallback) {
        return System.getProperty(key, fallback);
    }

    private static int intProp(String key, int fallback) {
        return Integer.parseInt(prop(key, Integer.toString(fallback)));
    }
}
