package io.marketmesh.node.venue.kalshi;

import static io.marketmesh.node.venue.kalshi.KalshiFrame.ABSENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kalshi WS v2 protocol on one socket.
 *
 * <p>Each market is subscribed twice: {@code orderbook_delta} for the book and one command for {@code trade} and
 * {@code ticker}. {@code market_lifecycle_v2} takes no market filter, so it is subscribed once per socket, with the
 * first markets, and the events of markets not followed are dropped. The venue answers each channel with its own
 * subscription id (sid), and numbers the frames of each sid with one shared {@code seq} counter (snapshots and
 * {@code ok} replies included). A gap on a book sid makes every book on it untrustworthy: they are reported stale,
 * the sid is dropped and its markets are subscribed again on a fresh sid, whose snapshots heal them. Frames of
 * dropped or unknown sids are never applied.
 *
 * <p>The normalized book is the YES market: bids are YES bids, asks are NO bids seen from the YES side
 * (ask price = 1 − NO price, same size).
 */
public final class KalshiSession implements VenueSession {

    static final String BOOK_CHANNEL = "orderbook_delta";
    static final List<String> DATA_CHANNELS = List.of("trade", "ticker");
    /** Kalshi's lifecycle channel takes no market filter: one subscription per socket, events of unfollowed markets dropped. */
    static final String LIFECYCLE_CHANNEL = "market_lifecycle_v2";

    private static final Logger log = LoggerFactory.getLogger(KalshiSession.class);
    /** Heartbeat ids remembered for swallowing their replies; a venue that never answers cannot grow this. */
    private static final int MAX_OUTSTANDING_HEARTBEATS = 32;
    private static final Comparator<PriceLevel> DESCENDING = Comparator.comparingLong(PriceLevel::price).reversed();
    private static final Comparator<PriceLevel> ASCENDING = Comparator.comparingLong(PriceLevel::price);

    /** One venue subscription on this socket: a channel, its markets and its seq counter. */
    private static final class Subscription {
        final long sid;
        final String channel;
        final boolean book;
        final Set<String> tickers = new LinkedHashSet<>();
        long lastSeq = ABSENT;
        boolean retired;

        Subscription(long sid, String channel) {
            this.sid = sid;
            this.channel = channel;
            this.book = BOOK_CHANNEL.equals(channel);
        }
    }

    /** A command sent and not yet answered, by its id. */
    private sealed interface Request permits SubscribeRequest, UpdateRequest, OtherRequest {
    }

    /** Kalshi confirms a subscribe once per channel, so the request stays until every channel is confirmed. */
    private record SubscribeRequest(List<String> tickers, Set<String> unconfirmedChannels) implements Request {
    }

    /** An update_subscription: what it asked, so that a refused resync can take another way. */
    private record UpdateRequest(long sid, String action, List<String> tickers) implements Request {
    }

    private record OtherRequest(String command) implements Request {
    }

    private final int batchSize;
    private final Duration heartbeatInterval;
    private final KalshiFrame frame = new KalshiFrame();

    private long nextId = 1;
    private boolean lifecycleRequested;
    /** Markets this socket should follow; events of any other market are dropped. */
    private final Set<String> wanted = new LinkedHashSet<>();
    private final Map<Long, Request> requests = new HashMap<>();
    private final Set<Long> heartbeats = new LinkedHashSet<>();
    private final Map<Long, Subscription> subscriptions = new LinkedHashMap<>();
    /** Each market's live book subscription; a book frame counts only when it comes from this sid. */
    private final Map<String, Subscription> bookOf = new HashMap<>();
    /** Markets whose deltas are dropped until a fresh snapshot arrives (new subscription or resync). */
    private final Set<String> awaitingSnapshot = new HashSet<>();
    private final Map<String, MarketKey> keys = new HashMap<>();
    /** The last looked-up subscription: consecutive frames nearly always share a sid. */
    private Subscription lastLookup;
    /** The highest sid confirmed so far: the venue numbers new subscriptions upwards. */
    private long highestSid;
    /**
     * Markets whose book frames came on a sid not confirmed yet (above {@link #highestSid}): dropped, so when that
     * sid's {@code subscribed} arrives their snapshot is asked for again.
     */
    private final Map<Long, Set<String>> earlyBookFrames = new HashMap<>();

    private long framesIgnored;
    private long dataSequenceGaps;

    public KalshiSession(VenueSettings settings) {
        this(settings.subscribeBatchSize(), settings.heartbeatInterval());
    }

    KalshiSession(int subscribeBatchSize, Duration heartbeatInterval) {
        if (subscribeBatchSize < 1) {
            throw new IllegalArgumentException("subscribe batch size must be >= 1");
        }
        this.batchSize = subscribeBatchSize;
        this.heartbeatInterval = heartbeatInterval;
    }

    // ---------------------------------------------------------------- outgoing

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        List<String> fresh = new ArrayList<>();
        for (String symbol : symbols) {
            if (symbol != null && !symbol.isBlank() && wanted.add(symbol)) {
                fresh.add(symbol);
            }
        }
        awaitingSnapshot.addAll(fresh);
        for (int from = 0; from < fresh.size(); from += batchSize) {
            List<String> batch = List.copyOf(fresh.subList(from, Math.min(fresh.size(), from + batchSize)));
            sendSubscribe(List.of(BOOK_CHANNEL), batch, out);
            sendSubscribe(DATA_CHANNELS, batch, out);
        }
        if (!fresh.isEmpty() && !lifecycleRequested) {
            lifecycleRequested = true;
            sendSubscribe(List.of(LIFECYCLE_CHANNEL), List.of(), out);
        }
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        Set<String> leaving = new LinkedHashSet<>();
        for (String symbol : symbols) {
            if (wanted.remove(symbol)) {
                leaving.add(symbol);
            }
        }
        if (leaving.isEmpty()) {
            return;
        }
        awaitingSnapshot.removeAll(leaving);
        keys.keySet().removeAll(leaving);
        List<Long> emptied = new ArrayList<>();
        for (Subscription sub : List.copyOf(subscriptions.values())) {
            List<String> gone = sub.tickers.stream().filter(leaving::contains).toList();
            if (gone.isEmpty()) {
                continue;
            }
            if (gone.size() == sub.tickers.size()) {
                retire(sub);
                emptied.add(sub.sid);
            } else {
                gone.forEach(t -> forget(sub, t));
                sendUpdate(sub.sid, "delete_markets", gone, out);
            }
        }
        if (!emptied.isEmpty()) {
            sendUnsubscribe(emptied, out);
        }
        // Markets still waiting for their "subscribed" are no longer wanted: onSubscribed removes them then.
    }

    @Override
    public void resync(String symbol, SessionOutput out) {
        Subscription sub = bookOf.get(symbol);
        if (sub == null) {
            if (!wanted.contains(symbol)) {
                log.warn("Kalshi resync of {} ignored: not subscribed on this socket", symbol);
            } else if (bookSubscribePending(symbol)) {
                log.debug("Kalshi resync of {}: its book subscription is still being made, a snapshot will follow", symbol);
            } else {
                // Its book subscription was lost (refused, or ended by the venue): make a new one.
                awaitingSnapshot.add(symbol);
                sendSubscribe(List.of(BOOK_CHANNEL), List.of(symbol), out);
            }
            return;
        }
        // Removing and adding the market on the same sid makes the venue send a fresh snapshot for it alone.
        awaitingSnapshot.add(symbol);
        sendUpdate(sub.sid, "delete_markets", List.of(symbol), out);
        sendUpdate(sub.sid, "add_markets", List.of(symbol), out);
    }

    @Override
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * Kalshi pings at the WebSocket frame level and the client library answers those invisibly, so nothing here
     * would otherwise prove the feed alive: a cheap {@code list_subscriptions} round trip does, and its reply is
     * swallowed.
     */
    @Override
    public void heartbeat(SessionOutput out) {
        long id = nextId++;
        heartbeats.add(id);
        if (heartbeats.size() > MAX_OUTSTANDING_HEARTBEATS) {
            Iterator<Long> oldest = heartbeats.iterator();
            oldest.next();
            oldest.remove();
        }
        out.send(KalshiCommands.listSubscriptions(id));
    }

    private void sendSubscribe(List<String> channels, List<String> tickers, SessionOutput out) {
        long id = nextId++;
        requests.put(id, new SubscribeRequest(tickers, new HashSet<>(channels)));
        out.send(KalshiCommands.subscribe(id, channels, tickers));
    }

    private void sendUpdate(long sid, String action, List<String> tickers, SessionOutput out) {
        long id = nextId++;
        requests.put(id, new UpdateRequest(sid, action, List.copyOf(tickers)));
        out.send(KalshiCommands.updateSubscription(id, sid, action, tickers));
    }

    private void sendUnsubscribe(List<Long> sids, SessionOutput out) {
        long id = nextId++;
        requests.put(id, new OtherRequest("unsubscribe"));
        out.send(KalshiCommands.unsubscribe(id, sids));
    }

    // ---------------------------------------------------------------- incoming

    @Override
    public void onText(String text, long receivedAt, SessionOutput out) {
        try {
            frame.read(text);
        } catch (JsonProcessingException e) {
            out.badFrame("Kalshi frame is not valid JSON: " + e.getOriginalMessage(), text);
            return;
        } catch (IOException | RuntimeException e) {
            out.badFrame("Kalshi frame cannot be read: " + e.getMessage(), text);
            return;
        }
        if (frame.id != ABSENT && heartbeats.remove(frame.id)) {
            return;
        }
        try {
            switch (frame.type) {
                case ORDERBOOK_DELTA -> onDelta(receivedAt, out);
                case ORDERBOOK_SNAPSHOT -> onSnapshot(receivedAt, out);
                case TRADE -> onTrade(receivedAt, out);
                case TICKER -> onTicker(receivedAt, out);
                case MARKET_LIFECYCLE_V2 -> onLifecycle(text, receivedAt, out);
                case EVENT_LIFECYCLE -> sequenced(false, out); // event-level news: counted in seq, not a market event
                case SUBSCRIBED -> onSubscribed(out);
                case OK -> onOk(out);
                case UNSUBSCRIBED -> onUnsubscribed(out);
                case ERROR -> onError(out);
                case UNKNOWN -> out.badFrame("unknown Kalshi message type '" + frame.unknownType + "'", text);
                case MISSING -> out.badFrame("Kalshi frame without a type", text);
                default -> throw new IllegalStateException("unhandled " + frame.type);
            }
        } catch (IllegalArgumentException | ArithmeticException e) { // NumberFormatException included
            out.badFrame("Kalshi " + frame.type.wire + " not understood: " + e.getMessage(), text);
        }
    }

    private void onDelta(long receivedAt, SessionOutput out) {
        String ticker = requireTicker();
        long price = either(frame.priceDollars, frame.priceCents);
        long change = either(frame.deltaFp, frame.delta);
        if (price == ABSENT || change == ABSENT) {
            throw new IllegalArgumentException("orderbook_delta without price or delta");
        }
        checkProbability(price);
        LevelUpdate update = switch (frame.side) {
            case YES -> new LevelUpdate(Side.BID, price, change);
            case NO -> new LevelUpdate(Side.ASK, Decimals.subtract(Decimals.ONE, price), change);
            default -> throw new IllegalArgumentException("orderbook_delta side is neither yes nor no");
        };
        noteEarly(ticker);
        Subscription sub = sequenced(true, out);
        if (sub == null) {
            return;
        }
        if (bookOf.get(ticker) != sub || awaitingSnapshot.contains(ticker)) {
            framesIgnored++;
            return;
        }
        out.event(new BookDelta(key(ticker), BookDelta.Mode.RELATIVE, List.of(update), seqOrZero(),
                Decimals.NONE, Decimals.NONE, frame.venueTimestamp(), receivedAt));
    }

    private void onSnapshot(long receivedAt, SessionOutput out) {
        String ticker = requireTicker();
        List<PriceLevel> bids = levels(pick(frame.yesFp, frame.yesDollars, frame.yesCents), false);
        List<PriceLevel> asks = levels(pick(frame.noFp, frame.noDollars, frame.noCents), true);
        noteEarly(ticker);
        Subscription sub = sequenced(true, out);
        if (sub == null) {
            return;
        }
        if (bookOf.get(ticker) != sub) {
            framesIgnored++;
            return;
        }
        awaitingSnapshot.remove(ticker);
        out.event(new BookSnapshot(key(ticker), bids, asks, seqOrZero(), frame.venueTimestamp(), receivedAt));
    }

    private void onTrade(long receivedAt, SessionOutput out) {
        String ticker = requireTicker();
        long price = either(frame.yesPriceDollars, frame.yesPriceCents);
        long size = either(frame.countFp, frame.count);
        if (price == ABSENT || size == ABSENT) {
            throw new IllegalArgumentException("trade without yes price or count");
        }
        Side aggressor = takerSide(frame.takerOutcomeSide);
        if (aggressor == null) {
            aggressor = takerSide(frame.takerSide);
        }
        if (sequenced(false, out) == null || !isWanted(ticker)) {
            return;
        }
        out.event(new Trade(key(ticker), frame.tradeId, price, size, aggressor, frame.venueTimestamp(), receivedAt));
    }

    private void onTicker(long receivedAt, SessionOutput out) {
        String ticker = requireTicker();
        if (sequenced(false, out) == null || !isWanted(ticker)) {
            return;
        }
        // The legacy integer fields are whole cents for prices and whole contracts for volume and open interest.
        out.event(new Ticker(key(ticker),
                either(frame.yesBidDollars, frame.yesBidCents), frame.yesBidSizeFp,
                either(frame.yesAskDollars, frame.yesAskCents), frame.yesAskSizeFp,
                either(frame.priceDollars, frame.priceCents),
                either(frame.volumeFp, frame.volume),
                either(frame.openInterestFp, frame.openInterest),
                frame.venueTimestamp(), receivedAt));
    }

    private void onLifecycle(String text, long receivedAt, SessionOutput out) {
        String ticker = requireTicker();
        if (!wanted.contains(ticker)) {
            // The channel is venue-wide: another market's event is dropped whatever its type, after taking its seq.
            if (sequenced(false, out) != null) {
                framesIgnored++;
            }
            return;
        }
        String event = frame.eventType == null ? "" : frame.eventType;
        MarketStatus status;
        String detail = event;
        long venueTime = frame.venueTimestamp();
        switch (event) {
            case "created", "activated" -> status = MarketStatus.ACTIVE;
            case "deactivated" -> status = MarketStatus.PAUSED;
            case "close_date_updated" -> status = MarketStatus.ACTIVE;
            case "determined" -> {
                status = MarketStatus.DETERMINED;
                detail = "determined: result=" + orEmpty(frame.result) + ", settlement_value=" + orEmpty(frame.settlementValue);
                venueTime = venueTime != 0 ? venueTime : secondsToMillis(frame.determinationTs);
            }
            case "settled" -> {
                status = MarketStatus.SETTLED;
                venueTime = venueTime != 0 ? venueTime : secondsToMillis(frame.settledTs);
            }
            case "price_level_structure_updated" -> {
                // A documented event about tick structure, not about trading status: nothing to publish.
                sequenced(false, out);
                return;
            }
            default -> {
                out.badFrame("unknown Kalshi market_lifecycle_v2 event_type '" + event + "'", text);
                return;
            }
        }
        if (sequenced(false, out) == null) {
            return;
        }
        out.event(new StatusUpdate(key(ticker), status, detail, venueTime, receivedAt));
    }

    private void onSubscribed(SessionOutput out) {
        Request request = frame.id == ABSENT ? null : requests.get(frame.id);
        if (!(request instanceof SubscribeRequest subscribe) || frame.msgSid == ABSENT || frame.channel == null
                || !subscribe.unconfirmedChannels().contains(frame.channel)) {
            log.warn("Kalshi confirmed a subscription this session did not ask for: id {}, channel {}, sid {}",
                    frame.id == ABSENT ? "none" : frame.id, frame.channel, frame.msgSid == ABSENT ? "none" : frame.msgSid);
            return;
        }
        subscribe.unconfirmedChannels().remove(frame.channel);
        if (subscribe.unconfirmedChannels().isEmpty()) {
            requests.remove(frame.id);
        }
        Subscription sub = subscriptions.computeIfAbsent(frame.msgSid, sid -> new Subscription(sid, frame.channel));
        highestSid = Math.max(highestSid, sub.sid);
        Set<String> early = earlyBookFrames.remove(sub.sid);
        earlyBookFrames.keySet().removeIf(sid -> sid <= highestSid);
        List<String> unwanted = new ArrayList<>();
        for (String ticker : subscribe.tickers()) {
            if (!wanted.contains(ticker)) {
                unwanted.add(ticker);
                continue;
            }
            sub.tickers.add(ticker);
            if (sub.book) {
                Subscription previous = bookOf.put(ticker, sub);
                if (previous != null && previous != sub) {
                    previous.tickers.remove(ticker);
                }
            }
        }
        if (early != null && sub.book) {
            // Its book frames outran this confirmation and were dropped: ask for those snapshots again.
            for (String ticker : early) {
                if (bookOf.get(ticker) == sub) {
                    resync(ticker, out);
                }
            }
        }
        if (unwanted.isEmpty()) {
            return;
        }
        // Unsubscribed while this subscription was being made.
        if (sub.tickers.isEmpty()) {
            retire(sub);
            sendUnsubscribe(List.of(sub.sid), out);
        } else {
            sendUpdate(sub.sid, "delete_markets", unwanted, out);
        }
    }

    /** The answer to update_subscription: it takes a seq number of its sid like any data frame. */
    private void onOk(SessionOutput out) {
        if (frame.id != ABSENT) {
            requests.remove(frame.id);
        }
        Subscription sub = live(frame.sid);
        if (sub != null && frame.seq != ABSENT) {
            advance(sub, frame.seq, out);
        }
    }

    private void onUnsubscribed(SessionOutput out) {
        if (frame.id != ABSENT) {
            requests.remove(frame.id);
        }
        Subscription sub = live(frame.sid);
        if (sub != null) {
            log.warn("Kalshi ended sid {} ({}) without being asked; subscribing its markets again", sub.sid, sub.channel);
            subscriptionLost(sub, "the venue ended sid " + sub.sid, out);
        }
    }

    private void onError(SessionOutput out) {
        out.venueError("kalshi error code " + (frame.errorCode == ABSENT ? "?" : frame.errorCode) + ": "
                + frame.errorMessage + (frame.id == ABSENT ? "" : " (request id " + frame.id + ")"));
        Request request = frame.id == ABSENT ? null : requests.get(frame.id);
        if (request instanceof SubscribeRequest subscribe) {
            subscribeRefused(frame.id, subscribe, out);
        } else if (request instanceof UpdateRequest update) {
            requests.remove(frame.id);
            if ("add_markets".equals(update.action())) {
                addRefused(update, out);
            }
        } else if (request != null) {
            requests.remove(frame.id);
        } else if (frame.sid != ABSENT && isTerminal(frame.errorCode)) {
            Subscription sub = live(frame.sid);
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
    private void subscribeRefused(long id, SubscribeRequest request, SessionOutput out) {
        String refused = frame.marketTicker;
        boolean named = refused != null && request.tickers().contains(refused);
        if (!named && !request.unconfirmedChannels().contains(BOOK_CHANNEL)) {
            return;
        }
        requests.remove(id);
        List<String> channels = Stream.concat(Stream.of(BOOK_CHANNEL), Stream.concat(DATA_CHANNELS.stream(),
                Stream.of(LIFECYCLE_CHANNEL))).filter(request.unconfirmedChannels()::contains).toList();
        List<String> retry = request.tickers().stream().filter(t -> wanted.contains(t) && !t.equals(refused)).toList();
        if (named) {
            log.warn("Kalshi refused {} for {}: subscribing the rest of its batch again", channels, refused);
            if (!retry.isEmpty()) {
                sendSubscribe(channels, retry, out);
            }
        } else if (retry.size() > 1) {
            int half = retry.size() / 2;
            sendSubscribe(channels, List.copyOf(retry.subList(0, half)), out);
            sendSubscribe(channels, List.copyOf(retry.subList(half, retry.size())), out);
        }
    }

    /**
     * The add_markets of a resync was refused, so no snapshot comes: the market gets a book subscription of its own
     * (all of the sid's markets do when the venue no longer knows the sid, code 7).
     */
    private void addRefused(UpdateRequest update, SessionOutput out) {
        Subscription sub = live(update.sid());
        if (sub != null && sub.book && frame.errorCode == 7) {
            subscriptionLost(sub, "the venue no longer knows sid " + sub.sid, out);
            return;
        }
        List<String> again = new ArrayList<>();
        for (String ticker : update.tickers()) {
            if (!wanted.contains(ticker)) {
                continue;
            }
            if (sub != null && bookOf.get(ticker) == sub) {
                forget(sub, ticker);
            }
            if (!bookOf.containsKey(ticker) && !bookSubscribePending(ticker)) {
                again.add(ticker);
            }
        }
        if (!again.isEmpty()) {
            awaitingSnapshot.addAll(again);
            sendSubscribe(List.of(BOOK_CHANNEL), again, out);
        }
    }

    private boolean bookSubscribePending(String ticker) {
        for (Request r : requests.values()) {
            if (r instanceof SubscribeRequest s && s.unconfirmedChannels().contains(BOOK_CHANNEL) && s.tickers().contains(ticker)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- sequencing

    /**
     * The live subscription of this frame's sid when the frame may be applied; null when it must not be: unknown or
     * dropped sid, wrong kind of channel, or a gap on a book sid (already handled).
     */
    private Subscription sequenced(boolean book, SessionOutput out) {
        Subscription sub = live(frame.sid);
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
        if (sub.lastSeq == ABSENT || seq == sub.lastSeq + 1) {
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
        sendUnsubscribe(List.of(sub.sid), out);
        subscriptionLost(sub, reason, out);
    }

    /** The subscription can no longer be used: dropped here, its books reported stale, its markets subscribed anew. */
    private void subscriptionLost(Subscription sub, String reason, SessionOutput out) {
        List<String> tickers = List.copyOf(sub.tickers);
        retire(sub);
        if (LIFECYCLE_CHANNEL.equals(sub.channel)) {
            sendSubscribe(List.of(LIFECYCLE_CHANNEL), List.of(), out);
            return;
        }
        if (sub.book) {
            for (String ticker : tickers) {
                out.stale(ticker, reason);
            }
            awaitingSnapshot.addAll(tickers);
        }
        for (int from = 0; from < tickers.size(); from += batchSize) {
            sendSubscribe(List.of(sub.channel), tickers.subList(from, Math.min(tickers.size(), from + batchSize)), out);
        }
    }

    private Subscription live(long sid) {
        if (sid == ABSENT) {
            return null;
        }
        Subscription cached = lastLookup;
        if (cached != null && cached.sid == sid && !cached.retired) {
            return cached;
        }
        Subscription sub = subscriptions.get(sid);
        if (sub != null) {
            lastLookup = sub;
        }
        return sub;
    }

    private void retire(Subscription sub) {
        sub.retired = true;
        subscriptions.remove(sub.sid);
        for (String ticker : List.copyOf(sub.tickers)) {
            forget(sub, ticker);
        }
    }

    private void forget(Subscription sub, String ticker) {
        sub.tickers.remove(ticker);
        if (sub.book) {
            bookOf.remove(ticker, sub);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A book frame on a sid above every confirmed one: its subscription's {@code subscribed} has not come yet. */
    private void noteEarly(String ticker) {
        long sid = frame.sid;
        if (sid != ABSENT && sid > highestSid && wanted.contains(ticker) && earlyBookFrames.size() < 64) {
            earlyBookFrames.computeIfAbsent(sid, k -> new HashSet<>()).add(ticker);
        }
    }

    private boolean isWanted(String ticker) {
        if (wanted.contains(ticker)) {
            return true;
        }
        framesIgnored++;
        return false;
    }

    private String requireTicker() {
        String ticker = frame.marketTicker;
        if (ticker == null || ticker.isBlank()) {
            throw new IllegalArgumentException("no market_ticker");
        }
        return ticker;
    }

    /** Events are only made for wanted markets, so this holds one key per market followed. */
    private MarketKey key(String ticker) {
        MarketKey key = keys.get(ticker);
        if (key == null) {
            key = new MarketKey(Venue.KALSHI, ticker);
            keys.put(ticker, key);
        }
        return key;
    }

    private long seqOrZero() {
        return frame.seq == ABSENT ? 0 : frame.seq;
    }

    /** The 2026 field when present, else its legacy counterpart (either may be absent). */
    private static long either(long current, long legacy) {
        return current != ABSENT ? current : legacy;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static long secondsToMillis(long seconds) {
        return seconds == ABSENT ? 0 : seconds * 1000;
    }

    private static Side takerSide(KalshiFrame.Outcome outcome) {
        return switch (outcome) {
            case YES -> Side.BID;
            case NO -> Side.ASK;
            default -> null;
        };
    }

    private static void checkProbability(long price) {
        if (price < 0 || price > Decimals.ONE) {
            throw new IllegalArgumentException("price " + Decimals.toString(price) + " is outside 0..1");
        }
    }

    /** The side in the newest format the frame carries; a frame in transition may carry several of the same book. */
    private static KalshiFrame.Levels pick(KalshiFrame.Levels fp, KalshiFrame.Levels dollars, KalshiFrame.Levels cents) {
        return fp.present ? fp : dollars.present ? dollars : cents.present ? cents : null;
    }

    /** YES bids as bids (best = highest first) or NO bids as asks at 1 − price (best = lowest first). */
    private static List<PriceLevel> levels(KalshiFrame.Levels side, boolean noSide) {
        if (side == null || side.count == 0) {
            return List.of();
        }
        List<PriceLevel> levels = new ArrayList<>(side.count);
        for (int i = 0; i < side.count; i++) {
            long price = side.prices[i];
            long size = side.sizes[i];
            checkProbability(price);
            if (size < 0) {
                throw new IllegalArgumentException("negative size " + Decimals.toString(size));
            }
            if (size != 0) {
                levels.add(new PriceLevel(noSide ? Decimals.subtract(Decimals.ONE, price) : price, size));
            }
        }
        levels.sort(noSide ? ASCENDING : DESCENDING);
        return levels;
    }

    /** Frames not applied because of their sid or market (dropped or unknown sid, unwanted market, awaiting snapshot). */
    public long framesIgnored() {
        return framesIgnored;
    }

    /** Sequence gaps seen on trade, ticker and lifecycle sids (logged and counted; book gaps go to stale). */
    public long dataSequenceGaps() {
        return dataSequenceGaps;
    }
}
