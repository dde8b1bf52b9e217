package io.marketmesh.node.venue.cryptocom;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The Crypto.com Exchange v1 market-data protocol on one socket. Requests wait {@code connect-wait} after the socket
 * opens (the venue pro-rates its 100 requests/s to the calendar second of connect and documents a 1 s pause; the wait
 * is a session timer, the connection layer knows nothing of it). The server's {@code public/heartbeat} is answered
 * at once with {@code public/respond-heartbeat} and the same id, or the venue closes the socket.
 * {@link CryptocomBooks} keeps each book's {@code u}/{@code pu} chain; a broken chain marks the book stale and
 * resubscribes its book channel (unsubscribe + subscribe), the venue's only way to a new snapshot. Resubscriptions
 * asked within a few milliseconds go out together, so a burst of them costs few requests.
 */
public final class CryptocomSession implements VenueSession {

    static final String CONNECT_WAIT_TIMER = "connect-wait";
    static final String RESYNC_TIMER = "resync";
    static final Duration RESYNC_BATCH_DELAY = Duration.ofMillis(20);

    private final CryptocomSettings settings;
    private final Duration heartbeatInterval;
    private final CryptocomRequests requests;
    private final CryptocomFrame frame = new CryptocomFrame();
    private final CryptocomBooks books;
    private final CryptocomMarketData marketData;
    /** Followed markets of this socket and their keys. */
    private final Map<String, MarketKey> keys = new HashMap<>();
    /** Markets to subscribe once the connect wait is over. */
    private final Set<String> waiting = new LinkedHashSet<>();
    /** Books to resubscribe at the next {@link #RESYNC_TIMER}. */
    private final Set<String> resyncs = new LinkedHashSet<>();
    private boolean ready;
    private boolean waitScheduled;
    private long framesIgnored;
    private long heartbeatsAnswered;

    CryptocomSession(CryptocomSettings settings, Duration heartbeatInterval, TradeHistory tradeHistory,
                     LongSupplier clockMillis) {
        this.settings = settings;
        this.heartbeatInterval = heartbeatInterval;
        this.requests = new CryptocomRequests(settings, clockMillis);
        this.books = new CryptocomBooks(settings.bookDepth());
        this.marketData = new CryptocomMarketData(tradeHistory);
        this.ready = settings.connectWait().isZero();
    }

    // ---------------------------------------------------------------- outgoing

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        List<String> fresh = new ArrayList<>();
        for (String symbol : symbols) {
            if (!keys.containsKey(symbol)) {
                keys.put(symbol, MarketKey.of(Venue.CRYPTOCOM, symbol));
                books.follow(symbol);
                marketData.expectTradeHistory(symbol);
                fresh.add(symbol);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        if (ready) {
            requests.subscribe(fresh).forEach(out::send);
            return;
        }
        waiting.addAll(fresh);
        if (!waitScheduled) {
            waitScheduled = true;
            out.schedule(CONNECT_WAIT_TIMER, settings.connectWait());
        }
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        List<String> subscribed = new ArrayList<>();
        for (String symbol : symbols) {
            if (keys.remove(symbol) == null) {
                continue;
            }
            books.forget(symbol);
            marketData.forget(symbol);
            resyncs.remove(symbol);
            if (!waiting.remove(symbol)) {
                subscribed.add(symbol);
            }
        }
        if (ready && !subscribed.isEmpty()) {
            requests.unsubscribe(subscribed).forEach(out::send);
        }
    }

    @Override
    public void resync(String symbol, SessionOutput out) {
        // A market still waiting for its first subscription gets its snapshot from it.
        if (keys.containsKey(symbol) && !waiting.contains(symbol)) {
            books.awaitSnapshot(symbol);
            queueResubscription(symbol, out);
        }
    }

    @Override
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** Nothing to send: the venue drives the keep-alive with {@code public/heartbeat}, answered in {@link #onText}. */
    @Override
    public void heartbeat(SessionOutput out) {
    }

    @Override
    public void onTimer(String tag, SessionOutput out) {
        if (CONNECT_WAIT_TIMER.equals(tag)) {
            ready = true;
            if (!waiting.isEmpty()) {
                List<String> due = List.copyOf(waiting);
                waiting.clear();
                requests.subscribe(due).forEach(out::send);
            }
        } else if (RESYNC_TIMER.equals(tag) && !resyncs.isEmpty()) {
            List<String> due = List.copyOf(resyncs);
            resyncs.clear();
            requests.resubscribeBooks(due).forEach(out::send);
        }
    }

    // ---------------------------------------------------------------- incoming

    @Override
    public void onText(String text, long receivedAt, SessionOutput out) {
        try {
            frame.read(text);
            dispatch(text, receivedAt, out);
        } catch (IOException e) {
            out.badFrame("Crypto.com frame is not valid JSON: " + e.getMessage(), text);
            bookFrameLost(out);
        } catch (IllegalArgumentException | ArithmeticException e) { // NumberFormatException included
            out.badFrame("Crypto.com frame not understood: " + e.getMessage(), text);
            bookFrameLost(out);
        }
    }

    private void dispatch(String text, long receivedAt, SessionOutput out) {
        switch (frame.method) {
            case HEARTBEAT -> {
                if (frame.id == CryptocomFrame.ABSENT) {
                    out.badFrame("Crypto.com public/heartbeat without an id to answer", text);
                    return;
                }
                out.send(CryptocomRequests.respondHeartbeat(frame.id));
                heartbeatsAnswered++;
            }
            case SUBSCRIBE, UNSUBSCRIBE -> {
                if (frame.codeOrZero() != 0) {
                    refused(out);
                } else if (frame.hasResult) {
                    onData(text, receivedAt, out);
                }
                // else: the venue's ack of one channel; its data is what counts.
            }
            case ERROR -> out.venueError("Crypto.com could not read a request: code " + frame.code + " "
                    + orEmpty(frame.message) + " " + orEmpty(frame.original));
            case OTHER -> {
                if (frame.codeOrZero() != 0) {
                    refused(out);
                } else {
                    out.badFrame("unknown Crypto.com method '" + frame.unknownMethod + "'", text);
                }
            }
            case MISSING -> out.badFrame("Crypto.com frame without a method", text);
            default -> throw new IllegalStateException("unhandled " + frame.method);
        }
    }

    private void onData(String text, long receivedAt, SessionOutput out) {
        if (frame.channel == CryptocomFrame.Channel.OTHER || frame.channel == CryptocomFrame.Channel.MISSING) {
            out.badFrame(frame.channel == CryptocomFrame.Channel.OTHER
                    ? "unexpected Crypto.com channel '" + frame.unknownChannel + "' (never subscribed)"
                    : "Crypto.com data without result.channel", text);
            return;
        }
        String symbol = symbol();
        if (symbol == null) {
            out.badFrame("Crypto.com data without instrument_name or subscription", text);
            return;
        }
        MarketKey key = keys.get(symbol);
        if (key == null) {
            framesIgnored++; // a market unsubscribed a moment ago, or never ours
            return;
        }
        switch (frame.channel) {
            case BOOK -> {
                for (int i = 0; i < frame.itemCount; i++) {
                    if (!frame.item(i).snapshotSides) {
                        throw new IllegalArgumentException("book snapshot without asks or bids");
                    }
                    String problem = books.onSnapshot(key, frame.item(i), frame.depth, receivedAt, out);
                    if (problem != null) {
                        // Not resubscribed from here: a venue that keeps sending such books would loop. The book
                        // waits, stale; the market's own resync (with backoff) asks again.
                        out.badFrame(problem, text);
                        out.stale(symbol, problem);
                        return;
                    }
                }
            }
            case BOOK_UPDATE -> {
                for (int i = 0; i < frame.itemCount; i++) {
                    CryptocomItem item = frame.item(i);
                    if (!item.update) {
                        throw new IllegalArgumentException("book.update without an 'update' object");
                    }
                    String gap = books.onDelta(key, item, receivedAt, out);
                    if (gap != null) {
                        lost(symbol, gap, out);
                        return;
                    }
                }
            }
            case TRADE -> marketData.onTrades(key, frame, receivedAt, out);
            case TICKER -> marketData.onTicker(key, frame, receivedAt, out);
            default -> throw new IllegalStateException("unhandled " + frame.channel);
        }
    }

    /** A subscribe/unsubscribe the venue refused: told, and the books it left without a snapshot marked stale. */
    private void refused(SessionOutput out) {
        String what = frame.ackChannel != null ? frame.ackChannel : "request " + frame.id;
        String method = frame.method == CryptocomFrame.Method.OTHER ? frame.unknownMethod
                : frame.method.name().toLowerCase(Locale.ROOT);
        String reason = "Crypto.com refused " + method + " of " + what + ": " + frame.code + " " + orEmpty(frame.message);
        out.venueError(reason);
        if (frame.method != CryptocomFrame.Method.SUBSCRIBE) {
            return;
        }
        String named = CryptocomRequests.symbolOf(frame.ackChannel);
        boolean bookRefused = frame.ackChannel == null || frame.ackChannel.startsWith("book.");
        List<String> symbols = named != null ? List.of(named) : requests.symbolsOf(frame.id);
        for (String symbol : symbols) {
            if (bookRefused && keys.containsKey(symbol)) {
                books.awaitSnapshot(symbol);
                out.stale(symbol, reason);
            }
        }
    }

    /** A book frame that could not be read: a live book has lost a change, so it is resynced at once. */
    private void bookFrameLost(SessionOutput out) {
        if (frame.channel != CryptocomFrame.Channel.BOOK && frame.channel != CryptocomFrame.Channel.BOOK_UPDATE) {
            return;
        }
        String symbol = symbol();
        if (symbol != null && keys.containsKey(symbol) && books.live(symbol)) {
            lost(symbol, "an unreadable " + (frame.channel == CryptocomFrame.Channel.BOOK ? "book" : "book.update")
                    + " frame broke the chain", out);
        }
    }

    private void lost(String symbol, String reason, SessionOutput out) {
        books.awaitSnapshot(symbol);
        queueResubscription(symbol, out);
        out.stale(symbol, reason);
    }

    private void queueResubscription(String symbol, SessionOutput out) {
        if (resyncs.add(symbol) && resyncs.size() == 1) {
            out.schedule(RESYNC_TIMER, RESYNC_BATCH_DELAY);
        }
    }

    private String symbol() {
        return frame.instrument != null ? frame.instrument : CryptocomRequests.symbolOf(frame.subscription);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    // ---------------------------------------------------------------- counters

    /** The sequence checks of this socket's books (see {@link SyncCounters}). */
    public SyncCounters syncCounters() {
        return books.counters();
    }

    /** Data frames of markets this socket does not (or no longer) follow. */
    public long framesIgnored() {
        return framesIgnored;
    }

    public long heartbeatsAnswered() {
        return heartbeatsAnswered;
    }

    /** Trades of the on-subscribe history already published before (dropped). */
    public long tradesReplayed() {
        return marketData.tradesReplayed();
    }
}
