package io.marketmesh.node.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.marketmesh.node.simulator.ReplayFeed;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * The load benchmark's feed, in a process of its own (a {@code main}): Polymarket and Kalshi on loopback WebSockets in
 * their wire formats, from frames encoded once at start ({@link ReplayFeed}), at the rate it is told. One sender
 * thread makes the changes due, batches them per socket and writes each batch with one blocking call, so the
 * process costs little next to the node it feeds. It never gives up: when it cannot keep up (or a client does not
 * read) it sends less and says so in its counters.
 *
 * <p>Control over HTTP on {@code controlPort}: {@code GET /rate?changes=N} (book changes/s in total, half per venue),
 * {@code GET /stats} (counters, {@code key=value} lines), {@code GET /markets?venue=polymarket|kalshi} (the symbols,
 * comma-separated). WebSockets on {@code port}: {@code /polymarket/...} and {@code /kalshi/...}.
 *
 * <p>Arguments ({@code key=value}): {@code port}, {@code controlPort} (required), {@code polymarketMarkets} [250],
 * {@code kalshiMarkets} [500], {@code walk} [50000 changes per venue and back], {@code seed} [42].
 */
public final class ReplayServer {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** At most this much of a late schedule is made up at once; the rest is skipped (and counted). */
    private static final long MAX_CATCH_UP_NANOS = 100_000_000L;

    private final ReplayFeed polymarket;
    private final ReplayFeed kalshi;
    private final ConcurrentLinkedQueue<ReplaySocket.Event> events = new ConcurrentLinkedQueue<>();
    private final List<ReplaySocket> sockets = new ArrayList<>();
    private final Map<ReplaySocket, ReplayFeed> feedOf = new HashMap<>();
    private volatile double changesPerSecond;
    /** Counters published by the sender thread after each batch, read by the control thread. */
    private volatile Map<String, Long> published = Map.of();
    private long accepted;
    private long framesOfClosed;
    private long bytesOfClosed;
    private long blockedOfClosed;
    private long skipped;

    private ReplayServer(ReplayFeed polymarket, ReplayFeed kalshi) {
        this.polymarket = polymarket;
        this.kalshi = kalshi;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                settings.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        int port = Integer.parseInt(settings.get("port"));
        int controlPort = Integer.parseInt(settings.get("controlPort"));
        long started = System.nanoTime();
        List<ReplayFeed> feeds = ReplayFeed.create(Integer.parseInt(settings.getOrDefault("polymarketMarkets", "250")),
                Integer.parseInt(settings.getOrDefault("kalshiMarkets", "500")),
                Integer.parseInt(settings.getOrDefault("walk", "50000")),
                Long.parseLong(settings.getOrDefault("seed", "42")));
        ReplayServer server = new ReplayServer(feeds.get(0), feeds.get(1));
        System.out.printf(Locale.ROOT, "replay server: %d + %d books, cycles of %d + %d frames encoded in %.1f s%n",
                feeds.get(0).symbols().size(), feeds.get(1).symbols().size(), feeds.get(0).cycleLength(),
                feeds.get(1).cycleLength(), (System.nanoTime() - started) / 1e9);
        server.startControl(controlPort);
        server.startAcceptor(port);
        System.out.println("replay server ready: ws://127.0.0.1:" + port + "/{polymarket,kalshi}, control http://127.0.0.1:"
                + controlPort);
        System.out.flush();
        server.sendForever();
    }

    private void startAcceptor(int port) throws IOException {
        ServerSocket listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = listener.accept();
                    Thread reader = new Thread(() -> ReplaySocket.serve(socket, events::add), "replay-reader");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException e) {
                    System.err.println("replay server: accept failed: " + e);
                }
            }
        }, "replay-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void startControl(int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "replay-control");
            thread.setDaemon(true);
            return thread;
        }));
        http.createContext("/rate", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            double rate = Double.parseDouble(query.substring(query.indexOf('=') + 1));
            changesPerSecond = Math.max(0, rate);
            System.out.printf(Locale.ROOT, "replay server: rate %.0f changes/s%n", changesPerSecond);
            answer(exchange, "ok");
        });
        http.createContext("/stats", exchange -> {
            StringBuilder sb = new StringBuilder();
            published.forEach((key, value) -> sb.append(key).append('=').append(value).append('\n'));
            sb.append("cpu_ns=").append(ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                    .getProcessCpuTime()).append('\n');
            answer(exchange, sb.toString());
        });
        http.createContext("/markets", exchange -> {
            String query = String.valueOf(exchange.getRequestURI().getQuery());
            ReplayFeed feed = query.contains("kalshi") ? kalshi : polymarket;
            answer(exchange, String.join(",", feed.symbols()));
        });
        http.start();
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The sender loop: client events, then the changes due since the last turn, then one write per socket. */
    private void sendForever() {
        long last = System.nanoTime();
        double duePolymarket = 0;
        double dueKalshi = 0;
        long lastMs = 0;
        long lastPublished = 0;
        byte[] msDigits = new byte[13];
        byte[] iso = new byte[24];
        while (true) {
            handleEvents();
            long now = System.nanoTime();
            long elapsed = now - last;
            last = now;
            double rate = changesPerSecond;
            boolean both = !polymarket.symbols().isEmpty() && !kalshi.symbols().isEmpty();
            double perVenue = both ? rate / 2 : rate;
            if (rate <= 0) {
                duePolymarket = 0;
                dueKalshi = 0;
            } else {
                double cap = perVenue * MAX_CATCH_UP_NANOS / 1e9 + 1;
                duePolymarket = capped(duePolymarket + (polymarket.symbols().isEmpty() ? 0 : perVenue * elapsed / 1e9), cap);
                dueKalshi = capped(dueKalshi + (kalshi.symbols().isEmpty() ? 0 : perVenue * elapsed / 1e9), cap);
            }
            long ms = System.currentTimeMillis();
            if (ms != lastMs) {
                lastMs = ms;
                System.arraycopy(Long.toString(ms).getBytes(StandardCharsets.US_ASCII), 0, msDigits, 0, 13);
                System.arraycopy(ISO.format(Instant.ofEpochMilli(ms)).getBytes(StandardCharsets.US_ASCII), 0, iso, 0, 24);
            }
            int sent = 0;
            while (duePolymarket >= 1 || dueKalshi >= 1) {
                if (duePolymarket >= 1) {
                    polymarket.sendNext(msDigits, iso);
                    duePolymarket--;
                    sent++;
                }
                if (dueKalshi >= 1) {
                    kalshi.sendNext(msDigits, iso);
                    dueKalshi--;
                    sent++;
                }
            }
            for (ReplaySocket socket : sockets) {
                socket.flush();
            }
            if (now - lastPublished > 5_000_000L) {
                lastPublished = now;
                publish();
            }
            if (sent == 0) {
                LockSupport.parkNanos(500_000);
            }
        }
    }

    private double capped(double due, double cap) {
        if (due > cap) {
            skipped += (long) (due - cap);
            return cap;
        }
        return due;
    }

    private void handleEvents() {
        for (ReplaySocket.Event event = events.poll(); event != null; event = events.poll()) {
            if (event instanceof ReplaySocket.Opened opened) {
                ReplaySocket socket = opened.socket();
                accepted++;
                sockets.add(socket);
                feedOf.put(socket, socket.path.startsWith("/kalshi") ? kalshi : polymarket);
            } else if (event instanceof ReplaySocket.Text text) {
                ReplayFeed feed = feedOf.get(text.socket());
                if (feed != null && !text.socket().dead()) {
                    feed.onText(text.socket(), text.text());
                }
            } else if (event instanceof ReplaySocket.Control control) {
                control.socket().answer(control.opcode(), control.payload());
            } else if (event instanceof ReplaySocket.Closed closed) {
                ReplaySocket socket = closed.socket();
                ReplayFeed feed = feedOf.remove(socket);
                if (feed != null) {
                    feed.onClosed(socket);
                    sockets.remove(socket);
                    framesOfClosed += socket.framesSent;
                    bytesOfClosed += socket.bytesSent;
                    blockedOfClosed += socket.blockedNanos;
                    socket.close();
                }
            }
        }
    }

    private void publish() {
        long frames = framesOfClosed;
        long bytes = bytesOfClosed;
        long blocked = blockedOfClosed;
        for (ReplaySocket socket : sockets) {
            frames += socket.framesSent;
            bytes += socket.bytesSent;
            blocked += socket.blockedNanos;
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("changes", polymarket.changesSent() + kalshi.changesSent());
        counters.put("frames", frames);
        counters.put("bytes", bytes);
        counters.put("snapshots", polymarket.snapshotsSent() + kalshi.snapshotsSent());
        counters.put("followed", (long) polymarket.followedBooks() + kalshi.followedBooks());
        counters.put("books", (long) polymarket.symbols().size() + kalshi.symbols().size());
        counters.put("sockets", (long) sockets.size());
        counters.put("accepted", accepted);
        counters.put("skipped", skipped);
        counters.put("blocked_ns", blocked);
        published = counters;
    }
}
