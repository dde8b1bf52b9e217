package io.marketmesh.node.venue.bybit;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Bybit v5 public protocol on one socket of one category (spot or linear: each has its own socket, told at
 * construction). Per market it follows {@code orderbook.{depth}}, {@code publicTrade} and {@code tickers}.
 *
 * <p>Book sync, as the v5 docs describe it: a subscription starts with a {@code snapshot}; each {@code delta} carries
 * absolute sizes ("0" deletes) and an update id {@code u} that is the previous one plus 1 on this socket and topic.
 * Any {@code snapshot} replaces the book whenever it comes (Bybit re-sends one when it has a problem; {@code u = 1}
 * after a service restart; level 1 re-sends its snapshot every 3 s with the same {@code u}), and restarts the chain at
 * its {@code u}. A delta that breaks the chain makes the book stale and the book topic is resubscribed, which brings a
 * fresh snapshot; deltas before it are dropped. {@code seq} (the cross sequence) rises but not by one, and is not
 * checked. There is no checksum. Each book is a window of the top {@code depth} levels ({@link
 * BookSnapshot#depthLimit}).
 *
 * <p>Not thread-safe: owned by the one actor of its socket, like every {@link VenueSession}.
 */
public final class BybitSession implements VenueSession {

    /** The keep-alive the v5 docs ask for every 20 s; answered by a pong that only proves liveness. */
    static final String PING = "{\"op\":\"ping\"}";

    private final BybitCategory category;
    private final int depth;
    private final Duration heartbeatInterval;
    private final BybitFrame frame = new BybitFrame();
    private final BybitMarkets markets = new BybitMarkets();
    private final BybitSubscriptions subscriptions;

    private long sequenceChecks;
    private long sequenceFailures;
    private long snapshots;
    private long framesIgnored;

    BybitSession(VenueSettings settings, BybitCategory category) {
        this(category, BybitSettings.of(settings).depth(), settings.subscribeBatchSize(), settings.heartbeatInterval());
    }

    BybitSession(BybitCategory category, int depth, int subscribeBatchSize, Duration heartbeatInterval) {
        this.category = category;
        this.depth = depth;
        this.heartbeatInterval = heartbeatInterval;
        this.subscriptions = new BybitSubscriptions(category, depth, subscribeBatchSize, markets);
    }

    // ---------------------------------------------------------------- outgoing

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        subscriptions.subscribe(symbols, out);
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        subscriptions.unsubscribe(symbols, out);
    }

    @Override
    public void resync(String symbol, SessionOutput out) {
        BybitMarket market = category.owns(symbol) ? markets.get(category.venueSymbol(symbol)) : null;
        if (market != null && market.subscribed) {
            subscriptions.resubscribeBook(market, out);
        }
    }

    @Override
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    @Override
    public void heartbeat(SessionOutput out) {
        out.send(PING);
    }

    // ---------------------------------------------------------------- incoming

    @Override
    public void onText(String text, long receivedAt, SessionOutput out) {
        try {
            frame.read(text);
        } catch (IOException e) {
            out.badFrame("Bybit frame is not valid JSON: " + e.getMessage(), text);
            return;
        } catch (RuntimeException e) { // NumberFormatException included
            out.badFrame("Bybit frame cannot be read: " + e.getMessage(), text);
            return;
        }
        if (frame.op != BybitFrame.Op.NONE) {
            onControl(text, out);
            return;
        }
        switch (frame.kind) {
            case ORDERBOOK -> onBook(text, receivedAt, out);
            case PUBLIC_TRADE -> onTrades(text, receivedAt, out);
            case TICKERS -> onTicker(text, receivedAt, out);
            case OTHER -> out.badFrame("Bybit topic not followed by this node: " + frame.topic(), text);
            case NONE -> {
                // An answer without its op: a success says nothing more, a refusal is the venue's error.
                if (frame.success == 0) {
                    out.venueError("bybit error: " + frame.retMsg);
                } else if (frame.success != 1) {
                    out.badFrame("Bybit frame with neither topic nor op", text);
                }
            }
        }
    }

    private void onControl(String text, SessionOutput out) {
        switch (frame.op) {
            case PING, PONG -> {
                // The answer to our ping (spot and linear: "op":"ping" with "ret_msg":"pong"): liveness only.
            }
            case SUBSCRIBE, UNSUBSCRIBE -> subscriptions.onAnswer(frame, out);
            default -> out.badFrame("Bybit frame with an unknown op", text);
        }
    }

    /** The market this data frame is about, or null when it is not carried here (counted as ignored). */
    private BybitMarket market() {
        BybitMarket market = markets.find(frame.text(), frame.symbolStart, frame.topicEnd);
        if (market == null || !market.subscribed) {
            framesIgnored++;
            return null;
        }
        return market;
    }

    private void onBook(String text, long receivedAt, SessionOutput out) {
        if (frame.depth != depth) {
            framesIgnored++; // another depth's topic: never subscribed by this session
            return;
        }
        BybitMarket market = market();
        if (market == null) {
            return;
        }
        if (frame.updateId < 0) {
            out.badFrame("Bybit orderbook frame without an update id u", text);
            return;
        }
        switch (frame.type) {
            case SNAPSHOT -> onSnapshot(market, text, receivedAt, out);
            case DELTA -> onDelta(market, receivedAt, out);
            default -> out.badFrame("Bybit orderbook frame that is neither snapshot nor delta", text);
        }
    }

    private void onSnapshot(BybitMarket market, String text, long receivedAt, SessionOutput out) {
        if (!frame.hasBids || !frame.hasAsks) {
            out.badFrame("Bybit orderbook snapshot without both sides", text);
            return;
        }
        List<PriceLevel> bids = new ArrayList<>(depth);
        List<PriceLevel> asks = new ArrayList<>(depth);
        for (LevelUpdate level : frame.levels) {
            (level.side() == Side.BID ? bids : asks).add(new PriceLevel(level.price(), level.size(), level.wideSize()));
        }
        market.awaitingSnapshot = false;
        market.lastUpdateId = frame.updateId;
        snapshots++;
        out.event(new BookSnapshot(market.key, bids, asks, frame.updateId, frame.ts, receivedAt, depth, null));
    }

    private void onDelta(BybitMarket market, long receivedAt, SessionOutput out) {
        if (market.awaitingSnapshot) {
            framesIgnored++;
            return;
        }
        sequenceChecks++;
        long expected = market.lastUpdateId + 1;
        boolean inOrder = frame.updateId == expected;
        out.sequenceChecked(inOrder);
        if (!inOrder) {
            sequenceFailures++;
            subscriptions.resubscribeBook(market, out);
            out.stale(market.marketSymbol, "update id gap on " + market.bookTopic + ": expected u=" + expected
                    + " got u=" + frame.updateId + "; resubscribed for a fresh snapshot");
            return;
        }
        market.lastUpdateId = frame.updateId;
        if (frame.levels.isEmpty()) {
            return; // an empty delta only moves the chain on
        }
        out.event(new BookDelta(market.key, BookDelta.Mode.ABSOLUTE, frame.levels, frame.updateId, frame.ts,
                receivedAt));
    }

    private void onTrades(String text, long receivedAt, SessionOutput out) {
        BybitMarket market = market();
        if (market == null) {
            return;
        }
        for (int i = 0; i < frame.tradeCount; i++) {
            if (frame.tradePrice[i] == Decimals.NONE || frame.tradeSize[i] == null) {
                out.badFrame("Bybit trade without price p or size v", text);
                return;
            }
        }
        if (frame.oddSide != null) {
            out.badFrame("Bybit trade with taker side S '" + frame.oddSide + "' (neither Buy nor Sell)", text);
            return;
        }
        for (int i = 0; i < frame.tradeCount; i++) {
            out.event(new Trade(market.key, frame.tradeId[i], frame.tradePrice[i], frame.tradeSize[i],
                    frame.tradeSide[i], frame.tradeTime[i], receivedAt));
        }
    }

    /** Spot tickers are snapshots; linear ones a snapshot, then deltas of the fields that changed, merged here. */
    private void onTicker(String text, long receivedAt, SessionOutput out) {
        BybitMarket market = market();
        if (market == null) {
            return;
        }
        if (frame.type == BybitFrame.Type.SNAPSHOT) {
            market.clearTicker();
        } else if (frame.type != BybitFrame.Type.DELTA) {
            out.badFrame("Bybit ticker that is neither snapshot nor delta", text);
            return;
        }
        int fields = frame.tickerFields;
        if ((fields & BybitFrame.LAST) != 0) {
            market.lastPrice = frame.lastPrice;
        }
        if ((fields & BybitFrame.BID) != 0) {
            market.bid = frame.bid;
        }
        if ((fields & BybitFrame.BID_SIZE) != 0) {
            market.bidSize = frame.bidSize;
        }
        if ((fields & BybitFrame.ASK) != 0) {
            market.ask = frame.ask;
        }
        if ((fields & BybitFrame.ASK_SIZE) != 0) {
            market.askSize = frame.askSize;
        }
        if ((fields & BybitFrame.VOLUME) != 0) {
            market.volume = frame.volume;
        }
        if ((fields & BybitFrame.OPEN_INTEREST) != 0) {
            market.openInterest = frame.openInterest;
        }
        out.event(new Ticker(market.key, market.bid, market.bidSize, market.ask, market.askSize, market.lastPrice,
                market.volume, market.openInterest, frame.ts, receivedAt));
    }

    // ---------------------------------------------------------------- counters

    /** What this session has checked so far (see {@link BybitChecks}). */
    public BybitChecks checks() {
        return new BybitChecks(sequenceChecks, sequenceFailures, snapshots, framesIgnored);
    }

    BybitCategory category() {
        return category;
    }
}
