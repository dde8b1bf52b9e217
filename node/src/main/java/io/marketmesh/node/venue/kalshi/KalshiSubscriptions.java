package io.marketmesh.node.venue.kalshi;

import static io.marketmesh.node.venue.kalshi.KalshiFrame.ABSENT;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.kalshi.KalshiRequests.Request;
import io.marketmesh.node.venue.kalshi.KalshiRequests.SubscribeRequest;
import io.marketmesh.node.venue.kalshi.KalshiRequests.UpdateRequest;
import io.marketmesh.node.venue.kalshi.KalshiSids.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one Kalshi socket has subscribed, and which of its data frames may be applied.
 *
 * <p>Each market is subscribed twice: {@code orderbook_delta} for the book and one command for {@code trade} and
 * {@code ticker}. {@code market_lifecycle_v2} takes no market filter, so it is subscribed once per socket, with the
 * first markets, and the events of markets not followed are dropped. The venue answers each channel with its own
 * subscription id (sid), and numbers the frames of each sid with one shared {@code seq} counter (snapshots and
 * {@code ok} replies included). A gap on a book sid makes every book on it untrustworthy: they are reported stale,
 * the sid is dropped and its markets are subscribed again on a fresh sid, whose snapshots heal them. Frames of
 * dropped or unknown sids are never applied.
 */
final class KalshiSubscriptions {

    static final String BOOK_CHANNEL = "orderbook_delta";
    static final List<String> DATA_CHANNELS = List.of("trade", "ticker");
    /** Kalshi's lifecycle channel takes no market filter: one subscription per socket, events of unfollowed markets dropped. */
    static final String LIFECYCLE_CHANNEL = "market_lifecycle_v2";

    /** The session's name: these lines tell one socket's protocol story, and operators know them under it. */
    private static final Logger log = LoggerFactory.getLogger(KalshiSession.class);

    private final int batchSize;
    private final KalshiRequests requests;

    private boolean lifecycleRequested;
    /** Markets this socket should follow; events of any other market are dropped. */
    private final Set<String> wanted = new LinkedHashSet<>();
    private final KalshiSids sids = new KalshiSids();
    /** Markets whose deltas are dropped until a fresh snapshot arrives (new subscription or resync). */
    private final Set<String> awaitingSnapshot = new HashSet<>();
    /** The highest sid confirmed so far: the venue numbers new subscriptions upwards. */
    private long highestSid;
    /**
     * Markets whose book frames came on a sid not confirmed yet (above {@link #highestSid}): dropped, so when that
     * sid's {@code subscribed} arrives their snapshot is asked for again.
     */
    private final Map<Long, Set<String>> earlyBookFrames = new HashMap<>();

    private long framesIgnored;
    private long dataSequenceGaps;

    KalshiSubscriptions(int subscribeBatchSize, KalshiRequests requests) {
        if (subscribeBatchSize < 1) {
            throw new IllegalArgumentException("subscribe batch size must be >= 1");
        }
        this.batchSize = subscribeBatchSize;
        this.requests = requests;
    }

    // ---------------------------------------------------------------- following markets

    void subscribe(List<String> symbols, SessionOutput out) {
        List<String> fresh = new ArrayList<>();
        for (String symbol : symbols) {
            if (symbol != null && !symbol.isBlank() && wanted.add(symbol)) {
                fresh.add(symbol);
            }
        }
        awaitingSnapshot.addAll(fresh);
        for (int from = 0; from < fresh.size(); from += batchSize) {
            List<String> batch = List.copyOf(fresh.subList(from, Math.min(fresh.size(), from + batchSize)));
            requests.subscribe(List.of(BOOK_CHANNEL), batch, out);
            requests.subscribe(DATA_CHANNELS, batch, out);
        }
        if (!fresh.isEmpty() && !lifecycleRequested) {
            lifecycleRequested = true;
            requests.subscribe(List.of(LIFECYCLE_CHANNEL), List.of(), out);
        }
    }

    /** Returns the markets no longer followed (those of {@code symbols} that were). */
    Set<String> unsubscribe(List<String> symbols, SessionOutput out) {
        Set<String> leaving = new LinkedHashSet<>();
        for (String symbol : symbols) {
            if (wanted.remove(symbol)) {
                leaving.add(symbol);
            }
        }
        if (leaving.isEmpty()) {
            return leaving;
        }
        awaitingSnapshot.removeAll(leaving);
        List<Long> emptied = new ArrayList<>();
        for (Subscription sub : sids.all()) {
            List<String> gone = sub.tickers.stream().filter(leaving::contains).toList();
            if (gone.isEmpty()) {
                continue;
            }
            if (gone.size() == sub.tickers.size()) {
                sids.retire(sub);
                emptied.add(sub.sid);
            } else {
                gone.forEach(t -> sids.forget(sub, t));
                requests.update(sub.sid, "delete_markets", gone, out);
            }
        }
        if (!emptied.isEmpty()) {
            requests.unsubscribe(emptied, out);
        }
        // Markets still waiting for their "subscribed" are no longer wanted: onSubscribed removes them then.
        return leaving;
    }

    void resync(String symbol, SessionOutput out) {
        Subscription sub = sids.bookOf(symbol);
        if (sub == null) {
            if (!wanted.contains(symbol)) {
                log.warn("Kalshi resync of {} ignored: not subscribed on this socket", symbol);
            } else if (requests.bookSubscribePending(symbol)) {
                log.debug("Kalshi resync of {}: its book subscription is still being made, a snapshot will follow", symbol);
            } else {
                // Its book subscription was lost (refused, or ended by the venue): make a new one.
                awaitingSnapshot.add(symbol);
                requests.subscribe(List.of(BOOK_CHANNEL), List.of(symbol), out);
            }
            return;
        }
        // Removing and adding the market on the same sid makes the venue send a fresh snapshot for it alone.
        awaitingSnapshot.add(symbol);
        requests.update(sub.sid, "delete_markets", List.of(symbol), out);
        requests.update(sub.sid, "add_markets", List.of(symbol), out);
    }

    // ---------------------------------------------------------------- the venue's answers

    void onSubscribed(KalshiFrame frame, SessionOutput out) {
        Request request = requests.get(frame.id);
        if (!(request instanceof SubscribeRequest subscribe) || frame.msgSid == ABSENT || frame.channel == null
                || !subscribe.unconfirmedChannels().contains(frame.channel)) {
            log.warn("Kalshi confirmed a subscription this session did not ask for: id {}, channel {}, sid {}",
                    frame.id == ABSENT ? "none" : frame.id, frame.channel, frame.msgSid == ABSENT ? "none" : frame.msgSid);
            return;
        }
        subscribe.unconfirmedChannels().remove(frame.channel);
        if (subscribe.unconfirmedChannels().isEmpty()) {
            requests.answered(frame.id);
        }
        Subscription sub = sids.confirmed(frame.msgSid, frame.channel);
        highestSid = Math.max(highestSid, sub.sid);
        Set<String> early = earlyBookFrames.remove(sub.sid);
        earlyBookFrames.keySet().removeIf(sid -> sid <= highestSid);
        List<String> unwanted = new ArrayList<>();
        for (String ticker : subscribe.tickers()) {
            if (!wanted.contains(ticker)) {
                unwanted.add(ticker);
                continue;
            }
            sids.add(sub, ticker);
        }
        if (early != null && sub.book) {
            // Its book frames outran this confirmation and were dropped: ask for those snapshots again.
            for (String ticker : early) {
                if (sids.bookOf(ticker) == sub) {
                    resync(ticker, out);
                }
            }
        }
        if (unwanted.isEmpty()) {
            return;
        }
        // Unsubscribed while this subscription was being made.
        if (sub.tickers.isEmpty()) {
            sids.retire(sub);
            requests.unsubscribe(List.of(sub.sid), out);
        } else {
            requests.update(sub.sid, "delete_markets", unwanted, out);
        }
    }

    /** The answer to update_subscription: it takes a seq number of its sid like any data frame. */
    void onOk(KalshiFrame frame, SessionOutput out) {
        requests.answered(frame.id);
        Subscription sub = sids.live(frame.sid);
        if (sub != null && frame.seq != ABSENT) {
            advance(sub, frame.seq, out);
        }
    }

    void onUnsubscribed(KalshiFrame frame, SessionOutput out) {
        requests.answered(frame.id);
        Subscription sub = sids.live(frame.sid);
        if (sub != null) {
            log.warn("Kalshi ended sid {} ({}) without being asked; subscribing its markets again", sub.sid, sub.channel);
            subscriptionLost(sub, "the venue ended sid " + sub.sid, out);
        }
    }

    void onError(KalshiFrame frame, SessionOutput out) {
        out.venueError("kalshi error code " + (frame.errorCode == ABSENT ? "?" : frame.errorCode) + ": "
                + frame.errorMessage + (frame.id == ABSENT ? "" : " (request id " + frame.id + ")"));
        Request request = requests.get(frame.id);
        if (request instanceof SubscribeRequest subscribe) {
            subscribeRefused(frame.id, subscribe, frame.marketTicker, out);
        } else if (request instanceof UpdateRequest update) {
            requests.answered(frame.id);
            if ("add_markets".equals(update.action())) {
                addRefused(update, frame.errorCode, out);
            }
        } else if (request != null) {
            requests.answered(frame.id);
        } else if (frame.sid != ABSENT && isTerminal(frame.errorCode)) {
            Subscription sub = sids.live(frame.sid);
            if (sub != null) {
                subscriptionLost(sub, "kalshi error " + frame.errorCode + " ended sid " + sub.sid, out);
            }
        }
    }

    /** Channel error, internal error, buffer overflow: the venue has dropped the subscription. */
    private static boolean isTerminal(long code) {
        return code == 10 || code == 17 || code == 25;
    }

    /**
     * A subscribe was refused. One bad market (code 16 names it) must not leave the rest of its batch without books:
     * the others are subscribed again without it; a refused book batch that names no market is split in two until the
     * bad one is alone, which its book's resyncs (with the node's backoff) then try again. A refused data subscribe
     * that names no market stays: it may have failed for one channel only, and the other's confirmation may still come.
     */
    private void subscribeRefused(long id, SubscribeRequest request, String refused, SessionOutput out) {
        boolean named = refused != null && request.tickers().contains(refused);
        if (!named && !request.unconfirmedChannels().contains(BOOK_CHANNEL)) {
            return;
        }
        requests.answered(id);
        List<String> channels = Stream.concat(Stream.of(BOOK_CHANNEL), Stream.concat(DATA_CHANNELS.stream(),
                Stream.of(LIFECYCLE_CHANNEL))).filter(request.unconfirmedChannels()::contains).toList();
        List<String> retry = request.tickers().stream().filter(t -> wanted.contains(t) && !t.equals(refused)).toList();
        if (named) {
            log.warn("Kalshi refused {} for {}: subscribing the rest of its batch again", channels, refused);
            if (!retry.isEmpty()) {
                requests.subscribe(channels, retry, out);
            }
        } else if (retry.size() > 1) {
            int half = retry.size() / 2;
            requests.subscribe(channels, List.copyOf(retry.subList(0, half)), out);
            requests.subscribe(channels, List.copyOf(retry.subList(half, retry.size())), out);
        }
    }

    /**
     * The add_markets of a resync was refused, so no snapshot comes: the market gets a book subscription of its own
     * (all of the sid's markets do when the venue no longer knows the sid, code 7).
     */
    private void addRefused(UpdateRequest update, long errorCode, SessionOutput out) {
        Subscription sub = sids.live(update.sid());
        if (sub != null && sub.book && errorCode == 7) {
            subscriptionLost(sub, "the venue no longer knows sid " + sub.sid, out);
            return;
        }
        List<String> again = new ArrayList<>();
        for (String ticker : update.tickers()) {
            if (!wanted.contains(ticker)) {
                continue;
            }
            if (sub != null && sids.bookOf(ticker) == sub) {
                sids.forget(sub, ticker);
            }
            if (sids.bookOf(ticker) == null && !requests.bookSubscribePending(ticker)) {
                again.add(ticker);
            }
        }
        if (!again.isEmpty()) {
            awaitingSnapshot.addAll(again);
            requests.subscribe(List.of(BOOK_CHANNEL), again, out);
        }
    }

    // ---------------------------------------------------------------- admitting data frames

    /**
     * Takes an orderbook_delta's seq; true when it may be applied: it came on the market's live book sid and the
     * market's snapshot has arrived since it was (re)subscribed.
     */
    boolean admitDelta(KalshiFrame frame, String ticker, SessionOutput out) {
        noteEarly(frame.sid, ticker);
        Subscription sub = sequenced(frame, true, out);
        if (sub == null) {
            return false;
        }
        if (sids.bookOf(ticker) != sub || awaitingSnapshot.contains(ticker)) {
            framesIgnored++;
            return false;
        }
        return true;
    }

    /** Takes an orderbook_snapshot's seq; true when it came on the market's live book sid, which it then heals. */
    boolean admitSnapshot(KalshiFrame frame, String ticker, SessionOutput out) {
        noteEarly(frame.sid, ticker);
        Subscription sub = sequenced(frame, true, out);
        if (sub == null) {
            return false;
        }
        if (sids.bookOf(ticker) != sub) {
            framesIgnored++;
            return false;
        }
        awaitingSnapshot.remove(ticker);
        return true;
    }

    /** Takes a trade, ticker or lifecycle frame's seq; true when it came on a live data sid for a followed market. */
    boolean admitData(KalshiFrame frame, String ticker, SessionOutput out) {
        if (sequenced(frame, false, out) == null) {
            return false;
        }
        if (wanted.contains(ticker)) {
            return true;
        }
        framesIgnored++;
        return false;
    }

    /** Takes the seq of a data frame that publishes nothing (event-level news, tick structure updates). */
    void takeSeq(KalshiFrame frame, SessionOutput out) {
        sequenced(frame, false, out);
    }

    boolean follows(String ticker) {
        return wanted.contains(ticker);
    }

    /** A book frame on a sid above every confirmed one: its subscription's {@code subscribed} has not come yet. */
    private void noteEarly(long sid, String ticker) {
        if (sid != ABSENT && sid > highestSid && wanted.contains(ticker) && earlyBookFrames.size() < 64) {
            earlyBookFrames.computeIfAbsent(sid, k -> new HashSet<>()).add(ticker);
        }
    }

    // ---------------------------------------------------------------- sequencing

    /**
     * The live subscription of this frame's sid when the frame may be applied; null when it must not be: unknown or
     * dropped sid, wrong kind of channel, or a gap on a book sid (already handled).
     */
    private Subscription sequenced(KalshiFrame frame, boolean book, SessionOutput out) {
        Subscription sub = sids.live(frame.sid);
        if (sub == null || sub.book != book) {
            framesIgnored++;
            return null;
        }
        if (frame.seq == ABSENT || advance(sub, frame.seq, out)) {
            return sub;
        }
        return null;
    }

    /** Checks {@code seq} against the sid's counter; false when a book gap was found and the frame must be dropped. */
    private boolean advance(Subscription sub, long seq, SessionOutput out) {
        if (sub.lastSeq == ABSENT) {
            sub.lastSeq = seq;
            return true;
        }
        boolean inOrder = seq == sub.lastSeq + 1;
        out.sequenceChecked(inOrder);
        if (inOrder) {
            sub.lastSeq = seq;
            return true;
        }
        long expected = sub.lastSeq + 1;
        if (!sub.book) {
            // Trades, tickers and lifecycle events stand alone: a missed one is worth counting, not resubscribing.
            dataSequenceGaps++;
            log.warn("Kalshi sequence gap on {} sid {}: expected {} got {}", sub.channel, sub.sid, expected, seq);
            sub.lastSeq = seq;
            return true;
        }
        bookGap(sub, expected, seq, out);
        return false;
    }

    private void bookGap(Subscription sub, long expected, long got, SessionOutput out) {
        String reason = "sequence gap on sid " + sub.sid + ": expected " + expected + " got " + got;
        log.warn("Kalshi {}; {} book(s) stale, resubscribing them on a new sid", reason, sub.tickers.size());
        requests.unsubscribe(List.of(sub.sid), out);
        subscriptionLost(sub, reason, out);
    }

    /** The subscription can no longer be used: dropped here, its books reported stale, its markets subscribed anew. */
    private void subscriptionLost(Subscription sub, String reason, SessionOutput out) {
        List<String> tickers = List.copyOf(sub.tickers);
        sids.retire(sub);
        if (LIFECYCLE_CHANNEL.equals(sub.channel)) {
            requests.subscribe(List.of(LIFECYCLE_CHANNEL), List.of(), out);
            return;
        }
        if (sub.book) {
            for (String ticker : tickers) {
                out.stale(ticker, reason);
            }
            awaitingSnapshot.addAll(tickers);
        }
        for (int from = 0; from < tickers.size(); from += batchSize) {
            requests.subscribe(List.of(sub.channel), tickers.subList(from, Math.min(tickers.size(), from + batchSize)), out);
        }
    }

    long framesIgnored() {
        return framesIgnored;
    }

    long dataSequenceGaps() {
        return dataSequenceGaps;
    }
}
