package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.stream.ClosableWebSocket.CloseReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.event.Logging;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.http.javadsl.settings.WebSocketSettings;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A real pekko-http server on loopback and real {@code java.net.http} WebSocket clients: the socket behaves as
 * pekko-http's own until its owner closes it, and then the client gets exactly the chosen code and reason, ahead of
 * anything queued, and a client that reads nothing still cannot keep the connection (or the handler) alive. Nothing
 * of it may log an error.
 */
class ClosableWebSocketTest {

    /** Upper bound of every wait: far above what any step takes, only there so a bug fails instead of hanging. */
    private static final long WAIT_SECONDS = 30;
    /** The queue full on this many offers 10 ms apart: the client has stopped taking data (no assertion rests on it). */
    private static final int STALLED_AFTER_REFUSALS = 50;
    /** The handler's queue of outgoing messages in the tests that stall. */
    private static final int QUEUE_SIZE = 64;
    private static final CloseReason TOO_SLOW = CloseReason.policyViolation("too slow: 64 messages behind");

    private static ActorSystem<Void> system;
    private static ErrorLog errorLog;

    private ServerBinding binding;
    private WebSocket client;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "closable-websocket", ConfigFactory.parseString("""
                pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
                pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
                pekko.actor.provider = local
                """).withFallback(ConfigFactory.load()));
        errorLog = ErrorLog.attach();
    }

    @AfterAll
    static void stop() {
        errorLog.detach();
        system.terminate();
    }

    @AfterEach
    void closeAndCheckTheLog() throws Exception {
        if (client != null) {
            client.abort();
        }
        if (binding != null) {
            binding.unbind().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), errorLog.drain(system), "nothing may log an error or a stack trace");
    }

    @Test
    void echoesTextAnswersPingsAndThePeersCloseCompletesTheHandler() throws Exception {
        CompletableFuture<Done> incomingDone = new CompletableFuture<>();
        CompletableFuture<Done> ended = new CompletableFuture<>();
        Flow<Message, Message, ?> echo = Flow.<Message>create()
                .watchTermination((mat, done) -> done.whenComplete((ok, failure) -> complete(incomingDone, failure)))
                .map(message -> TextMessage.create("echo: " + message.asTextMessage().getStrictText()));
        serve(upgrade -> ClosableWebSocket.handle(upgrade, echo, new CompletableFuture<>(), settings(),
                ClosableWebSocket.DEFAULT_CLOSE_TIMEOUT, ended, system));
        RecordingClient recording = connect(true);

        client.sendText("hello", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("echo: hello", recording.texts.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        client.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("are you there", recording.pongs.poll(WAIT_SECONDS, TimeUnit.SECONDS));

        client.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(Done.getInstance(), incomingDone.get(WAIT_SECONDS, TimeUnit.SECONDS),
                "the peer's close completes the handler's incoming side");
        assertEquals(new Closed(WebSocket.NORMAL_CLOSURE, "bye"), recording.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void theHandlersCompletionStillClosesWith1000() throws Exception {
        Flow<Message, Message, ?> sayByeAndEnd = Flow.fromSinkAndSource(Sink.ignore(),
                Source.single(TextMessage.create("bye")));
        serve(upgrade -> ClosableWebSocket.handle(upgrade, sayByeAndEnd, new CompletableFuture<>(), system));
        RecordingClient recording = connect(true);

        assertEquals("bye", recording.texts.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(new Closed(1000, ""), recording.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void aCloseSignalSendsExactlyItsCodeAndReasonAndEndsTheHandler() throws Exception {
        CompletableFuture<CloseReason> close = new CompletableFuture<>();
        CompletableFuture<Done> ended = new CompletableFuture<>();
        Handler handler = new Handler(16);
        serve(upgrade -> ClosableWebSocket.handle(upgrade, handler.flow(), close, settings(),
                ClosableWebSocket.DEFAULT_CLOSE_TIMEOUT, ended, system));
        RecordingClient recording = connect(true);
        BoundedSourceQueue<Message> outgoing = handler.outgoing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(QueueOfferResult.enqueued(), outgoing.offer(TextMessage.create("first")));
        assertEquals("first", recording.texts.poll(WAIT_SECONDS, TimeUnit.SECONDS));

        close.complete(TOO_SLOW);

        assertEquals(new Closed(1008, TOO_SLOW.reason()), recording.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        handler.incomingDone.get(WAIT_SECONDS, TimeUnit.SECONDS);
        handler.outgoingDone.get(WAIT_SECONDS, TimeUnit.SECONDS);
        ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aCloseSignalledBeforeTheUpgradeClosesTheSocketRightAway() throws Exception {
        CloseReason refused = new CloseReason(4001, "too many clients on this node (10000)");
        Handler handler = new Handler(QUEUE_SIZE);
        serve(upgrade -> ClosableWebSocket.handle(upgrade, handler.flow(), CompletableFuture.completedFuture(refused),
                system));
        RecordingClient recording = connect(true);

        assertEquals(new Closed(4001, refused.reason()), recording.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        handler.incomingDone.get(WAIT_SECONDS, TimeUnit.SECONDS);
        handler.outgoingDone.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void theCloseFrameOvertakesEverythingTheClientHasNotReadYet() throws Exception {
        CompletableFuture<CloseReason> close = new CompletableFuture<>();
        Handler handler = new Handler(QUEUE_SIZE);
        // A long close timeout: this client does read the close frame, only late.
        serve(upgrade -> ClosableWebSocket.handle(upgrade, handler.flow(), close, settings(),
                Duration.ofSeconds(WAIT_SECONDS), new CompletableFuture<>(), system));
        RecordingClient recording = connect(false);
        int accepted = fillUntilStalled(handler.outgoing.get(WAIT_SECONDS, TimeUnit.SECONDS));

        close.complete(TOO_SLOW);
        handler.outgoingDone.get(WAIT_SECONDS, TimeUnit.SECONDS);
        recording.readEverything(client);

        assertEquals(new Closed(1008, TOO_SLOW.reason()), recording.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        // The handler's queue was full when the close came: none of those messages may go out before the close frame.
        assertTrue(recording.texts.size() <= accepted - QUEUE_SIZE, "the close frame came after " + recording.texts.size()
                + " of the " + accepted + " messages, so it waited for some of the " + QUEUE_SIZE + " still queued");
    }

    @Test
    void aClientThatReadsNothingIsCutOffAfterTheCloseTimeout() throws Exception {
        CompletableFuture<CloseReason> close = new CompletableFuture<>();
        CompletableFuture<Done> ended = new CompletableFuture<>();
        Handler handler = new Handler(QUEUE_SIZE);
        serve(upgrade -> ClosableWebSocket.handle(upgrade, handler.flow(), close, settings(), Duration.ofMillis(500),
                ended, system));
        connect(false);
        fillUntilStalled(handler.outgoing.get(WAIT_SECONDS, TimeUnit.SECONDS));

        close.complete(TOO_SLOW);

        handler.incomingDone.get(WAIT_SECONDS, TimeUnit.SECONDS);
        handler.outgoingDone.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(Done.getInstance(), ended.get(WAIT_SECONDS, TimeUnit.SECONDS),
                "the connection is torn down although the client never answers the close frame");
    }

    @Test
    void onlyCodesAndReasonsACloseFrameMayCarryAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> new CloseReason(1005, "reserved: no status"));
        assertThrows(IllegalArgumentException.class, () -> new CloseReason(999, "below the range"));
        assertThrows(IllegalArgumentException.class, () -> new CloseReason(4000, "x".repeat(124)));
        assertEquals(4000, new CloseReason(4000, "idle for 60 s").code());
    }

    /**
     * Offers messages until the client stops taking them: the socket buffers are full and so is the handler's queue,
     * which stays full however long the test waits for room. Returns how many messages the queue accepted.
     */
    private static int fillUntilStalled(BoundedSourceQueue<Message> outgoing) throws InterruptedException {
        String payload = "x".repeat(16 * 1024);
        int accepted = 0;
        int refusedInARow = 0;
        // Loopback socket buffers hold a few MB at most; 100,000 messages (1.6 GB) mean nothing stalls.
        while (refusedInARow < STALLED_AFTER_REFUSALS && accepted < 100_000) {
            QueueOfferResult result = outgoing.offer(TextMessage.create(accepted + " " + payload));
            if (result == QueueOfferResult.enqueued()) {
                accepted++;
                refusedInARow = 0;
            } else {
                assertEquals(QueueOfferResult.dropped(), result, "the handler's queue is full, not closed");
                refusedInARow++;
                Thread.sleep(10);
            }
        }
        assertTrue(accepted < 100_000, "1.6 GB went out to a client that reads nothing: it is not back-pressured");
        return accepted;
    }

    private static WebSocketSettings settings() {
        return ServerSettings.create(system.classicSystem()).getWebsocketSettings();
    }

    private void serve(Function<WebSocketUpgrade, HttpResponse> onUpgrade) throws Exception {
        binding = Http.get(system).newServerAt("127.0.0.1", 0)
                .bindSync(request -> request.getAttribute(AttributeKeys.webSocketUpgrade)
                        .map(onUpgrade)
                        .orElseGet(() -> HttpResponse.create().withStatus(StatusCodes.BAD_REQUEST)))
                .toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private RecordingClient connect(boolean reads) throws Exception {
        RecordingClient recording = new RecordingClient(reads);
        URI uri = URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + "/");
        client = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, recording)
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        return recording;
    }

    private static void complete(CompletableFuture<Done> future, Throwable failure) {
        if (failure == null) {
            future.complete(Done.getInstance());
        } else {
            future.completeExceptionally(failure);
        }
    }

    /** A handler whose outgoing messages the test offers, and whose two sides report when they have terminated. */
    private static final class Handler {
        final CompletableFuture<BoundedSourceQueue<Message>> outgoing = new CompletableFuture<>();
        final CompletableFuture<Done> incomingDone = new CompletableFuture<>();
        final CompletableFuture<Done> outgoingDone = new CompletableFuture<>();
        private final int queueSize;

        Handler(int queueSize) {
            this.queueSize = queueSize;
        }

        Flow<Message, Message, ?> flow() {
            Sink<Message, CompletionStage<Done>> incoming = Sink.ignore();
            Source<Message, BoundedSourceQueue<Message>> queue = Source.<Message>queue(queueSize)
                    .watchTermination((q, done) -> {
                        done.whenComplete((ok, failure) -> complete(outgoingDone, failure));
                        return q;
                    });
            return Flow.fromSinkAndSourceMat(incoming, queue, Keep.both()).mapMaterializedValue(both -> {
                both.first().whenComplete((ok, failure) -> complete(incomingDone, failure));
                outgoing.complete(both.second());
                return both;
            });
        }
    }

    private record Closed(int code, String reason) {
    }

    /** A client that reads on demand (or not at all, until told), recording what it receives. */
    private static final class RecordingClient implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile boolean reads;

        RecordingClient(boolean reads) {
            this.reads = reads;
        }

        void readEverything(WebSocket socket) {
            reads = true;
            socket.request(Long.MAX_VALUE);
        }

        @Override
        public void onOpen(WebSocket socket) {
            if (reads) {
                socket.request(1);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            requestOne(socket);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
            pongs.add(StandardCharsets.UTF_8.decode(message).toString());
            requestOne(socket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
        }

        private void requestOne(WebSocket socket) {
            if (reads) {
                socket.request(1);
            }
        }
    }

    /**
     * Collects every ERROR, and every WARN with a stack trace, logged during the tests. Pekko's classic logging is
     * asynchronous: {@link #drain} first sends a marker the same way and waits for it, so nothing logged before it is
     * missed. The marker's logger writes only here, not to the console.
     */
    private static final class ErrorLog extends AppenderBase<ILoggingEvent> {
        private static final String MARKER_LOGGER = "marketmesh.test.log-flush";
        private final List<String> problems = new CopyOnWriteArrayList<>();
        private final AtomicInteger markers = new AtomicInteger();
        private volatile CompletableFuture<Void> markerSeen = new CompletableFuture<>();
        private volatile String marker = "";

        static ErrorLog attach() {
            ErrorLog log = new ErrorLog();
            log.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
            log.start();
            root().addAppender(log);
            Logger markerLogger = (Logger) LoggerFactory.getLogger(MARKER_LOGGER);
            markerLogger.setAdditive(false);
            markerLogger.setLevel(Level.INFO);
            markerLogger.addAppender(log);
            return log;
        }

        void detach() {
            root().detachAppender(this);
            ((Logger) LoggerFactory.getLogger(MARKER_LOGGER)).detachAppender(this);
            stop();
        }

        List<String> drain(ActorSystem<?> system) throws Exception {
            marker = "flush " + markers.incrementAndGet();
            markerSeen = new CompletableFuture<>();
            Logging.getLogger(system.classicSystem().eventStream(), MARKER_LOGGER).info(marker);
            markerSeen.get(WAIT_SECONDS, TimeUnit.SECONDS);
            List<String> found = List.copyOf(problems);
            problems.clear();
            return found;
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (MARKER_LOGGER.equals(event.getLoggerName())) {
                if (marker.equals(event.getFormattedMessage())) {
                    markerSeen.complete(null);
                }
            } else if (event.getLevel().isGreaterOrEqual(Level.ERROR)
                    || (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null)) {
                problems.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage());
            }
        }

        private static Logger root() {
            return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        }
    }
}
