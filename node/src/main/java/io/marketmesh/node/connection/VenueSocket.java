package io.marketmesh.node.connection;

import io.marketmesh.node.venue.ConnectRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One venue WebSocket, read with {@code java.net.http}: about 1.6 µs of CPU per frame where pekko-http's client,
 * which builds a sub-stream per message, costs about 14 µs (docs/benchmarks.md).
 *
 * <p>Received texts collect in an inbox; the first one after the owner last drained it calls
 * {@link Owner#framesReady()}, so the owner gets one wake-up per batch, however many frames the batch holds: one
 * frame per message at a low rate, many while the owner is busy. Backpressure: the socket may hold at most
 * {@code inboundWindow} complete texts the owner has not {@link #drain drained and handled} yet; past that it stops
 * asking the client for more, the TCP window fills and the venue is slowed (or drops us), never the heap.
 *
 * <p>Thread use: the client calls the listener methods one at a time on its own threads; {@link #drain}, {@link #send}
 * and {@link #close} are called by the owning actor. The inbox and the outgoing queue are the only shared state, each
 * under its own lock.
 */
final class VenueSocket implements WebSocket.Listener {

    /** What the socket reports, from the client's threads: implementations only send messages. */
    interface Owner {

        /** The upgrade succeeded; called before any frame of this socket is announced. */
        void opened();

        /** The upgrade failed: {@code status} is the HTTP status of a refused upgrade, 0 when there was none. */
        void refused(int status, String error);

        /** Frames wait in the inbox (only called again after the next {@link #drain}). */
        void framesReady();

        /** The socket is over: closed by the venue ({@code cause} null) or failed. */
        void ended(Throwable cause);
    }

    /**
     * A frame, stamped when it was complete: {@code receivedAt} epoch ms for records and books, and
     * {@code receivedNanos} on the monotonic clock for the node's latency histograms. A text frame has {@code text};
     * a binary one {@code binary} (and a null text).
     */
    record Received(String text, byte[] binary, long receivedAt, long receivedNanos) {

        boolean isBinary() {
            return binary != null;
        }
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * One client for all sockets of the JVM (each client has a selector thread of its own). Its listener callbacks
     * run on daemon threads named {@code marketmesh-venue-ws-N}; idle ones end after a minute.
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder().executor(executor()).build();

    static {
        warmUpTextDecoding();
    }

    /**
     * java.net.http decodes each text frame from a read-only buffer, which takes the JDK's slow UTF-8 loop
     * ({@code UTF_8$Decoder.decodeBufferLoop}). Measured under load (docs/benchmarks.md): on a busy two-core machine
     * the JIT's queue is long after start, and that loop ran interpreted for the first ~40 s of a node's life, at
     * about 10 µs per frame, so a node started under a busy feed fell behind it. Decoding the same kind of buffer a
     * few thousand times here, on a thread of its own as the first socket is made, makes the loop hot before frames
     * arrive, so it is compiled first.
     */
    private static void warmUpTextDecoding() {
        Thread warmUp = new Thread(() -> {
            byte[] text = ("{\"e\":\"depthUpdate\",\"s\":\"BTCUSDT\",\"b\":[[\"0.52\",\"1420.5\"]],\"q\":\"Will it rain?\"}"
                    + "{\"question\":\"Élection présidentielle — 2028 ?\"}").repeat(30)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
            // Whole frames into room enough, and into a small buffer that fills (the client decodes in chunks), cut
            // anywhere, even inside a character: every path the client's frames take, so none deoptimizes it later.
            java.nio.CharBuffer large = java.nio.CharBuffer.allocate(text.length);
            java.nio.CharBuffer small = java.nio.CharBuffer.allocate(333);
            for (int i = 0; i < 6_000; i++) {
                int end = i % 3 == 0 ? text.length : text.length - 1 - (i % 97);
                ByteBuffer bytes = ByteBuffer.wrap(text, i % 7, end - i % 7).slice().asReadOnlyBuffer();
                java.nio.CharBuffer chars = i % 2 == 0 ? large : small;
                decoder.reset();
                do {
                    chars.clear();
                } while (decoder.decode(bytes, chars, false).isOverflow());
            }
        }, "marketmesh-utf8-warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
    }

    private static ExecutorService executor() {
        return Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "marketmesh-venue-ws-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    private final Owner owner;
    private final int inboundWindow;
    private final int outgoingLimit;
    private final CompletableFuture<WebSocket> connecting;

    /** Set in {@link #onOpen}, before any frame. */
    private volatile WebSocket webSocket;
    private volatile boolean closed;

    /** Text fragments of a message not yet complete; only touched by the listener. */
    private final StringBuilder partial = new StringBuilder();
    /** Binary fragments of a message not yet complete; only touched by the listener. */
    private final java.io.ByteArrayOutputStream partialBinary = new java.io.ByteArrayOutputStream();

    private final Object inboxLock = new Object();
    private ArrayList<Received> inbox = new ArrayList<>();
    /** The owner has been told of frames and has not drained them yet. */
    private boolean announced;

    private final Object outgoingLock = new Object();
    private final ArrayDeque<String> outgoing = new ArrayDeque<>();
    /** A text is being written (java.net.http allows one at a time); later ones wait in {@link #outgoing}. */
    private boolean sending;

    private VenueSocket(ConnectRequest request, Duration connectTimeout, int inboundWindow, int outgoingLimit,
                        Owner owner) {
        this.owner = owner;
        this.inboundWindow = inboundWindow;
        this.outgoingLimit = outgoingLimit;
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(connectTimeout);
        for (Map.Entry<String, String> header : request.headers().entrySet()) {
            builder.header(header.getKey(), header.getValue());
        }
        this.connecting = builder.buildAsync(URI.create(request.url()), this).toCompletableFuture();
        connecting.whenComplete((ws, failure) -> {
            if (failure != null && !closed) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                if (cause instanceof WebSocketHandshakeException refused) {
                    int status = refused.getResponse().statusCode();
                    owner.refused(status, "upgrade refused: HTTP " + status);
                } else {
                    owner.refused(0, rootMessage(cause));
                }
            }
        });
    }

    /**
     * Starts opening a socket; the outcome comes through {@code owner}.
     *
     * @param inboundWindow complete texts the socket may hold before the owner handled them
     * @param outgoingLimit texts that may wait to be written; one more makes {@link #send} refuse
     * @throws IllegalArgumentException for a malformed URL or a header the client does not allow
     */
    static VenueSocket open(ConnectRequest request, Duration connectTimeout, int inboundWindow, int outgoingLimit,
                            Owner owner) {
        return new VenueSocket(request, connectTimeout, inboundWindow, outgoingLimit, owner);
    }

    // ------------------------------------------------------------------ owner side

    /**
     * Moves the frames received so far into {@code into} (cleared first, then handed back filled) and re-arms
     * {@link Owner#framesReady()}. Call {@link #handled} once they are handled, to let the venue send as many more.
     */
    ArrayList<Received> drain(ArrayList<Received> into) {
        into.clear();
        ArrayList<Received> taken;
        synchronized (inboxLock) {
            taken = inbox;
            inbox = into;
            announced = false;
        }
        return taken;
    }

    /** {@code count} drained frames are handled: the socket may read as many more. */
    void handled(int count) {
        WebSocket ws = webSocket;
        if (count > 0 && ws != null && !closed) {
            ws.request(count);
        }
    }

    /** Queues a text for the venue. @return false when {@code outgoingLimit} texts already wait */
    boolean send(String text) {
        WebSocket ws = webSocket;
        if (ws == null || closed) {
            return true;
        }
        synchronized (outgoingLock) {
            if (sending) {
                if (outgoing.size() >= outgoingLimit) {
                    return false;
                }
                outgoing.add(text);
                return true;
            }
            sending = true;
        }
        write(ws, text);
        return true;
    }

    private void write(WebSocket ws, String text) {
        ws.sendText(text, true).whenComplete((done, failure) -> {
            if (failure != null) {
                if (!closed) {
                    owner.ended(failure);
                }
                return;
            }
            String next;
            synchronized (outgoingLock) {
                next = outgoing.poll();
                if (next == null) {
                    sending = false;
                }
            }
            if (next != null) {
                write(ws, next);
            }
        });
    }

    /** Closes the socket (politely, then for good); nothing more is reported to the owner. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        connecting.whenComplete((ws, failure) -> {
            if (ws != null) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((done, ignored) -> ws.abort());
            }
        });
    }

    // ------------------------------------------------------------------ listener side (the client's threads)

    @Override
    public void onOpen(WebSocket ws) {
        webSocket = ws;
        if (!closed) {
            owner.opened();
        }
        ws.request(inboundWindow);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        if (!last) {
            // A fragment holds no window slot: only complete texts wait for the owner.
            partial.append(data);
            ws.request(1);
            return null;
        }
        String text;
        if (partial.length() == 0) {
            text = data.toString();
        } else {
            text = partial.append(data).toString();
            partial.setLength(0);
        }
        receive(new Received(text, null, System.currentTimeMillis(), System.nanoTime()));
        return null;
    }

    private void receive(Received received) {
        boolean announce;
        synchronized (inboxLock) {
            inbox.add(received);
            announce = !announced;
            announced = true;
        }
        if (announce && !closed) {
            owner.framesReady();
        }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        // Handed to the owner like text (the venue session decides what it is), so none is dropped unseen.
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        partialBinary.writeBytes(chunk);
        if (!last) {
            ws.request(1);
            return null;
        }
        byte[] frame = partialBinary.toByteArray();
        partialBinary.reset();
        receive(new Received(null, frame, System.currentTimeMillis(), System.nanoTime()));
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        if (!closed) {
            owner.ended(null);
        }
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        if (!closed) {
            owner.ended(error);
        }
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
