package io.marketmesh.node.publish;

import io.marketmesh.node.market.BookSource;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.protocol.MarketKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A node's {@link BookSource} over Kafka: MarketActors that start without a book ask it; requests arriving together
 * (a node start, a rebalance moving many markets) are read in one pass of the snapshots and book topics
 * ({@link KafkaBootstrap}, within {@code bootstrap-look-back}), on a blocking thread, and each market found gets its
 * book back. One read at a time; requests made meanwhile wait for the next.
 */
public final class KafkaBookSource {

    /** How long requests gather before a read: MarketActors of one rebalance start within this. */
    private static final Duration GATHER = Duration.ofMillis(300);

    private KafkaBookSource() {
    }

    sealed interface Command permits Request, Read, Done {
    }

    private record Request(MarketKey market, ActorRef<MarketActor.Command> replyTo) implements Command {
    }

    private enum Read implements Command {
        INSTANCE
    }

    private record Done(List<Request> requests, Map<MarketKey, KafkaBootstrap.Book> books, Throwable failure)
            implements Command {
    }

    /** Spawns the reader and returns the source the MarketActors use. */
    public static BookSource spawn(ActorContext<?> context, CompletionStage<String> bootstrapServers,
                                   KafkaSettings settings) {
        ActorRef<Command> reader = context.spawn(create(bootstrapServers, settings), "kafka-book-source");
        return (market, replyTo) -> reader.tell(new Request(market, replyTo));
    }

    static Behavior<Command> create(CompletionStage<String> bootstrapServers, KafkaSettings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                idle(context, timers, bootstrapServers, settings, new ArrayList<>(), false)));
    }

    private static Behavior<Command> idle(ActorContext<Command> context, TimerScheduler<Command> timers,
                                          CompletionStage<String> bootstrapServers, KafkaSettings settings,
                                          List<Request> pending, boolean reading) {
        return Behaviors.receive(Command.class)
                .onMessage(Request.class, request -> {
                    pending.add(request);
                    if (!reading && !timers.isTimerActive(Read.INSTANCE)) {
                        timers.startSingleTimer(Read.INSTANCE, GATHER);
                    }
                    return Behaviors.same();
                })
                .onMessageEquals(Read.INSTANCE, () -> {
                    List<Request> batch = List.copyOf(pending);
                    pending.clear();
                    Set<String> wanted = new HashSet<>();
                    batch.forEach(r -> wanted.add(r.market().id()));
                    var blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
                    CompletableFuture<Map<MarketKey, KafkaBootstrap.Book>> read = bootstrapServers.toCompletableFuture()
                            .thenApplyAsync(servers -> KafkaBootstrap.read(servers, settings,
                                    settings.bootstrapLookBack(), wanted::contains), blocking);
                    context.pipeToSelf(read, (books, failure) -> new Done(batch, books, failure));
                    return idle(context, timers, bootstrapServers, settings, pending, true);
                })
                .onMessage(Done.class, done -> {
                    if (done.failure() != null) {
                        context.getLog().warn("reading {} book(s) from Kafka failed, they come from the venues only: {}",
                                done.requests().size(), done.failure().toString());
                    } else {
                        for (Request request : done.requests()) {
                            KafkaBootstrap.Book book = done.books().get(request.market());
                            if (book != null) {
                                request.replyTo().tell(new MarketActor.Bootstrap(book.book(), book.publishedAt()));
                            }
                        }
                    }
                    if (!pending.isEmpty()) {
                        timers.startSingleTimer(Read.INSTANCE, GATHER);
                    }
                    return idle(context, timers, bootstrapServers, settings, pending, false);
                })
                .build();
    }
}
