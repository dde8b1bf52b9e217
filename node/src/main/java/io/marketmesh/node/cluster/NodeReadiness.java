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
 */
public final class NodeReadiness implements Extension {

    private static final ExtensionId<NodeReadiness> ID = new ExtensionId<>() {
        @Override
        public NodeReadiness createExtension(ActorSystem<?> system) {
            return new NodeReadiness();
        }
    };

    private volatile Supplier<Optional<String>> notReadyReason = () -> Optional.of("the node is starting");

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
