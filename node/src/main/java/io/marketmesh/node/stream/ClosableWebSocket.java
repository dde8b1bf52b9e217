package io.marketmesh.node.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.Version;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.FrameLogger$;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.impl.engine.ws.WebSocket$;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Graph;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.DurationConverters;

/**
 * A server WebSocket whose owner can close it with a chosen close code and reason (1008 for a client too slow to
 * keep up, 1001 on shutdown, 4000+ for the application's own reasons), at once, ahead of whatever the handler still
 * has queued for a client that stopped reading.
 *
 * <p>Why pekko-http internals: pekko-http has no public API for a server-side close with a code (akka-http issue
 * #2458, still open). Completing the handler's outgoing source sends 1000, failing it sends 1011 "internal error"
 * and logs an ERROR with a stack trace. So this class, and only this class, rebuilds pekko-http's own WebSocket
 * stack ({@code WebSocket.stack}, hands it to {@code UpgradeToWebSocketLowLevel.handleFrames}) with one extra layer,
 * {@link CloseOnSignal}, between the frame handling and the message API. That layer injects pekko-http's own
 * {@code ActivelyCloseWithCode} event, which {@code FrameOutHandler} turns into the close frame. Written against
 * pekko-http {@value #PEKKO_HTTP_VERSION} (the version pom.xml pins) and refused on any other, since internal
 * classes may change in any release: re-read {@code WebSocket.scala}, {@code FrameHandler.scala} and
 * {@code FrameOutHandler.scala} of the new version before raising the constant.
 */
public final class ClosableWebSocket {

    /** The pekko-http release whose internal WebSocket stack this class was written against. */
    static final String PEKKO_HTTP_VERSION = "1.3.0";

    /**
     * How long a close may wait for the peer's close frame before the connection is torn down: pekko-http's own
     * close timeout, which it does not make configurable.
     */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(3);

    /** Each actor system's server WebSocket settings, read once rather than parsed on every connection. */
    private static final Map<org.apache.pekko.actor.ActorSystem, org.apache.pekko.http.javadsl.settings.WebSocketSettings>
            SERVER_SETTINGS = Collections.synchronizedMap(new WeakHashMap<>());

    /** A close frame's status code (RFC 6455 section 7.4) and reason text. */
    public record CloseReason(int code, String reason) {

        public CloseReason {
            if (!sendable(code)) {
                throw new IllegalArgumentException("close code " + code
                        + " may not be sent: use 1000-1003, 1007-1011 or 3000-4999");
            }
            if (reason == null || reason.getBytes(StandardCharsets.UTF_8).length > 123) {
                throw new IllegalArgumentException("a close reason must be at most 123 UTF-8 bytes: " + reason);
            }
        }

        /** 1008: the client broke a rule of this server, e.g. read too slowly. */
        public static CloseReason policyViolation(String reason) {
            return new CloseReason(1008, reason);
        }

        /** 1001: the server is going away (shutdown). */
        public static CloseReason goingAway(String reason) {
            return new CloseReason(1001, reason);
        }

        // The codes pekko-http's FrameHandler accepts from a peer (Protocol.CloseCodes.isValid), so also from us.
        private static boolean sendable(int code) {
            return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
        }
    }

    private ClosableWebSocket() {
    }

    /**
     * Answers a WebSocket upgrade with {@code handler}; completing {@code close} with a {@link CloseReason} sends that
     * close frame. The WebSocket settings are the system's {@code pekko.http.server.websocket} and a close not
     * answered within {@link #DEFAULT_CLOSE_TIMEOUT} tears the connection down.
     */
    public static HttpResponse handle(WebSocketUpgrade upgrade, Flow<Message, Message, ?> handler,
            CompletionStage<CloseReason> close, ActorSystem<?> system) {
        return handle(upgrade, handler, close, system, Optional.empty());
    }

    /**
     * As {@link #handle(WebSocketUpgrade, Flow, CompletionStage, ActorSystem)}, answering with {@code subprotocol}
     * (one the client offered in {@code Sec-WebSocket-Protocol}): a browser fails the connection when it offered
     * subprotocols and the answer names none.
     */
    public static HttpResponse handle(WebSocketUpgrade upgrade, Flow<Message, Message, ?> handler,
            CompletionStage<CloseReason> close, ActorSystem<?> system, Optional<String> subprotocol) {
        return handle(upgrade, handler, close,
                SERVER_SETTINGS.computeIfAbsent(system.classicSystem(),
                        classic -> ServerSettings.create(classic).getWebsocketSettings()),
                DEFAULT_CLOSE_TIMEOUT, new CompletableFuture<>(), system, subprotocol);
    }

    /**
     * Answers a WebSocket upgrade with {@code handler}. Traffic is pekko-http's as usual: messages both ways, pings
     * answered, the handler's completion closes with 1000, the peer's close completes the handler.
     *
     * <p>When {@code close} completes with a reason (and no close has begun yet), the handler is stopped at once
     * (its incoming side completes, its outgoing side is cancelled: messages it still holds are dropped) and the close
     * frame is the next frame written, after at most what already sits in the socket buffers. If the peer has not
     * answered with its own close frame within {@code closeTimeout} (a client that stopped reading never will), the
     * connection is aborted. A {@code close} that fails is ignored.
     *
     * @param settings the WebSocket settings of the server binding (keep-alive, frame logging)
     * @param ended completed once this connection's WebSocket layer has stopped: close handshake over, connection
     *              lost or aborted
     */
    public static HttpResponse handle(WebSocketUpgrade upgrade, Flow<Message, Message, ?> handler,
            CompletionStage<CloseReason> close, org.apache.pekko.http.javadsl.settings.WebSocketSettings settings,
            Duration closeTimeout, CompletableFuture<Done> ended, ActorSystem<?> system) {
        return handle(upgrade, handler, close, settings, closeTimeout, ended, system, Optional.empty());
    }

    private static HttpResponse handle(WebSocketUpgrade upgrade, Flow<Message, Message, ?> handler,
            CompletionStage<CloseReason> close, org.apache.pekko.http.javadsl.settings.WebSocketSettings settings,
            Duration closeTimeout, CompletableFuture<Done> ended, ActorSystem<?> system, Optional<String> subprotocol) {
        if (!PEKKO_HTTP_VERSION.equals(Version.current())) {
            throw new IllegalStateException("ClosableWebSocket uses pekko-http " + PEKKO_HTTP_VERSION
                    + " internals but runs on pekko-http " + Version.current() + ": re-check it against that release");
        }
        if (!(upgrade instanceof UpgradeToWebSocketLowLevel lowLevel)) {
            throw new IllegalArgumentException("not a pekko-http server WebSocket upgrade: " + upgrade.getClass());
        }
        LoggingAdapter log = Logging.getLogger(system.classicSystem(), ClosableWebSocket.class);
        org.apache.pekko.stream.scaladsl.Flow<FrameEvent, FrameEvent, NotUsed> frames =
                stack((WebSocketSettings) settings, DurationConverters.toScala(closeTimeout), log,
                        new CloseOnSignal(close, closeTimeout, ended))
                        .join(toScalaMessages(handler));
        return lowLevel.handleFrames(anyMaterializedValue(frames), Option.apply(subprotocol.orElse(null)));
    }

    /**
     * pekko-http 1.3.0's {@code WebSocket.stack(serverSide = true, ...)} with {@code closeOnSignal} inserted between
     * the frame handling (control frames, close handshake) and the keep-alive and message layers above it. Raw types:
     * the Scala layers rely on variance (a FrameStart is a FrameEvent) that Java generics cannot express.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static org.apache.pekko.stream.scaladsl.BidiFlow<FrameEvent, org.apache.pekko.http.scaladsl.model.ws.Message,
            org.apache.pekko.http.scaladsl.model.ws.Message, FrameEvent, NotUsed> stack(
            WebSocketSettings settings, FiniteDuration closeTimeout, LoggingAdapter log, CloseOnSignal closeOnSignal) {
        WebSocket$ ws = WebSocket$.MODULE$;
        org.apache.pekko.stream.scaladsl.BidiFlow layers = ws.masking(true, settings.randomFactory());
        layers = layers.atop((Graph) FrameLogger$.MODULE$.logFramesIfEnabled(settings.logFrames()));
        layers = layers.atop((Graph) ws.frameHandling(true, closeTimeout, log));
        layers = layers.atop(BidiFlow.fromGraph(closeOnSignal).asScala());
        layers = layers.atop((Graph) ws.periodicKeepAlive(settings));
        layers = layers.atop((Graph) ws.messageAPI(true, closeTimeout));
        return layers;
    }

    /** Scala's Graph is covariant in its materialized value, Java's generics are not. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Graph<FlowShape<FrameEvent, FrameEvent>, Object>
            anyMaterializedValue(org.apache.pekko.stream.scaladsl.Flow<FrameEvent, FrameEvent, NotUsed> frames) {
        return (Graph) frames;
    }

    /** The handler in pekko-http's Scala message types, as the Java API's handleMessagesWith adapts it. */
    private static org.apache.pekko.stream.scaladsl.Flow<org.apache.pekko.http.scaladsl.model.ws.Message,
            org.apache.pekko.http.scaladsl.model.ws.Message, ?> toScalaMessages(Flow<Message, Message, ?> handler) {
        return Flow.<org.apache.pekko.http.scaladsl.model.ws.Message>create()
                .map(Message::adapt)
                .via(handler)
                .map(Message::asScala)
                .asScala();
    }

    /**
     * The extra layer. Upward (from the frame handler to the messages) and downward (from the messages, pings and
     * close events to the frame writer) it passes everything through, noting whether a close has begun. On the close
     * signal it takes over: completes the upward side and cancels the downward one (the handler stops, its queued
     * messages are dropped), hands the frame writer the close event as soon as it asks, then forwards only the
     * peer's close frame, and aborts the connection if that has not come within the close timeout.
     */
    private static final class CloseOnSignal
            extends GraphStage<BidiShape<FrameHandler.Output, FrameHandler.Output, Object, Object>> {

        private static final String CLOSE_TIMEOUT_TIMER = "close-timeout";

        private final Inlet<FrameHandler.Output> fromFrames = Inlet.create("CloseOnSignal.fromFrames");
        private final Outlet<FrameHandler.Output> toMessages = Outlet.create("CloseOnSignal.toMessages");
        private final Inlet<Object> fromMessages = Inlet.create("CloseOnSignal.fromMessages");
        private final Outlet<Object> toFrames = Outlet.create("CloseOnSignal.toFrames");
        private final BidiShape<FrameHandler.Output, FrameHandler.Output, Object, Object> shape =
                BidiShape.of(fromFrames, toMessages, fromMessages, toFrames);

        private final CompletionStage<CloseReason> signal;
        private final Duration closeTimeout;
        private final CompletableFuture<Done> ended;

        CloseOnSignal(CompletionStage<CloseReason> signal, Duration closeTimeout, CompletableFuture<Done> ended) {
            this.signal = signal;
            this.closeTimeout = closeTimeout;
            this.ended = ended;
        }

        @Override
        public BidiShape<FrameHandler.Output, FrameHandler.Output, Object, Object> shape() {
            return shape;
        }

        @Override
        public GraphStageLogic createLogic(Attributes inheritedAttributes) {
            return new TimerGraphStageLogic(shape) {
                /** The peer's close frame, once it has passed upward (the frame writer then echoes it). */
                private FrameHandler.PeerClosed peerClosed;
                /** pekko-http itself is closing: the handler ended or a protocol error; a signal then changes nothing. */
                private boolean closeUnderway;
                private boolean closing;
                /** What the frame writer gets next once closing: the close event, then the peer's close frame. */
                private final ArrayDeque<Object> toFramesNext = new ArrayDeque<>(2);
                private boolean completeToFramesWhenSent;

                {
                    setHandler(fromFrames, new AbstractInHandler() {
                        @Override
                        public void onPush() {
                            FrameHandler.Output event = grab(fromFrames);
                            if (closing) {
                                // Once the close frame is on its way, only the peer's answer matters.
                                if (event instanceof FrameHandler.PeerClosed answer && peerClosed == null) {
                                    peerClosed = answer;
                                    toFramesNext.add(answer);
                                    sendNext();
                                }
                                pullFromFramesIfOpen();
                                return;
                            }
                            if (event instanceof FrameHandler.PeerClosed answer) {
                                peerClosed = answer;
                            } else if (event instanceof FrameHandler.ActivelyCloseWithCode) {
                                closeUnderway = true;
                            }
                            push(toMessages, event);
                        }

                        @Override
                        public void onUpstreamFinish() {
                            if (!closing) {
                                complete(toMessages);
                            } else if (toFramesNext.isEmpty()) {
                                complete(toFrames);
                            } else {
                                completeToFramesWhenSent = true;
                            }
                        }

                        @Override
                        public void onUpstreamFailure(Throwable failure) {
                            if (closing) {
                                failStage(failure);
                            } else {
                                fail(toMessages, failure);
                            }
                        }
                    });
                    setHandler(toMessages, new AbstractOutHandler() {
                        @Override
                        public void onPull() {
                            pull(fromFrames);
                        }

                        @Override
                        public void onDownstreamFinish(Throwable cause) {
                            if (!closing) {
                                cancel(fromFrames, cause);
                            }
                        }
                    });
                    setHandler(fromMessages, new AbstractInHandler() {
                        @Override
                        public void onPush() {
                            Object event = grab(fromMessages);
                            if (event == FrameHandler.UserHandlerCompleted$.MODULE$
                                    || event instanceof FrameHandler.UserHandlerErredOut
                                    || event instanceof FrameHandler.ActivelyCloseWithCode) {
                                closeUnderway = true;
                            }
                            push(toFrames, event);
                        }

                        @Override
                        public void onUpstreamFinish() {
                            complete(toFrames);
                        }

                        @Override
                        public void onUpstreamFailure(Throwable failure) {
                            fail(toFrames, failure);
                        }
                    });
                    setHandler(toFrames, new AbstractOutHandler() {
                        @Override
                        public void onPull() {
                            if (closing) {
                                sendNext();
                            } else {
                                pull(fromMessages);
                            }
                        }

                        @Override
                        public void onDownstreamFinish(Throwable cause) {
                            // The frame writer has finished: the connection is closing or closed.
                            if (closing) {
                                completeStage();
                            } else {
                                cancel(fromMessages, cause);
                            }
                        }
                    });
                }

                @Override
                public void preStart() {
                    AsyncCallback<CloseReason> onSignal = createAsyncCallback(this::closeWith);
                    signal.thenAccept(onSignal::invoke);
                }

                @Override
                public void postStop() {
                    ended.complete(Done.getInstance());
                }

                private void closeWith(CloseReason reason) {
                    if (closing || closeUnderway || isClosed(toFrames)) {
                        return;
                    }
                    closing = true;
                    if (peerClosed != null) {
                        // The peer started closing and waits for our answer, which the frame writer gives (echoing
                        // its code) once the handler is done: say it is. The peer's close goes first in case it is
                        // still on its way round through the message layer that is being cancelled.
                        toFramesNext.add(peerClosed);
                        toFramesNext.add(FrameHandler.UserHandlerCompleted$.MODULE$);
                    } else {
                        toFramesNext.add(new FrameHandler.ActivelyCloseWithCode(Option.apply((Object) reason.code()),
                                reason.reason()));
                    }
                    if (!isClosed(toMessages)) {
                        complete(toMessages);
                    }
                    if (!isClosed(fromMessages)) {
                        cancel(fromMessages);
                    }
                    // The socket's input already ended: nothing will answer, end the output once the close is out.
                    completeToFramesWhenSent = isClosed(fromFrames);
                    scheduleOnce(CLOSE_TIMEOUT_TIMER, closeTimeout);
                    sendNext();
                    pullFromFramesIfOpen();
                }

                private void sendNext() {
                    if (isAvailable(toFrames) && !toFramesNext.isEmpty()) {
                        push(toFrames, toFramesNext.poll());
                        if (toFramesNext.isEmpty() && completeToFramesWhenSent) {
                            complete(toFrames);
                        }
                    }
                }

                private void pullFromFramesIfOpen() {
                    if (!isClosed(fromFrames) && !hasBeenPulled(fromFrames)) {
                        pull(fromFrames);
                    }
                }

                @Override
                public void onTimer(Object timerKey) {
                    // No close frame from the peer in time: it may never have read ours (its socket buffer is full),
                    // so a graceful close could wait forever behind unsent bytes. Fail downward: the TCP connection
                    // is aborted, which pekko logs at DEBUG only.
                    failStage(new CloseTimeoutException(closeTimeout));
                }
            };
        }
    }

    /** The failure that aborts a connection whose peer did not answer our close frame in time. No stack trace. */
    static final class CloseTimeoutException extends RuntimeException {

        CloseTimeoutException(Duration closeTimeout) {
            super("the peer did not answer the close frame within " + closeTimeout.toMillis() + " ms", null, false, false);
        }
    }
}
