package io.marketmesh.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestCertificates;
import io.marketmesh.node.testkit.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code marketmesh.cluster.tls}: Artery over mutually authenticated TLS, with certificates a throwaway CA made by the
 * test signed. Two nodes holding the cluster's certificate form a cluster and serve each other's markets; a node whose
 * certificate another CA signed (though it trusts the cluster's CA), and a node speaking plain TCP, never become
 * members.
 */
class ArteryTlsTest {

    private static final Duration SETTLE = Duration.ofSeconds(45);
    /** How long the outsiders keep trying to join before they stop (a seed-node join is retried every few seconds). */
    private static final Duration OUTSIDERS_TRY = Duration.ofSeconds(10);

    private final List<TestNode> nodes = new ArrayList<>();
    private SimulatedVenues venues;

    @AfterEach
    void stop() {
        TestNode.closeAll(nodes);
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void onlyNodesWithACertificateOfTheClustersCaJoinAndMessagesBetweenMembersFlowOverTls() {
        TestCertificates cluster = TestCertificates.shared("marketmesh-test-ca");
        TestCertificates outsider = TestCertificates.shared("another-ca");
        venues = SimulatedVenues.startUnsigned(2, 2, 50, 17);
        int seedPort = TestNode.freePort();
        String seed = "pekko://marketmesh@127.0.0.1:" + seedPort;

        TestNode a = start(venues.unsignedNodeSettings(), seed, seedPort, cluster, cluster, true);
        TestNode b = start(venues.unsignedNodeSettings(), seed, 0, cluster, cluster, true);
        assertEquals("tls-tcp", a.system().settings().config().getString("pekko.remote.artery.transport"));

        // Both Up, each holding markets: a market held on B is served by A (and the other way round), over TLS.
        int markets = venues.marketPaths().size();
        JsonNode members = a.awaitJson("/api/v1/cluster", r -> upMembers(r.body()).size() == 2
                && everyMemberHoldsMarkets(r.body()) && r.body().path("totals").path("markets").asInt() == markets,
                SETTLE).body();
        for (TestNode node : List.of(a, b)) {
            for (String market : venues.marketPaths()) {
                node.awaitJson("/api/v1/markets/" + market,
                        r -> r.status() == 200 && !r.body().path("stale").asBoolean(true), SETTLE);
            }
        }
        Set<String> insiders = upMembers(members);

        // A node whose certificate another CA signed, and one without TLS, try to join through the same seed until
        // they give up (shutdown-after-unsuccessful-join-seed-nodes): neither is ever Up, and the cluster stays A and B.
        Map<String, Object> outsiderSettings = new HashMap<>();
        outsiderSettings.put("pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes", OUTSIDERS_TRY.toSeconds() + "s");
        // The foreign node trusts the cluster's CA, so only the cluster's side (mutual authentication) can refuse it.
        TestNode foreign = start(outsiderSettings, seed, 0, outsider, cluster, false);
        Map<String, Object> plainSettings = new HashMap<>(outsiderSettings);
        plainSettings.put("pekko.cluster.seed-nodes", List.of(seed));
        TestNode plain = TestNode.startWithoutWaiting(plainSettings);
        nodes.add(plain);
        AtomicBoolean outsiderUp = new AtomicBoolean();
        for (TestNode node : List.of(foreign, plain)) {
            org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(node.system())).registerOnMemberUp(
                    () -> outsiderUp.set(true));
        }
        TestNode.await(() -> foreign.system().getWhenTerminated().toCompletableFuture().isDone() && plain.system().getWhenTerminated()
                .toCompletableFuture().isDone(), SETTLE, "both outsiders give up joining");
        assertFalse(outsiderUp.get(), "an outsider became a member");
        JsonNode after = a.get("/api/v1/cluster").body();
        assertEquals(insiders, upMembers(after), after.toString());
        assertEquals(2, after.path("members").size(), "only A and B are members: " + after.path("members"));
        assertEquals(200, a.get("/health/ready").status());
    }

    /**
     * @param identity the CA that signed the node's own certificate
     * @param trusted  the CA whose certificates the node accepts from its peers
     */
    private TestNode start(Map<String, Object> base, String seed, int arteryPort, TestCertificates identity,
                           TestCertificates trusted, boolean awaitReady) {
        Map<String, Object> settings = new HashMap<>(base);
        settings.put("pekko.cluster.seed-nodes", List.of(seed));
        settings.put("pekko.remote.artery.canonical.port", arteryPort);
        settings.put("marketmesh.cluster.tls.enabled", true);
        settings.put("marketmesh.cluster.tls.keystore-file", identity.nodeKeystore().toString());
        settings.put("marketmesh.cluster.tls.keystore-password-file", identity.passwordFile().toString());
        settings.put("marketmesh.cluster.tls.truststore-file", trusted.truststore().toString());
        settings.put("marketmesh.cluster.tls.truststore-password-file", trusted.passwordFile().toString());
        TestNode node = awaitReady ? TestNode.start(settings) : TestNode.startWithoutWaiting(settings);
        nodes.add(node);
        return node;
    }

    private static Set<String> upMembers(JsonNode cluster) {
        Set<String> up = new TreeSet<>();
        for (JsonNode member : cluster.path("members")) {
            if (member.path("status").asText().equals("Up") && member.path("reachable").asBoolean()) {
                up.add(member.path("address").asText());
            }
        }
        return up;
    }

    private static boolean everyMemberHoldsMarkets(JsonNode cluster) {
        for (JsonNode member : cluster.path("members")) {
            if (member.path("markets").asInt() == 0) {
                return false;
            }
        }
        return true;
    }
}
