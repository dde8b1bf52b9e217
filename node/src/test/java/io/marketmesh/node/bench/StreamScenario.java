package io.marketmesh.node.bench;

import java.util.List;

/**
 * One named scenario of the stream benchmark: how many clients, what each follows, and the feed's rates. Every field
 * can be set as {@code stream.<name>.clients}, {@code .markets}, {@code .depth}, {@code .rates}.
 *
 * @param clients clients connected at once, one step each (reconnected between steps)
 * @param markets books each client follows: 0 = every market (two subscriptions, {@code book:polymarket:*} and
 *                {@code book:kalshi:*}); k = k books, one {@code book:<venue>:<symbol>} subscription each, spread so
 *                every book has as many followers as the others (within one)
 * @param depth   the subscriptions' {@code depth} (top-N view); 0 = the whole book
 * @param rates   book changes/s of the feed, each measured in turn with the same clients
 * @param stall   whether one more client (following every market) stops reading halfway ({@link StreamStall})
 * @param target  the target the scenario checks, or empty
 * @param targetRate the feed rate the target is stated at (only steps at it count for the target); 0 = any
 */
record StreamScenario(String name, List<Integer> clients, int markets, int depth, List<Double> rates, boolean stall,
                      String target, double targetRate) {

    static StreamScenario named(String name) {
        return switch (name) {
            case "steps" -> of(name, "100,1000,10000", "10", "500", false, "", 0);
            case "stall" -> of(name, "100", "all", "1000", true, "", 0);
            case "clients10k" -> of(name, "10000", "1", "500", false, "10,000 connected clients", 0);
            case "fanout1k" -> of(name, "1000", "all", "250,500", false,
                    ">= 500k messages/s delivered in total at 1,000 clients", 0);
            case "p99at5k" -> of(name, "100", "all", "5000", false,
                    "p99 receipt -> client <= 5 ms at 5k book changes/s, 100 clients following every market", 5000);
            case "p99at50k" -> of(name, "10", "all", "50000", false,
                    "p99 receipt -> client <= 5 ms at 50k book changes/s, 10 clients following every market", 50_000);
            default -> throw new IllegalArgumentException("unknown scenario '" + name + "' (one of "
                    + StreamBenchSettings.ALL_SCENARIOS + ")");
        };
    }

    private static StreamScenario of(String name, String clients, String markets, String rates, boolean stall,
                                     String target, double targetRate) {
        String prefix = "stream." + name + ".";
        String m = StreamBenchSettings.prop(prefix + "markets", markets).strip();
        return new StreamScenario(name,
                StreamBenchSettings.list(prefix + "clients", clients).stream().map(Integer::parseInt).toList(),
                m.equals("all") ? 0 : Integer.parseInt(m),
                StreamBenchSettings.intProp(prefix + "depth", 0),
                StreamBenchSettings.list(prefix + "rates", rates).stream().map(Double::parseDouble).toList(),
                stall, target, targetRate);
    }

    String describe() {
        return name + ": " + clients + " clients, each following " + (markets == 0 ? "every market" : markets + " book(s)")
                + (depth > 0 ? " (top " + depth + ")" : "") + ", feed at " + rates + " changes/s"
                + (stall ? ", one more client stalls" : "") + (target.isEmpty() ? "" : "; target: " + target);
    }
}
