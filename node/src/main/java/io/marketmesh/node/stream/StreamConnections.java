package io.marketmesh.node.stream;

import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.instrument.InstrumentOutput;
import io.marketmesh.node.instrument.InstrumentsView;
import io.marketmesh.node.subscription.FollowedMarkets;
import io.marketmesh.node.subscription.Subscriptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import io.marketmesh.node.stream.ClosableWebSocket.CloseReason;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The streams' door for the HTTP layer: one client's WebSocket flow or Server-Sent Events source, wired to this node's
 * {@link StreamHub}. Each client gets a bounded buffer ({@code Source.queue}) that the hub fills and the client's
 * socket drains; the hub never waits on a socket.
 */
public final class StreamConnections {

    /** A client the node cannot take now, or a stream it cannot start; {@code code} is for the API's error body. */
    public static final class Refused extends Exception {
        public final int status;
        public final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private final ActorSystem<?> system;
    private final StreamSettings settings;
    private final FollowedMarkets followedMarkets;
    private final ActorRef<Object> hub;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();

    private StreamConnections(ActorSystem<?> system, StreamSettings settings, FollowedMarkets followedMarkets,
                              ActorRef<Object> hub) {
        this.system = system;
        this.settings = settings;
        this.followedMarkets = followedMarkets;
        this.hub = hub;
    }

    /** Starts this node's hub as a child of {@code context}. */
    /**
     * @param instruments       the node's instruments (a {@code summary:} channel must name one)
     * @param instrumentOutputs the pub-sub topic instrument actors publish summaries and arbitrage steps to
     */
    public static StreamConnections start(ActorContext<?> context, StreamSettings settings,
                                          FollowedMarkets followedMarkets,
                                          ActorRef<Subscriptions.Command> subscriptions, InstrumentsView instruments,
                                          ActorRef<Topic.Command<InstrumentOutput>> instrumentOutputs) {
        ActorRef<Object> hub = context.spawn(StreamHub.create(settings, followedMarkets, subscriptions, instruments,
                instrumentOutputs), "stream-hub");
        return new StreamConnections(context.getSystem(), settings, followedMarkets, hub);
    }

    /**
     * Server-Sent Events of instrument channels ({@code summary:<id>}, {@code arbitrage}): the same messages as on the
     * WebSocket, with {@code event:} {@code summary} or {@code arbitrage}.
     */
    public Source<ServerSentEvent, NotUsed> instrumentEvents(String remote, List<String> channelNames) throws Refused {
        List<StreamChannel> channels = new ArrayList<>();
        for (String name : new LinkedHashSet<>(channelNames)) {
            try {
                channels.add(StreamChannel.parse(name));
            } catch (StreamChannel.BadChannel bad) {
                throw new Refused(400, "bad_channel", bad.getMessage());
            }
        }
        Admitted admitted = admit(remote, true, new CompletableFuture<>());
        StreamClient client = admitted.client();
        return outgoing(admitted, channels, 0)
                .map(o -> ServerSentEvent.create(client.render(o), o.event()))
                .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat)
                .watchTermination((notUsed, done) -> {
                    gone(client, done);
                    return NotUsed.getInstance();
                });
    }

    /** A WebSocket client's flow: its messages in, the hub's out; {@code close} completes when the node closes it. */
    public Flow<Message, Message, NotUsed> webSocket(String remote, CompletableFuture<CloseReason> close) throws Refused {
        Admitted admitted = admit(remote, false, close);
        StreamClient client = admitted.client();
        Sink<Message, NotUsed> in = Flow.<Message>create()
                .mapAsync(1, this::read)
                .to(Sink.foreach(inbound -> hub.tell(new StreamHub.Inbound(client.id, inbound.text(),
                        inbound.problem(), inbound.problemText()))))
                .mapMaterializedValue(m -> NotUsed.getInstance());
        Source<Message, NotUsed> out = outgoing(admitted, List.of(), 0)
                .map(o -> (Message) TextMessage.create(client.render(o)));
        return Flow.fromSinkAndSourceCoupled(in, out)
                .watchTermination((notUsed, done) -> {
                    gone(client, done);
                    return NotUsed.getInstance();
                });
    }

    /**
     * A Server-Sent Events client of one market: {@code channels} are kinds ({@code book}, {@code trades}, ...).
     *
     * @throws Refused unknown market or channel, bad depth, too many clients
     */
    public Source<ServerSentEvent, NotUsed> serverSentEvents(String remote, String venue, String symbol,
                                                             List<String> kinds, int depth) throws Refused {
        List<StreamChannel> channels = new ArrayList<>();
        // A kind named twice is one subscription (two would share a name and interleave their seqs).
        for (String kind : new LinkedHashSet<>(kinds)) {
            try {
                channels.add(StreamChannel.parse(kind + ":" + venue + ":" + symbol));
            } catch (StreamChannel.BadChannel bad) {
                throw new Refused(400, "bad_channel", bad.getMessage());
            }
        }
        if (channels.isEmpty()) {
            throw new Refused(400, "bad_channel", "channels must name at least one of book, trades, ticker, status, "
                    + "continuity");
        }
        if (channels.stream().anyMatch(StreamChannel::wildcard)) {
            throw new Refused(400, "bad_channel", "a market's stream takes one market; use /api/v1/stream for *");
        }
        StreamChannel first = channels.get(0);
        if (!followedMarkets.contains(first.venue(), first.symbol())) {
            throw new Refused(404, "unknown_market", first.market().id() + " is not followed by this cluster");
        }
        if (depth < 0 || depth > settings.maxDepth()) {
            throw new Refused(400, "bad_depth", "depth must be an integer from 1 to " + settings.maxDepth());
        }
        Admitted admitted = admit(remote, true, new CompletableFuture<>());
        StreamClient client = admitted.client();
        return outgoing(admitted, channels, depth)
                .map(o -> ServerSentEvent.create(client.render(o), o.event()))
                // A comment line now and then keeps proxies from closing a quiet stream.
                .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat)
                .watchTermination((notUsed, done) -> {
                    gone(client, done);
                    return NotUsed.getInstance();
                });
    }

    public CompletionStage<ClientsReport> clients(Duration timeout) {
        return AskPattern.ask(hub, StreamHub.GetClients::new, timeout, system.scheduler());
    }

    public StreamSettings settings() {
        return settings;
    }

    private Admitted admit(String remote, boolean sse, CompletableFuture<CloseReason> close) throws Refused {
        // Counted when its stream starts (outgoing): a refused or failed upgrade never counts.
        if (connected.get() >= settings.maxClients()) {
            throw new Refused(503, "too_many_clients", "this node serves " + settings.maxClients()
                    + " stream clients at most (marketmesh.stream.max-clients); try another node or later");
        }
        Pair<BoundedSourceQueue<Outgoing>, Source<Outgoing, NotUsed>> buffer =
                Source.<Outgoing>queue(settings.bufferMessages()).preMaterialize(system);
        return new Admitted(new StreamClient(ids.incrementAndGet(), remote, sse, buffer.first(), close,
                NodeMetrics.get(system).receiptToStreamClient()), buffer.second());
    }

    /**
     * The client's buffer, ended at once (what is still in it dropped) when the node closes the client. The hub learns
     * of the client only when its stream starts, so a connection that never got going leaves nothing behind.
     */
    private Source<Outgoing, NotUsed> outgoing(Admitted admitted, List<StreamChannel> channels, int depth) {
        StreamClient client = admitted.client();
        return admitted.buffer()
                .viaMat(KillSwitches.single(), Keep.right())
                .mapMaterializedValue(killSwitch -> {
                    connected.incrementAndGet();
                    client.close.thenRun(killSwitch::shutdown);
                    hub.tell(new StreamHub.Connect(client, channels, depth));
                    return NotUsed.getInstance();
                });
    }

    private record Admitted(StreamClient client, Source<Outgoing, NotUsed> buffer) {
    }

    private void gone(StreamClient client, CompletionStage<Done> done) {
        done.whenComplete((ok, failure) -> {
            connected.decrementAndGet();
            hub.tell(new StreamHub.Disconnected(client.id, failure == null ? "client closed"
                    : "connection failed: " + failure.getClass().getSimpleName()));
        });
    }

    /** A client's message as text, or what was wrong with it; every message is read to its end. */
    private CompletionStage<InboundText> read(Message message) {
        if (!message.isText()) {
            return message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), system)
                    .thenApply(done -> new InboundText(null, "bad_json", "binary messages are not understood; send "
                            + "JSON text"));
        }
        TextMessage text = message.asTextMessage();
        int max = settings.maxMessageBytes();
        if (text.isStrict()) {
            String strict = text.getStrictText();
            return CompletableFuture.completedFuture(strict.length() > max ? tooLarge(max) : new InboundText(strict, null, null));
        }
        return text.getStreamedText()
                .runFold(new StringBuilder(), (all, part) -> all.length() > max ? all : all.append(part), system)
                .thenApply(all -> all.length() > max ? tooLarge(max) : new InboundText(all.toString(), null, null));
    }

    private static InboundText tooLarge(int max) {
        return new InboundText(null, "message_too_large", "a message may have " + max + " characters at most");
    }

    private record InboundText(String text, String problem, String problemText) {
    }
}
