package io.marketmesh.node.publish;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Kafka: when enabled, starts the embedded broker (if no bootstrap servers are configured) and makes
 * sure every topic exists, on a thread of its own so the node's start is not held up; stops the broker late in
 * coordinated shutdown (phase before-actor-system-terminate, after the HTTP unbind and after everything that
 * publishes has stopped).
 *
 * <p>A broker that cannot start stops the node. An external cluster that cannot be reached is retried with
 * backoff while {@code /health/ready} reports it.
 */
public final class NodeKafka {

    private static final Logger LOG = LoggerFactory.getLogger(NodeKafka.class);
    private static final Duration MIN_RETRY = Duration.ofSeconds(2);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final ActorSystem<?> system;
    private final KafkaSettings settings;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread starter;
    private volatile String notReadyReason;
    private volatile EmbeddedKafka embedded;

    private NodeKafka(ActorSystem<?> system, KafkaSettings settings) {
        this.system = system;
        this.settings = settings;
        this.notReadyReason = settings.embeddedBroker() ? "the embedded Kafka broker is starting"
                : "Kafka topics on " + settings.bootstrapServers() + " are not checked yet";
        this.starter = new Thread(this::run, "marketmesh-kafka-start");
        this.starter.setDaemon(true);
    }

    /** Starts in the background; {@link #bootstrapServers()} completes when the broker and topics are ready. */
    public static NodeKafka start(ActorSystem<?> system, KafkaSettings settings) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("marketmesh.kafka.enabled is false");
        }
        NodeKafka kafka = new NodeKafka(system, settings);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "kafka-stop",
                () -> CompletableFuture.supplyAsync(() -> {
                    kafka.stop();
                    return Done.getInstance();
                }, task -> {
                    Thread t = new Thread(task, "marketmesh-kafka-stop");
                    t.setDaemon(true);
                    t.start();
                }));
        kafka.starter.start();
        return kafka;
    }

    /** Completes with the {@code bootstrap.servers} to use once every topic exists. */
    public CompletionStage<String> bootstrapServers() {
        return ready.copy();
    }

    /** Empty once ready; otherwise why not (for {@code /health/ready}). */
    public Optional<String> notReadyReason() {
        return Optional.ofNullable(notReadyReason);
    }

    /** The embedded broker, once started (empty with an external cluster). */
    public Optional<EmbeddedKafka> embedded() {
        return Optional.ofNullable(embedded);
    }

    private void run() {
        String bootstrap = settings.bootstrapServers();
        if (settings.embeddedBroker()) {
            long t0 = System.nanoTime();
            try {
                EmbeddedKafka broker = EmbeddedKafka.start(settings.embedded());
                embedded = broker;
                bootstrap = broker.bootstrapServers();
                LOG.info("embedded Kafka broker listening on {}, data in {} (started in {} ms)",
                        broker.bootstrapServers(), broker.dataDir(), (System.nanoTime() - t0) / 1_000_000);
            } catch (RuntimeException e) {
                fail(e.getMessage(), e);
                return;
            }
        }
        Duration retry = MIN_RETRY;
        while (stopping.getCount() > 0) {
            try {
                List<String> created = KafkaTopics.ensure(bootstrap, settings);
                LOG.info("Kafka topics ready on {}{}", bootstrap, created.isEmpty() ? "" : " (created " + created + ")");
                notReadyReason = null;
                ready.complete(bootstrap);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                String reason = "Kafka topics on " + bootstrap + " could not be checked or created: " + rootMessage(e);
                notReadyReason = reason;
                LOG.warn("{}; retrying in {} s", reason, retry.toSeconds());
                try {
                    if (stopping.await(retry.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
            }
        }
    }

    private void fail(String message, Throwable e) {
        notReadyReason = message;
        ready.completeExceptionally(e);
        LOG.error("{} — stopping the node", message);
        system.terminate();
    }

    /** Waits for a start in progress, then stops the embedded broker (if any). */
    private void stop() {
        stopping.countDown();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!ready.isDone()) {
            ready.completeExceptionally(new IllegalStateException("the node stopped before Kafka was ready"));
        }
        EmbeddedKafka broker = embedded;
        if (broker != null) {
            long t0 = System.nanoTime();
            broker.close();
            LOG.info("embedded Kafka broker stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
