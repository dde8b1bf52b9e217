package io.marketmesh.node.api;

import io.marketmesh.node.connection.ConnectionManager;
import io.marketmesh.node.connection.ConnectionWorkers;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** Finds a venue's connection workers anywhere in the cluster (receptionist) and asks each for its status. */
final class WorkerDirectory {

    private final ActorSystem<?> system;
    private final Duration timeout;

    WorkerDirectory(ActorSystem<?> system, Duration timeout) {
        this.system = system;
        this.timeout = timeout;
    }

    /**
     * The statuses of the venue's reachable workers, by worker index. A worker that does not answer in time is left
     * out (the caller compares with the configured count), so one slow node cannot fail the whole answer.
     */
    CompletableFuture<List<ConnectionManager.WorkerStatus>> statuses(Venue venue) {
        ServiceKey<ConnectionManager.Command> key = ConnectionWorkers.serviceKey(venue);
        return Replies.of(AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                        replyTo -> Receptionist.find(key, replyTo), timeout, system.scheduler()))
                .thenCompose(listing -> {
                    List<CompletableFuture<ConnectionManager.WorkerStatus>> answers = new ArrayList<>();
                    for (ActorRef<ConnectionManager.Command> worker : listing.getServiceInstances(key)) {
                        answers.add(Replies.of(AskPattern.<ConnectionManager.Command, ConnectionManager.WorkerStatus>ask(
                                        worker, ConnectionManager.GetStatus::new, timeout, system.scheduler()))
                                .exceptionally(failure -> null));
                    }
                    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
                        List<ConnectionManager.WorkerStatus> statuses = new ArrayList<>();
                        answers.forEach(answer -> {
                            if (answer.join() != null) {
                                statuses.add(answer.join());
                            }
                        });
                        statuses.sort(Comparator.comparingInt(ConnectionManager.WorkerStatus::worker));
                        return statuses;
                    });
                });
    }
}
