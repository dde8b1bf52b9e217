package io.marketmesh.node.cluster;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Why this node is not ready yet, if it is not: one answer for the API's {@code /health/ready} and for
 * pekko-management's {@code /ready} (the Kubernetes readiness probe), through {@link Check}. The node guardian
 * installs the conditions once everything is started; until then the node is not ready.
 *
 * <p>Ready means "can serve": an {@code Up} member that has read the followed markets. Kafka is not a condition, at
 * start or later: books are served (and records queue) while it is away, so a pod must not leave its service for a
 * Kafka outage. Kafka's state is shown beside readiness instead ({@link #kafka()}).
 */
public final class NodeReadiness implements Extension {

    private static final ExtensionId<NodeReadiness> ID = new ExtensionId<>() {
        @Override
        public NodeReadiness createExtension(ActorSystem<?> system) {
            return new NodeReadiness();
        }
    };

    private volatile Supplier<Optional<String>> notReadyReason = () -> Optional.of("the node is starting");
    private volatile Supplier<KafkaState> kafka = () -> KafkaState.DISABLED;

    private NodeReadiness() {
    }

    public static NodeReadiness get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** @param notReadyReason why the node cannot serve yet, or empty when it can */
    public void install(Supplier<Optional<String>> notReadyReason) {
        this.notReadyReason = notReadyReason;
    }

    public Optional<String> notReadyReason() {
        return notReadyReason.get();
    }

    /** @param kafka this node's Kafka state now (installed when Kafka is enabled) */
    public void installKafka(Supplier<KafkaState> kafka) {
        this.kafka = kafka;
    }

    /** This node's Kafka state now; {@link KafkaState#DISABLED} without Kafka. */
    public KafkaState kafka() {
        return kafka.get();
    }

    /** A pekko-management readiness check ({@code pekko.management.health-checks.readiness-checks}). */
    public static final class Check implements Supplier<CompletionStage<Boolean>> {

        private final NodeReadiness readiness;

        public Check(org.apache.pekko.actor.ActorSystem system) {
            this.readiness = NodeReadiness.get(Adapter.toTyped(system));
        }

        @Override
        public CompletionStage<Boolean> get() {
            return CompletableFuture.completedFuture(readiness.notReadyReason().isEmpty());
        }
    }
}
