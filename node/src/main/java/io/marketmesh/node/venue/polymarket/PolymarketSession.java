package io.marketmesh.node.venue.polymarket;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Polymarket market-channel socket ({@code /ws/market}): subscription frames, the text {@code PING}
 * heartbeat, and frames turned into protocol events for the tokens subscribed here (others are ignored).
 *
 * <p>Book integrity: the venue has no sequence numbers, so a token's book is trusted only from a full
 * {@code book} onwards. After subscribe, {@link #resync}, a {@code tick_size_change} or a rejected
 * book/price_change, {@code price_change} for that token is dropped until its next {@code book}: applying
 * it to a book the venue has already replaced would build a wrong one.
 *
 * <p>Empty sides in {@code price_change}'s {@code best_bid}/{@code best_ask} (passed on as the delta's
 * expectation, where 0 means "side empty"): a bid of {@code "0"} or {@code ""} is an empty bid side; an ask
 * of {@code "0"}, {@code ""} or {@code "1"} is an empty ask side (no order can rest at 1 on a 0..1 outcome
 * token, so the venue's "1" can only mean "no asks"); an absent field is no claim ({@link Decimals#NONE}).
 * A {@code best_bid_ask} ticker is passed on literally, with an empty string read as not sent.
 *
 * <p>Not thread-safe: owned by the one actor of its socket, like every {@link VenueSession}.
 */
public final class PolymarketSession implements VenueSession, WireReader.Sink {

    private static final Logger log = LoggerFactory.getLogger(PolymarketSession.class);

    private static final Comparator<PriceLevel> ASCENDING = Comparator.comparingLong(PriceLevel::price);
    private static final Comparator<PriceLevel> DESCENDING = ASCENDING.reversed();

    private final VenueSettings settings;
    private final AssetIndex assets = new AssetIndex();
    private final WireReader reader = new WireReader(assets);
    /** The {@code "type":"market"} frame may be sent once per socket; every later change is an operation. */
    private boolean initialSent;
    private long droppedAwaitingBook;

    // The frame being handled: set by onText for the Sink callbacks, so no closure is made per frame.
    private SessionOutput out;
    private String frame;
    private long receivedAt;

    public PolymarketSession(VenueSettings settings) {
        this.settings = settings;
    }

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        List<String> fresh = new ArrayList<>(symbols.size());
        for (String id : new LinkedHashSet<>(symbols)) {
            if (id == null || id.isBlank()) {
                continue;
            }
            Asset a = assets.getOrCreate(id);
            if (!a.subscribed) {
                a.subscribed = true;
                a.awaitingBook = true;
                fresh.add(id);
            }
        }
        int batch = settings.subscribeBatchSize();
        for (int from = 0; from < fresh.size(); from += batch) {
            List<String> ids = fresh.subList(from, Math.min(fresh.size(), from + batch));
            if (initialSent) {
                out.send(SubscriptionFrames.subscribe(ids));
            } else {
                out.send(SubscriptionFrames.initial(ids));
                initialSent = true;
            }
        }
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        List<String> gone = new ArrayList<>(symbols.size());
        for (String id : new LinkedHashSet<>(symbols)) {
            Asset a = id == null ? null : assets.find(id);
            if (a != null && a.subscribed) {
                a.subscribed = false;
                a.awaitingBook = false;
                gone.add(id);
            }
        }
        int batch = settings.subscribeBatchSize();
        for (int from = 0; from < gone.size(); from += batch) {
            out.send(SubscriptionFrames.unsubscribe(gone.subList(from, Math.min(gone.size(), from + batch))));
        }
    }

    /** Unsubscribes and subscribes the token again, which makes the venue send a fresh {@code book}. */
    @Override
    public void resync(String symbol, SessionOutput out) {
        Asset a = symbol == null ? null : assets.find(symbol);
        if (a == null || !a.subscribed) {
            log.warn("polymarket resync of {} ignored: not subscribed on this socket", symbol);
            return;
        }
        resubscribe(a, out);
    }

    @Override
    public Duration heartbeatInterval() {
        return settings.heartbeatInterval();
    }

    /**
     * Sends the text {@code PING} (the venue answers {@code PONG}). Not before the first subscription: the venue
     * closes a socket whose first message is not a subscription (1008 "invalid subscription payload").
     */
    @Override
    public void heartbeat(SessionOutput out) {
        if (initialSent) {
            out.send("PING");
        }
    }

    @Override
    public void onText(String frame, long receivedAt, SessionOutput out) {
        if (isKeepAlive(frame)) {
            return;
        }
        if (frame.strip().equalsIgnoreCase("INVALID OPERATION")) {
            // The venue's only error reply: plain text, to a control frame it did not accept.
            out.venueError("polymarket rejected a subscription frame: INVALID OPERATION");
            return;
        }
        this.out = out;
        this.frame = frame;
        this.receivedAt = receivedAt;
        try {
            reader.read(frame, this);
        } finally {
            this.out = null;
            this.frame = null;
        }
    }

    /** price_change frames dropped because their token was waiting for a full book (for metrics and tests). */
    public long droppedAwaitingBook() {
        return droppedAwaitingBook;
    }

    // ---- WireReader.Sink -------------------------------------------------------------------------------

    @Override
    public void message(WireMessage m) {
        if (m.error != null) {
            reject(m, m.error, false);
            return;
        }
        EventType type = m.type;
        if (type == null) {
            if (!m.bids.present && !m.asks.present) {
                // e.g. a user-channel trade: not something the market channel sends.
                out.badFrame("object without event_type and without bids/asks: not a market-channel message", frame);
                return;
            }
            type = EventType.BOOK; // initial snapshots (and REST GET /book) come without event_type
        }
        switch (type) {
            case BOOK -> book(m);
            case PRICE_CHANGE -> priceChange(m);
            case LAST_TRADE_PRICE -> lastTradePrice(m);
            case TICK_SIZE_CHANGE -> tickSizeChange(m);
            case BEST_BID_ASK -> bestBidAsk(m);
            case MARKET_RESOLVED -> status(m, MarketStatus.SETTLED,
                    m.winningOutcome.length() == 0 ? "resolved" : "resolved: winning outcome " + m.winningOutcome);
            case NEW_MARKET -> status(m, MarketStatus.ACTIVE, "new market");
            case UNKNOWN -> out.badFrame("unknown event_type " + m.unknownType, frame);
        }
    }

    @Override
    public void malformed(String reason, WireMessage partial) {
        if (partial != null) {
            reject(partial, reason, true);
        } else {
            out.badFrame(reason, frame);
        }
    }

    // ---- events ----------------------------------------------------------------------------------------

    private void book(WireMessage m) {
        Asset a = m.asset;
        if (a == null) {
            out.badFrame("book without asset_id", frame);
            return;
        }
        if (!a.subscribed) {
            return;
        }
        if (!m.bids.present || !m.asks.present) {
            // The venue writes both sides, empty or not: a book missing one (a name garbled on the way) is not a book
            // with an empty side, and serving it so would show a one-sided market as fresh.
            reject(m, "book without " + (m.bids.present ? "asks" : "bids"), false);
            return;
        }
        List<PriceLevel> bids = bestFirst(m.bids, DESCENDING);
        List<PriceLevel> asks = bestFirst(m.asks, ASCENDING);
        a.awaitingBook = false;
        out.event(new BookSnapshot(a.key, bids, asks, 0, m.timestamp, receivedAt));
    }

    /**
     * The venue sends levels worst to best, but the order is not relied on: sorted best first, a price sent
     * twice keeps its later size (as an update would), zero sizes dropped.
     */
    private static List<PriceLevel> bestFirst(WireMessage.Levels levels, Comparator<PriceLevel> order) {
        List<PriceLevel> sorted = new ArrayList<>(levels.count);
        for (int i = 0; i < levels.count; i++) {
            sorted.add(new PriceLevel(levels.prices[i], levels.sizes[i]));
        }
        sorted.sort(order); // stable: of equal prices the later one stays last
        List<PriceLevel> result = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            PriceLevel level = sorted.get(i);
            boolean supersededByNext = i + 1 < sorted.size() && sorted.get(i + 1).price() == level.price();
            if (!supersededByNext && level.size() != 0) {
                result.add(level);
            }
        }
        return result;
    }

    private void priceChange(WireMessage m) {
        if (m.hasPriceChanges) {
            priceChanges(m);
            return;
        }
        Asset a = m.asset;
        if (a == null) {
            out.badFrame("price_change without price_changes or asset_id", frame);
            return;
        }
        if (!a.subscribed) {
            return;
        }
        List<LevelUpdate> updates;
        if (m.hasLegacyChanges) {
            WireMessage.Items items = m.items;
            updates = new ArrayList<>(items.count);
            for (int i = 0; i < items.count; i++) {
                updates.add(new LevelUpdate(items.sides[i], items.prices[i], items.sizes[i]));
            }
        } else if (m.price != Decimals.NONE && m.size != Decimals.NONE && m.side != null) {
            updates = List.of(new LevelUpdate(m.side, m.price, m.size));
        } else {
            out.badFrame("legacy price_change without price, side or size", frame);
            return;
        }
        if (a.awaitingBook) {
            droppedAwaitingBook++;
            return;
        }
        if (!updates.isEmpty()) {
            out.event(new BookDelta(a.key, BookDelta.Mode.ABSOLUTE, updates, 0, m.timestamp, receivedAt));
        }
    }

    /** Current format: one delta per token, its items in wire order, the expectation from its last item. */
    private void priceChanges(WireMessage m) {
        WireMessage.Items items = m.items;
        int n = items.count;
        for (int i = 0; i < n; i++) {
            Asset a = items.assets[i];
            if (!a.subscribed || seenBefore(items, i)) {
                continue;
            }
            if (a.awaitingBook) {
                droppedAwaitingBook++;
                continue;
            }
            int count = 0;
            int last = i;
            for (int j = i; j < n; j++) {
                if (items.assets[j] == a) {
                    count++;
                    last = j;
                }
            }
            LevelUpdate[] updates = new LevelUpdate[count];
            for (int j = i, k = 0; k < count; j++) {
                if (items.assets[j] == a) {
                    updates[k++] = new LevelUpdate(items.sides[j], items.prices[j], items.sizes[j]);
                }
            }
            // List.of: immutable already, so the record's List.copyOf keeps it instead of copying again.
            out.event(new BookDelta(a.key, BookDelta.Mode.ABSOLUTE, List.of(updates), 0, m.timestamp, receivedAt,
                    topOfBook(expectedBid(items.bestBids[last]), expectedAsk(items.bestAsks[last]))));
        }
    }

    private static boolean seenBefore(WireMessage.Items items, int i) {
        Asset a = items.assets[i];
        for (int k = 0; k < i; k++) {
            if (items.assets[k] == a) {
                return true;
            }
        }
        return false;
    }

    /** What the venue says the top of book is after the change, or null when it says nothing. */
    private static BookClaim topOfBook(long bestBid, long bestAsk) {
        return bestBid == Decimals.NONE && bestAsk == Decimals.NONE ? null : new BookClaim.TopOfBook(bestBid, bestAsk);
    }

    private static long expectedBid(long wire) {
        return wire == WireMessage.EMPTY ? 0 : wire;
    }

    private static long expectedAsk(long wire) {
        return wire == WireMessage.EMPTY || wire == Decimals.ONE ? 0 : wire;
    }

    private void lastTradePrice(WireMessage m) {
        Asset a = m.asset;
        if (a == null || m.price == Decimals.NONE || m.size == Decimals.NONE) {
            out.badFrame("last_trade_price without asset_id, price or size", frame);
            return;
        }
        if (a.subscribed) {
            String tradeId = m.hash.length() == 0 ? null : m.hash.toString();
            out.event(new Trade(a.key, tradeId, m.price, m.size, m.side, m.timestamp, receivedAt));
        }
    }

    private void tickSizeChange(WireMessage m) {
        Asset a = m.asset;
        if (a == null) {
            out.badFrame("tick_size_change without asset_id", frame);
            return;
        }
        if (a.subscribed) {
            out.event(new BookReset(a.key, "tick size change " + m.oldTickSize + "→" + m.newTickSize,
                    m.timestamp, receivedAt));
            resubscribe(a, out);
        }
    }

    private void bestBidAsk(WireMessage m) {
        Asset a = m.asset;
        if (a == null) {
            out.badFrame("best_bid_ask without asset_id", frame);
            return;
        }
        if (a.subscribed) {
            out.event(new Ticker(a.key, literal(m.bestBid), Decimals.NONE, literal(m.bestAsk), Decimals.NONE,
                    Decimals.NONE, null, null, m.timestamp, receivedAt));
        }
    }

    private static long literal(long wire) {
        return wire == WireMessage.EMPTY ? Decimals.NONE : wire;
    }

    private void status(WireMessage m, MarketStatus status, String detail) {
        if (m.tokenSource == 0 && m.asset != null) {
            m.addToken(m.asset); // a single-token variant
        }
        for (int i = 0; i < m.tokenCount; i++) {
            Asset a = m.tokens[i];
            if (a.subscribed) {
                out.event(new StatusUpdate(a.key, status, detail, m.timestamp, receivedAt));
            }
        }
    }

    // ---- healing ---------------------------------------------------------------------------------------

    /**
     * A book or price_change that could not be read leaves its tokens' books wrong: report the frame, and
     * resync every token of this socket it named. {@code partial} = the JSON broke off mid-object, so the
     * event type may never have been read.
     */
    private void reject(WireMessage m, String reason, boolean partial) {
        out.badFrame(reason, frame);
        boolean concernsBook = m.type == EventType.BOOK || m.type == EventType.PRICE_CHANGE
                || (m.type == null && (partial || m.bids.present || m.asks.present));
        if (!concernsBook) {
            return;
        }
        heal(m.asset, reason);
        for (int i = 0; i < m.items.count; i++) {
            heal(m.items.assets[i], reason);
        }
    }

    private void heal(Asset a, String reason) {
        if (a == null || !a.subscribed || a.awaitingBook) {
            return; // nothing to heal, or a fresh book is already on its way
        }
        resubscribe(a, out);
        out.stale(a.id, "unreadable update: " + reason);
    }

    private void resubscribe(Asset a, SessionOutput out) {
        a.awaitingBook = true;
        List<String> one = List.of(a.id);
        out.send(SubscriptionFrames.unsubscribe(one));
        out.send(SubscriptionFrames.subscribe(one));
    }

    /** {@code PONG} answers our {@code PING}; either is liveness only. Checked without allocating. */
    private static boolean isKeepAlive(String frame) {
        int start = 0;
        int end = frame.length();
        while (start < end && frame.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && frame.charAt(end - 1) <= ' ') {
            end--;
        }
        return end - start == 4
                && (frame.regionMatches(true, start, "PONG", 0, 4) || frame.regionMatches(true, start, "PING", 0, 4));
    }
}
