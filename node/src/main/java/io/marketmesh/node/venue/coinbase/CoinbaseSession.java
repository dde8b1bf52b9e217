package io.marketmesh.node.venue.coinbase;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Advanced Trade market-data socket ({@code wss://advanced-trade-ws.coinbase.com}): {@code level2},
 * {@code market_trades} and {@code ticker} per product, {@code heartbeats} once per socket, and frames turned into
 * protocol events for the products subscribed here.
 *
 * <p>Integrity. {@code sequence_num} counts every message of the connection, over all channels, by exactly one: it
 * is checked on every frame. A jump means a frame of this socket was lost, and nothing says which, so every book on
 * the socket is stale. The books are healed by resubscribing {@code level2} (one {@code unsubscribe} and one
 * {@code subscribe} frame for all of them), which makes the venue send a fresh {@code snapshot} per product; the
 * docs promise level2 "guarantees delivery of all updates" after it, and the sequence check keeps proving it. A
 * reconnect would heal too, but costs a connection (8 a second per IP) and four subscriptions and re-sends every
 * trade and ticker snapshot, for nothing more; if resubscribing ever brings no snapshot, the market's own resync
 * requests escalate to a reconnect (connection layer, {@code resync-escalate-after}). A book already waiting for
 * its snapshot is only marked stale on a jump: the snapshot it waits for is complete in itself, and if the lost frame
 * was that snapshot the market asks again after its backoff.
 *
 * <p>Asking again. The venue allows 8 messages a second per IP, so a socket sends at most 2 a second and its frames
 * may wait a moment in the connection's queue. A market's resync request for a book whose snapshot was asked for less
 * than {@link #ASK_AGAIN_AFTER} ago is therefore not sent again (it would only queue more frames behind the ones
 * bringing the snapshot); past that it is. A venue that never answers is left to the connection's escalation, which
 * reopens the socket.
 *
 * <p>Not thread-safe: owned by the one actor of its socket, like every {@link VenueSession}.
 */
public final class CoinbaseSession implements VenueSession {

    private static final Logger log = LoggerFactory.getLogger(CoinbaseSession.class);

    /** How long a snapshot request is left to be answered before a resync asks again. */
    static final Duration ASK_AGAIN_AFTER = Duration.ofSeconds(5);

    private final VenueSettings settings;
    private final LongSupplier nanoClock;
    private final ProductIndex products = new ProductIndex();
    private final CoinbaseFrameReader reader = new CoinbaseFrameReader(products);
    private final CoinbaseEvents events = new CoinbaseEvents(this);
    private boolean heartbeatsSubscribed;
    private long lastSequence = CoinbaseFrame.NO_SEQUENCE;
    /** The last sequence_num seen on each channel, for a server that numbers channels apart. */
    private final long[] lastByChannel = newLastByChannel();
    private boolean numberedPerChannel;
    private long sequenceChecks;
    private long sequenceFailures;
    private long droppedAwaitingSnapshot;

    public CoinbaseSession(VenueSettings settings) {
        this(settings, System::nanoTime);
    }

    /** @param nanoClock monotonic nanoseconds, for when a snapshot was last asked for */
    CoinbaseSession(VenueSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        List<String> fresh = new ArrayList<>(symbols.size());
        for (String symbol : new LinkedHashSet<>(symbols)) {
            if (symbol == null || symbol.isBlank()) {
                continue;
            }
            Product p = products.getOrCreate(symbol);
            if (!p.subscribed) {
                p.subscribed = true;
                p.awaitingSnapshot = true;
                p.snapshotAskedAt = nanoClock.getAsLong();
                fresh.add(symbol);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        // level2 first: books matter most, and a socket must subscribe something soon after it opens.
        send(SubscriptionFrames.LEVEL2, fresh, true, out);
        if (!heartbeatsSubscribed) {
            // Once per socket: a heartbeat a second keeps quiet products' channels open (they close after 60-90 s
            // without updates) and proves the socket alive for stale-after.
            out.send(SubscriptionFrames.subscribeHeartbeats());
            heartbeatsSubscribed = true;
        }
        send(SubscriptionFrames.MARKET_TRADES, fresh, true, out);
        send(SubscriptionFrames.TICKER, fresh, true, out);
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        List<String> gone = new ArrayList<>(symbols.size());
        for (String symbol : new LinkedHashSet<>(symbols)) {
            Product p = symbol == null ? null : products.find(symbol);
            if (p != null && p.subscribed) {
                p.subscribed = false;
                p.awaitingSnapshot = false;
                gone.add(symbol);
            }
        }
        if (!gone.isEmpty()) {
            for (String channel : SubscriptionFrames.PRODUCT_CHANNELS) {
                send(channel, gone, false, out);
            }
        }
    }

    /**
     * Unsubscribes and subscribes the product's {@code level2} again: the venue then sends a fresh snapshot. Not when
     * one was asked for less than {@link #ASK_AGAIN_AFTER} ago and has not come yet.
     */
    @Override
    public void resync(String symbol, SessionOutput out) {
        Product p = symbol == null ? null : products.find(symbol);
        if (p == null || !p.subscribed) {
            log.warn("coinbase resync of {} ignored: not subscribed on this socket", symbol);
            return;
        }
        if (p.awaitingSnapshot && nanoClock.getAsLong() - p.snapshotAskedAt < ASK_AGAIN_AFTER.toNanos()) {
            log.debug("coinbase resync of {}: its snapshot was asked for a moment ago", symbol);
            return;
        }
        resubscribeBooks(List.of(p), out);
    }

    @Override
    public Duration heartbeatInterval() {
        return settings.heartbeatInterval();
    }

    /** Nothing to send: the venue's {@code heartbeats} channel is the keep-alive, and the server sends it. */
    @Override
    public void heartbeat(SessionOutput out) {
    }

    @Override
    public void onText(String text, long receivedAt, SessionOutput out) {
        CoinbaseFrame f = reader.read(text);
        if (f.sequence != CoinbaseFrame.NO_SEQUENCE) {
            checkSequence(f.sequence, f.channel, out);
        }
        if (f.error) {
            out.venueError("coinbase refused a request: " + (f.message.length() == 0 ? text : f.message));
            return;
        }
        if (f.readable() && f.channel == null) {
            f.fail("frame without channel");
        }
        if (!f.readable()) {
            unreadable(f, text, out);
            return;
        }
        switch (f.channel) {
            case L2_DATA -> events.books(f, receivedAt, text, out);
            case MARKET_TRADES -> events.trades(f, receivedAt, out);
            case TICKER -> events.tickers(f, receivedAt, out);
            case UNKNOWN -> out.badFrame("unknown channel '" + f.unknownChannel + "'", text);
            // heartbeats and subscriptions are liveness only; channels this node never subscribes are skipped.
            default -> {
            }
        }
    }

    /**
     * Sequence checks made and failed by this session (every frame with a sequence_num is one check); the same are
     * reported to the connection ({@link SessionOutput#sequenceChecked}), which shows them per venue.
     */
    public SequenceCounts counts() {
        return new SequenceCounts(sequenceChecks, sequenceFailures);
    }

    /** Level2 updates dropped because their product was waiting for a snapshot. */
    public long droppedAwaitingSnapshot() {
        return droppedAwaitingSnapshot;
    }

    // ---- integrity -------------------------------------------------------------------------------------------

    private static long[] newLastByChannel() {
        long[] last = new long[Channel.values().length];
        java.util.Arrays.fill(last, CoinbaseFrame.NO_SEQUENCE);
        return last;
    }

    /**
     * The venue numbers a connection's frames from 0, over all its channels (what the captures show; the docs do not
     * say). A server that numbers each channel on its own is recognised, not taken for losses: with one counter per
     * connection, a frame numbered one after the last of its own channel is always one after the last frame too, so
     * a frame that breaks the connection's count but continues its channel's proves per-channel numbering, and from
     * then on each channel's count is what is checked.
     */
    private void checkSequence(long sequence, Channel channel, SessionOutput out) {
        sequenceChecks++;
        int c = (channel == null ? Channel.UNKNOWN : channel).ordinal();
        long lastOfChannel = lastByChannel[c];
        long due = lastSequence == CoinbaseFrame.NO_SEQUENCE ? 0 : lastSequence + 1;
        lastSequence = sequence;
        lastByChannel[c] = sequence;
        boolean inOrder;
        if (numberedPerChannel) {
            inOrder = lastOfChannel == CoinbaseFrame.NO_SEQUENCE || sequence == lastOfChannel + 1;
            due = lastOfChannel + 1;
        } else if (sequence == due) {
            inOrder = true;
        } else if (lastOfChannel != CoinbaseFrame.NO_SEQUENCE && sequence == lastOfChannel + 1) {
            numberedPerChannel = true;
            inOrder = true;
            log.info("coinbase numbers each channel's frames on its own here; checking sequence_num per channel");
        } else {
            inOrder = false;
        }
        out.sequenceChecked(inOrder);
        if (!inOrder) {
            sequenceFailures++;
            String reason = "sequence_num " + sequence + " where " + due + " was due: a frame of this socket was lost";
            log.warn("coinbase {}; resubscribing level2 of every book on the socket", reason);
            booksLost(products.subscribed(), reason, out);
        }
    }

    /**
     * A frame that could not be read whole: reported, and the books it may have carried healed. A level2 frame whose
     * products were all read concerns those; one whose channel or product could not be read may have been any book.
     * Other channels change no book.
     */
    private void unreadable(CoinbaseFrame f, String text, SessionOutput out) {
        String reason = f.malformed != null ? f.malformed : f.failure;
        out.badFrame(reason, text);
        if (f.channel == Channel.L2_DATA && f.malformed == null && !f.books.unnamed) {
            List<Product> named = new ArrayList<>(f.books.count);
            for (int i = 0; i < f.books.count; i++) {
                Product p = f.books.products[i];
                if (p.subscribed && !named.contains(p)) {
                    named.add(p);
                }
            }
            booksLost(named, "unreadable level2 frame: " + reason, out);
        } else if (f.channel == null || f.channel == Channel.L2_DATA) {
            booksLost(products.subscribed(), "unreadable frame: " + reason, out);
        }
    }

    /**
     * These books may have missed a change: each is stale, and each that was trusted is resubscribed (one frame
     * pair for all). One waiting for its snapshot already has one coming.
     */
    void booksLost(List<Product> lost, String reason, SessionOutput out) {
        List<Product> trusted = new ArrayList<>(lost.size());
        for (Product p : lost) {
            if (!p.awaitingSnapshot) {
                trusted.add(p);
            }
        }
        resubscribeBooks(trusted, out);
        for (Product p : lost) {
            out.stale(p.symbol, reason);
        }
    }

    private void resubscribeBooks(List<Product> books, SessionOutput out) {
        if (books.isEmpty()) {
            return;
        }
        List<String> symbols = new ArrayList<>(books.size());
        long now = nanoClock.getAsLong();
        for (Product p : books) {
            p.awaitingSnapshot = true;
            p.snapshotAskedAt = now;
            symbols.add(p.symbol);
        }
        send(SubscriptionFrames.LEVEL2, symbols, false, out);
        send(SubscriptionFrames.LEVEL2, symbols, true, out);
    }

    void updateDroppedAwaitingSnapshot() {
        droppedAwaitingSnapshot++;
    }

    private void send(String channel, List<String> symbols, boolean subscribe, SessionOutput out) {
        int batch = settings.subscribeBatchSize();
        for (int from = 0; from < symbols.size(); from += batch) {
            List<String> ids = symbols.subList(from, Math.min(symbols.size(), from + batch));
            out.send(subscribe ? SubscriptionFrames.subscribe(channel, ids)
                    : SubscriptionFrames.unsubscribe(channel, ids));
        }
    }
}
