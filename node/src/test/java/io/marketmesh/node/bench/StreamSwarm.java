package io.marketmesh.node.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The stream benchmark's clients, in a JVM of their own (a {@code main}): any number of WebSocket clients of one node's
 * {@code /api/v1/stream} on a few threads ({@link Loop}: one selector each, {@link SwarmSocket} per client), so ten
 * thousand sockets cost a few MB and the messages are counted and timed without decoding them. Each client subscribes
 * once, pings every 30 s (the node closes a client it has not heard from within its idle timeout), and is in one of
 * {@link SwarmGroup#GROUPS} groups that are counted, stalled and closed apart.
 *
 * <p>Control over HTTP on {@code controlPort}: {@code POST /connect?group=g} with one line per client,
 * {@code <snapshots it waits for> <subscribe message JSON>}; {@code GET /stats} (counters, {@code key=value} lines);
 * {@code GET /stall?group=g}, {@code /resume?group=g}, {@code /close?group=g}.
 *
 * <p>Arguments ({@code key=value}): {@code port} (the node's HTTP port), {@code controlPort} (required), {@code threads}
 * [2].
 */
public final class StreamSwarm {

    /** At most this many upgrades in flight per loop: a burst of thousands must not overrun the node's accept queue. */
    private static final int HANDSHAKES_IN_FLIGHT = 32;
    private static final long PING_EVERY_MS = 30_000;
    private static final long HANDSHAKE_TIMEOUT_MS = 30_000;
    private static final long CLOSE_TIMEOUT_MS = 5_000;

    private final InetSocketAddress node;
    private final Loop[] loops;
    private int nextLoop;

    private StreamSwarm(InetSocketAddress node, int threads) throws IOException {
        this.node = node;
        this.loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop(i);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                settings.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        StreamSwarm swarm = new StreamSwarm(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.parseInt(settings.get("port"))), Integer.parseInt(settings.getOrDefault("threads", "2")));
        for (Loop loop : swarm.loops) {
            Thread thread = new Thread(loop, "swarm-loop-" + loop.index);
            thread.setDaemon(true);
            thread.start();
        }
        swarm.startControl(Integer.parseInt(settings.get("controlPort")));
        System.out.println("stream swarm ready: " + swarm.loops.length + " loops, node " + swarm.node);
        System.out.flush();
        Thread.currentThread().join();
    }

    private void startControl(int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "swarm-control");
            thread.setDaemon(true);
            return thread;
        }));
        http.createContext("/connect", exchange -> {
            int group = group(exchange);
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int clients = 0;
            for (String line : body.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                int space = line.indexOf(' ');
                int expected = Integer.parseInt(line.substring(0, space));
                String subscribe = line.substring(space + 1);
                Loop loop = loops[nextLoop++ % loops.length];
                loop.tell(l -> l.request(group, subscribe, expected));
                clients++;
            }
            answer(exchange, "ok " + clients);
        });
        http.createContext("/stall", exchange -> {
            int group = group(exchange);
            for (Loop loop : loops) {
                loop.tell(l -> l.forGroup(group, socket -> socket.stall(true)));
            }
            answer(exchange, "ok");
        });
        http.createContext("/resume", exchange -> {
            int group = group(exchange);
            for (Loop loop : loops) {
                loop.tell(l -> l.forGroup(group, socket -> socket.stall(false)));
            }
            answer(exchange, "ok");
        });
        http.createContext("/close", exchange -> {
            int group = group(exchange);
            for (Loop loop : loops) {
                loop.tell(l -> l.closeGroup(group));
            }
            answer(exchange, "ok");
        });
        http.createContext("/stats", exchange -> answer(exchange, stats()));
        http.start();
    }

    private String stats() {
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < SwarmGroup.GROUPS; g++) {
            SwarmGroup[] ofEachLoop = new SwarmGroup[loops.length];
            for (int i = 0; i < loops.length; i++) {
                ofEachLoop[i] = loops[i].groups[g];
            }
            SwarmGroup.appendStats(sb, g, ofEachLoop);
        }
        SwarmGroup.CLOSES.forEach((why, n) -> sb.append("close=").append(n.sum()).append(' ').append(oneLine(why)).append('\n'));
        SwarmGroup.FAILURES.forEach((why, n) -> sb.append("failure=").append(n.sum()).append(' ').append(oneLine(why)).append('\n'));
        SwarmGroup.ERRORS.forEach((why, n) -> sb.append("error=").append(n.sum()).append(' ').append(oneLine(why)).append('\n'));
        sb.append("cpu_ns=").append(ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime()).append('\n');
        Runtime runtime = Runtime.getRuntime();
        sb.append("heap_used=").append(runtime.totalMemory() - runtime.freeMemory()).append('\n');
        return sb.toString();
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    private static int group(HttpExchange exchange) {
        String query = String.valueOf(exchange.getRequestURI().getQuery());
        int at = query.indexOf("group=");
        return at < 0 ? 0 : Integer.parseInt(query.substring(at + 6).split("&")[0]);
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** One selector thread and the clients it serves. */
    private final class Loop implements Runnable {

        private final int index;
        private final Selector selector;
        private final ConcurrentLinkedQueue<Consumer<Loop>> tasks = new ConcurrentLinkedQueue<>();
        private final ArrayDeque<SwarmSocket> waiting = new ArrayDeque<>();
        private final List<SwarmSocket> sockets = new ArrayList<>();
        private final SwarmGroup[] groups = new SwarmGroup[SwarmGroup.GROUPS];
        /** One read buffer for every socket of the loop; a socket keeps only an incomplete frame's bytes. */
        private final ByteBuffer shared = ByteBuffer.allocate(256 * 1024);
        private final String hostPort = node.getHostString() + ":" + node.getPort();
        private int handshaking;
        /** Written after every turn, so the control thread's reads of the counters see this turn's values. */
        private volatile long turns;

        Loop(int index) throws IOException {
            this.index = index;
            this.selector = Selector.open();
            for (int g = 0; g < groups.length; g++) {
                groups[g] = new SwarmGroup(g);
            }
        }

        void tell(Consumer<Loop> task) {
            tasks.add(task);
            selector.wakeup();
        }

        void request(int group, String subscribe, int expectedSnapshots) {
            try {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SwarmSocket socket = new SwarmSocket(channel, groups[group], subscribe, expectedSnapshots);
                groups[group].requested++;
                waiting.add(socket);
            } catch (IOException e) {
                groups[group].failure("socket: " + e);
            }
        }

        void forGroup(int group, Consumer<SwarmSocket> action) {
            for (SwarmSocket socket : sockets) {
                if (socket.group.id == group) {
                    action.accept(socket);
                }
            }
        }

        void closeGroup(int group) {
            long now = System.currentTimeMillis();
            waiting.removeIf(socket -> socket.group.id == group);
            for (SwarmSocket socket : List.copyOf(sockets)) {
                if (socket.group.id == group) {
                    try {
                        socket.close(now);
                    } catch (IOException e) {
                        socket.state = SwarmSocket.State.CLOSED;
                    }
                    if (socket.state == SwarmSocket.State.CLOSED) {
                        drop(socket);
                    }
                }
            }
        }

        @Override
        public void run() {
            long lastSweep = 0;
            while (true) {
                try {
                    selector.select(100);
                    long now = System.currentTimeMillis();
                    for (Consumer<Loop> task = tasks.poll(); task != null; task = tasks.poll()) {
                        task.accept(this);
                    }
                    startWaiting(now);
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        handle((SwarmSocket) key.attachment(), key, now);
                    }
                    if (now - lastSweep >= 1000) {
                        lastSweep = now;
                        sweep(now);
                    }
                    turns++;
                } catch (IOException | RuntimeException e) {
                    System.err.println("swarm loop " + index + ": " + e);
                    e.printStackTrace();
                }
            }
        }

        private void startWaiting(long now) {
            while (handshaking < HANDSHAKES_IN_FLIGHT && !waiting.isEmpty()) {
                SwarmSocket socket = waiting.poll();
                try {
                    socket.startedMs = now;
                    boolean connected = socket.channel.connect(node);
                    socket.selectionKey = socket.channel.register(selector,
                            connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, socket);
                    sockets.add(socket);
                    socket.inHandshake = true;
                    handshaking++;
                    if (connected) {
                        socket.connected(hostPort, now);
                        socket.updateInterest();
                    }
                } catch (IOException e) {
                    socket.group.failure("connect: " + e.getMessage());
                    closeQuietly(socket);
                }
            }
        }

        private void handle(SwarmSocket socket, SelectionKey key, long now) {
            try {
                if (!key.isValid()) {
                    return;
                }
                if (key.isConnectable()) {
                    socket.channel.finishConnect();
                    socket.connected(hostPort, now);
                    socket.updateInterest();
                    return;
                }
                if (key.isWritable()) {
                    socket.flush();
                }
                if (key.isReadable()) {
                    boolean alive = socket.read(shared, now);
                    if (socket.state != SwarmSocket.State.HANDSHAKE) {
                        handshakeEnded(socket);
                    }
                    if (!alive) {
                        drop(socket);
                    }
                }
            } catch (IOException e) {
                if (socket.state == SwarmSocket.State.HANDSHAKE || socket.state == SwarmSocket.State.CONNECTING) {
                    socket.group.failure("connect: " + e.getMessage());
                } else if (socket.state == SwarmSocket.State.OPEN) {
                    socket.group.dropped++;
                }
                socket.state = SwarmSocket.State.CLOSED;
                drop(socket);
            }
        }

        /** Pings, and ends what hangs: upgrades not answered, closes not confirmed. */
        private void sweep(long now) {
            for (SwarmSocket socket : List.copyOf(sockets)) {
                try {
                    switch (socket.state) {
                        case OPEN -> {
                            if (now - socket.lastPingMs >= PING_EVERY_MS) {
                                socket.ping(now);
                            }
                        }
                        case CONNECTING, HANDSHAKE -> {
                            if (now - socket.startedMs > HANDSHAKE_TIMEOUT_MS) {
                                socket.group.failure("no upgrade answer within " + HANDSHAKE_TIMEOUT_MS / 1000 + " s");
                                socket.state = SwarmSocket.State.CLOSED;
                                drop(socket);
                            }
                        }
                        case CLOSING -> {
                            if (now - socket.closingSinceMs > CLOSE_TIMEOUT_MS) {
                                socket.state = SwarmSocket.State.CLOSED;
                                drop(socket);
                            }
                        }
                        default -> drop(socket);
                    }
                } catch (IOException e) {
                    socket.state = SwarmSocket.State.CLOSED;
                    drop(socket);
                }
            }
        }

        private void handshakeEnded(SwarmSocket socket) {
            if (socket.inHandshake) {
                socket.inHandshake = false;
                handshaking--;
            }
        }

        private void drop(SwarmSocket socket) {
            handshakeEnded(socket);
            if (sockets.remove(socket) && socket.opened()) {
                socket.group.open--;
            }
            closeQuietly(socket);
        }

        private void closeQuietly(SwarmSocket socket) {
            try {
                socket.channel.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }
}
