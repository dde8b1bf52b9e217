package io.marketmesh.node.connection;

import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * A test venue whose book can only be followed by splicing a REST snapshot into a diff stream, the way Binance works:
 * a socket that streams numbered diffs ({@code {"U":first,"u":last,"b":[[p,q]],"a":[...]}}, sizes absolute, 0 removes)
 * once subscribed, and {@code GET /depth} answering the current book with its {@code lastUpdateId}. Its first REST
 * answer is a snapshot from before the socket opened, older than anything the socket will send, so a client that
 * splices without checking builds a wrong book; it must fetch again. It also sends one binary frame per socket.
 */
final class SpliceVenue extends AllDirectives implements AutoCloseable {

    private final ActorSystem<Void> system = TestNode.localSystem("splice-venue");
    private final Random random = new Random(5);
    private final TreeMap<Long, Long> bids = new TreeMap<>(Collections.reverseOrder());
    private final TreeMap<Long, Long> asks = new TreeMap<>();
    private final List<ActorRef<String>> sockets = new CopyOnWriteArrayList<>();
    /** Every text a client sent, in order of arrival. */
    final List<String> received = new CopyOnWriteArrayList<>();
    private final String staleSnapshot;
    private long updateId = 100;
    private int restCalls;
    private boolean paused;
    private final ServerBinding binding;

    SpliceVenue() throws Exception {
        for (int i = 1; i <= 5; i++) {
            bids.put(Decimals.of(1000 - i, 2), Decimals.of(i, 0));
            asks.put(Decimals.of(1000 + i, 2), Decimals.of(i, 0));
        }
        staleSnapshot = snapshotJson();
        // The book moves on before any client connects: the stale snapshot is then well behind.
        for (int i = 0; i < 20; i++) {
            nextDiff();
        }
        binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(concat(
                path("ws", () -> extractWebSocketUpgrade(upgrade -> complete(upgrade.handleMessagesWith(socket())))),
                path("depth", () -> get(() -> complete(HttpResponse.create()
                        .withEntity(ContentTypes.APPLICATION_JSON, depth())))))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        system.scheduler().scheduleAtFixedRate(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(5), () -> {
            String diff = nextDiff();
            if (diff != null) {
                sockets.forEach(s -> s.tell(diff));
            }
        }, system.executionContext());
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws";
    }

    String restUrl() {
        return "http://127.0.0.1:" + binding.localAddress().getPort();
    }

    synchronized int restCalls() {
        return restCalls;
    }

    /** Sends every open socket a frame a correct client cannot read as a diff (it has no update ids). */
    void poison() {
        sockets.forEach(s -> s.tell("{\"e\":\"depthUpdate\",\"b\":[],\"a\":[]}"));
    }

    /** Stops the diffs; the book stays as it is. */
    synchronized void pause() {
        paused = true;
    }

    synchronized List<PriceLevel> bids() {
        return levels(bids);
    }

    synchronized List<PriceLevel> asks() {
        return levels(asks);
    }

    private synchronized String depth() {
        restCalls++;
        return restCalls == 1 ? staleSnapshot : snapshotJson();
    }

    private synchronized String nextDiff() {
        if (paused) {
            return null;
        }
        long first = updateId + 1;
        updateId += 1 + random.nextInt(3);
        StringBuilder b = new StringBuilder();
        StringBuilder a = new StringBuilder();
        for (int k = 0; k < 1 + random.nextInt(3); k++) {
            boolean bid = random.nextBoolean();
            long price = Decimals.of(bid ? 990 + random.nextInt(10) : 1001 + random.nextInt(10), 2);
            long size = random.nextInt(4) == 0 ? 0 : Decimals.of(1 + random.nextInt(500), 1);
            (bid ? bids : asks).remove(price);
            if (size != 0) {
                (bid ? bids : asks).put(price, size);
            }
            StringBuilder side = bid ? b : a;
            side.append(side.length() == 0 ? "" : ",").append("[\"").append(Decimals.toString(price)).append("\",\"")
                    .append(Decimals.toString(size)).append("\"]");
        }
        return "{\"U\":" + first + ",\"u\":" + updateId + ",\"b\":[" + b + "],\"a\":[" + a + "]}";
    }

    private String snapshotJson() {
        return "{\"lastUpdateId\":" + updateId + ",\"bids\":" + json(bids) + ",\"asks\":" + json(asks) + "}";
    }

    private static String json(TreeMap<Long, Long> side) {
        StringBuilder out = new StringBuilder("[");
        side.forEach((p, s) -> out.append(out.length() == 1 ? "" : ",").append("[\"").append(Decimals.toString(p))
                .append("\",\"").append(Decimals.toString(s)).append("\"]"));
        return out.append(']').toString();
    }

    private static List<PriceLevel> levels(TreeMap<Long, Long> side) {
        List<PriceLevel> out = new ArrayList<>();
        side.forEach((p, s) -> out.add(new PriceLevel(p, s)));
        return out;
    }

    private Flow<Message, Message, NotUsed> socket() {
        Materializer materializer = Materializer.matFromSystem(system);
        Pair<ActorRef<String>, Source<String, NotUsed>> outgoing = ActorSource.<String>actorRef(m -> false,
                m -> Optional.empty(), 10_000, OverflowStrategy.fail()).preMaterialize(materializer);
        Source<Message, NotUsed> toClient = Source.<Message>single(BinaryMessage.create(ByteString.fromArray(new byte[] {1, 2, 3})))
                .concat(outgoing.second().map(TextMessage::create));
        Sink<Message, NotUsed> fromClient = Flow.<Message>create()
                .mapAsync(1, m -> m.asTextMessage().toStrict(5_000, materializer).thenApply(s -> s.getStrictText()))
                .to(Sink.foreach(text -> {
                    received.add(text);
                    if (text.contains("SUBSCRIBE") && !sockets.contains(outgoing.first())) {
                        sockets.add(outgoing.first());
                    }
                }));
        return Flow.fromSinkAndSourceCoupled(fromClient, toClient).watchTermination((notUsed, done) -> {
            done.whenComplete((ok, failure) -> sockets.remove(outgoing.first()));
            return NotUsed.getInstance();
        });
    }

    @Override
    public void close() {
        binding.unbind();
        system.terminate();
    }
}
