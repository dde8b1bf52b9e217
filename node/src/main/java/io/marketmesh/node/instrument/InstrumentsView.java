package io.marketmesh.node.instrument;

import io.marketmesh.protocol.MarketKey;
import java.util.List;
import java.util.Map;

/**
 * Every instrument this node knows, as its instrument directory last computed them (from the catalogue, the
 * configuration and the instruments added at runtime), for readers that must not wait on an actor. Only the directory
 * writes.
 */
public final class InstrumentsView {

    private record Snapshot(Map<String, InstrumentDefinition> byId, Map<MarketKey, List<String>> byMarket) {
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    public InstrumentDefinition get(String id) {
        return snapshot.byId().get(id);
    }

    /** Every instrument by id (immutable, sorted by id when iterated through {@link #ids()}). */
    public Map<String, InstrumentDefinition> all() {
        return snapshot.byId();
    }

    public List<String> ids() {
        return snapshot.byId().keySet().stream().sorted().toList();
    }

    /** The instruments the market is a leg of, sorted; empty when none. */
    public List<String> instrumentsOf(MarketKey market) {
        return snapshot.byMarket().getOrDefault(market, List.of());
    }

    /** The directory's whole view after a change. */
    public void publish(Map<String, InstrumentDefinition> byId) {
        Map<MarketKey, List<String>> byMarket = new java.util.HashMap<>();
        byId.values().stream().sorted(java.util.Comparator.comparing(InstrumentDefinition::id)).forEach(d ->
                d.legs().forEach(leg -> byMarket.computeIfAbsent(leg.market(), k -> new java.util.ArrayList<>())
                        .add(d.id())));
        Map<MarketKey, List<String>> frozen = new java.util.HashMap<>();
        byMarket.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        this.snapshot = new Snapshot(Map.copyOf(byId), Map.copyOf(frozen));
    }
}
