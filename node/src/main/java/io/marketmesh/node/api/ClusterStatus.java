package io.marketmesh.node.api;

import io.marketmesh.node.cluster.KafkaState;
import io.marketmesh.node.cluster.NodeStatusReporter;
import io.marketmesh.node.connection.ConnectionManager;
import io.marketmesh.node.connection.ConnectionWorkers;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * {@code GET /api/v1/cluster}: the members as this node sees them, each with its Kafka state, and how MarketActor
 * shards (one per connection worker, named like it), markets (entities) and connection workers are spread over them.
 */
final class ClusterStatus {

    private final ActorSystem<?> system;
    private final WorkerDirectory workers;
    private final Set<Venue> venues;
    private final int workersPerVenue;
    private final Duration timeout;

    ClusterStatus(ActorSystem<?> system, WorkerDirectory workers, Set<Venue> venues, int workersPerVenue,
                  Duration timeout) {
        this.system = system;
        this.workers = workers;
        this.venues = venues;
        this.workersPerVenue = workersPerVenue;
        this.timeout = timeout;
    }

    CompletionStage<Map<String, Object>> render() {
        CompletableFuture<ShardRegion.ClusterShardingStats> shards = Replies.of(AskPattern.<ClusterShardingQuery,
                        ShardRegion.ClusterShardingStats>ask(ClusterSharding.get(system).shardState(),
                        replyTo -> new GetClusterShardingStats(MarketActor.TYPE_KEY, timeout, replyTo),
                        timeout.plus(timeout), system.scheduler()));
        Map<Venue, CompletableFuture<List<ConnectionManager.WorkerStatus>>> workerAnswers = new TreeMap<>();
        for (Venue venue : venues) {
            workerAnswers.put(venue, workers.statuses(venue));
        }
        CompletableFuture<Map<String, KafkaState>> kafka = nodeStatuses();
        List<CompletableFuture<?>> all = new ArrayList<>(workerAnswers.values());
        all.add(shards);
        all.add(kafka);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(done -> body(shards.join(), workerAnswers, kafka.join()));
    }

    /** Each node's Kafka state by {@code host:port}; a node that does not answer in time is left out. */
    private CompletableFuture<Map<String, KafkaState>> nodeStatuses() {
        ServiceKey<NodeStatusReporter.Command> key = NodeStatusReporter.KEY;
        return Replies.of(AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                        replyTo -> Receptionist.find(key, replyTo), timeout, system.scheduler()))
                .thenCompose(listing -> {
                    List<CompletableFuture<NodeStatusReporter.Status>> answers = new ArrayList<>();
                    for (ActorRef<NodeStatusReporter.Command> reporter : listing.getServiceInstances(key)) {
                        answers.add(Replies.of(AskPattern.<NodeStatusReporter.Command, NodeStatusReporter.Status>ask(
                                        reporter, NodeStatusReporter.GetStatus::new, timeout, system.scheduler()))
                                .exceptionally(failure -> null));
                    }
                    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
                        Map<String, KafkaState> byNode = new HashMap<>();
                        for (CompletableFuture<NodeStatusReporter.Status> answer : answers) {
                            NodeStatusReporter.Status status = answer.join();
                            if (status != null) {
                                byNode.put(status.node(), status.kafka());
                            }
                        }
                        return byNode;
                    });
                });
    }

    private Map<String, Object> body(ShardRegion.ClusterShardingStats shards,
                                     Map<Venue, CompletableFuture<List<ConnectionManager.WorkerStatus>>> workerAnswers,
                                     Map<String, KafkaState> kafka) {
        Cluster cluster = Cluster.get(system);
        var state = cluster.state();
        Set<Member> unreachable = new HashSet<>();
        state.getUnreachable().forEach(unreachable::add);

        Map<String, Map<String, Object>> members = new LinkedHashMap<>();
        for (Member member : state.getMembers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("address", ConnectionWorkers.hostPort(member.address()));
            row.put("status", member.status().toString());
            row.put("reachable", !unreachable.contains(member));
            row.put("roles", new ArrayList<>(member.getRoles()));
            row.put("shards", 0);
            row.put("shardIds", List.of());
            row.put("markets", 0);
            row.put("connectionWorkers", new ArrayList<String>());
            // Null when the node did not answer in time (unreachable, say).
            row.put("kafka", kafka.get(ConnectionWorkers.hostPort(member.address())));
            members.put(ConnectionWorkers.hostPort(member.address()), row);
        }

        int totalShards = 0;
        int totalMarkets = 0;
        List<String> shardStatsMissing = new ArrayList<>();
        for (Map.Entry<Address, ShardRegion.ShardRegionStats> region : shards.getRegions().entrySet()) {
            String address = ConnectionWorkers.hostPort(region.getKey());
            Map<String, Object> stats = region.getValue().getStats(); // shard id -> entity count
            int markets = stats.values().stream().mapToInt(count -> ((Number) count).intValue()).sum();
            totalShards += stats.size();
            totalMarkets += markets;
            Map<String, Object> row = members.get(address);
            if (row != null) {
                row.put("shards", stats.size());
                row.put("shardIds", new java.util.TreeSet<>(stats.keySet()));
                row.put("markets", markets);
            }
            if (!region.getValue().getFailed().isEmpty()) {
                shardStatsMissing.add(address + " (" + region.getValue().getFailed().size() + " shards did not answer)");
            }
        }

        Map<String, Object> workerTotals = new LinkedHashMap<>();
        int running = 0;
        for (Map.Entry<Venue, CompletableFuture<List<ConnectionManager.WorkerStatus>>> venue : workerAnswers.entrySet()) {
            List<ConnectionManager.WorkerStatus> statuses = venue.getValue().join();
            running += statuses.size();
            workerTotals.put(venue.getKey().id(), Map.<String, Object>of("configured", workersPerVenue,
                    "running", statuses.size()));
            for (ConnectionManager.WorkerStatus status : statuses) {
                Map<String, Object> row = members.get(status.node());
                if (row != null) {
                    @SuppressWarnings("unchecked")
                    List<String> list = (List<String>) row.get("connectionWorkers");
                    list.add(venue.getKey().id() + "-" + status.worker());
                }
            }
        }

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("self", ConnectionWorkers.hostPort(cluster.selfMember().address()));
        body.put("leader", state.getLeader() == null ? null : ConnectionWorkers.hostPort(state.getLeader()));
        body.put("members", new ArrayList<>(members.values()));
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("members", members.size());
        totals.put("unreachable", unreachable.size());
        totals.put("shards", totalShards);
        totals.put("markets", totalMarkets);
        totals.put("connectionWorkers", running);
        body.put("totals", totals);
        body.put("connectionWorkers", workerTotals);
        if (!shardStatsMissing.isEmpty()) {
            body.put("incomplete", shardStatsMissing);
        }
        return body;
    }
}
