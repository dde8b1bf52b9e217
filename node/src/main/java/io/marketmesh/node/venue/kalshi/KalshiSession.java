package io.marketmesh.node.venue.kalshi;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The Kalshi WS v2 protocol on one socket. {@link KalshiSubscriptions} keeps what the socket has subscribed and
 * decides which data frames may be applied, {@link KalshiEvents} turns those into protocol events (the book
 * normalized to the YES side), and {@link KalshiRequests} numbers the commands sent and remembers the unanswered
 * ones. This class reads each frame once and hands it to the one that deals with its type.
 */
public final class KalshiSession implements VenueSession {

    private final Duration heartbeatInterval;
    private final KalshiFrame frame = new KalshiFrame();
    private final KalshiRequests requests = new KalshiRequests();
    private final KalshiSubscriptions subscriptions;
    private final KalshiEvents events;

    public KalshiSession(VenueSettings settings) {
        this(settings.subscribeBatchSize(), settings.heartbeatInterval());
    }

    KalshiSession(int subscribeBatchSize, Duration heartbeatInterval) {
        this.subscriptions = new KalshiSubscriptions(subscribeBatchSize, requests);
        this.events = new KalshiEvents(subscriptions);
        this.heartbeatInterval = heartbeatInterval;
    }

    // ---------------------------------------------------------------- outgoing

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        subscriptions.subscribe(symbols, out);
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        events.forget(subscriptions.unsubscribe(symbols, out));
    }

    @Override
    public void resync(String symbol, SessionOutput out) {
        subscriptions.resync(symbol, out);
    }

    @Override
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    @Override
    public void heartbeat(SessionOutput out) {
        requests.heartbeat(out);
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
        if (requests.heartbeatAnswered(frame.id)) {
            return;
        }
        if ((frame.type == KalshiFrame.Type.ORDERBOOK_DELTA || frame.type == KalshiFrame.Type.ORDERBOOK_SNAPSHOT)
                && frame.seq == KalshiFrame.ABSENT) {
            // Every book frame spends its sid's seq: one without cannot be checked, and applied unchecked, its original
            // (resent, or the next frame) would apply the same signed change twice.
            out.badFrame("Kalshi " + frame.type.wire + " without seq", text);
            return;
        }
        try {
            switch (frame.type) {
                case ORDERBOOK_DELTA -> events.onDelta(frame, receivedAt, out);
                case ORDERBOOK_SNAPSHOT -> events.onSnapshot(frame, receivedAt, out);
                case TRADE -> events.onTrade(frame, receivedAt, out);
                case TICKER -> events.onTicker(frame, receivedAt, out);
                case MARKET_LIFECYCLE_V2 -> events.onLifecycle(frame, text, receivedAt, out);
                case EVENT_LIFECYCLE -> subscriptions.takeSeq(frame, out); // event-level news: counted in seq, not a market event
                case SUBSCRIBED -> subscriptions.onSubscribed(frame, out);
                case OK -> subscriptions.onOk(frame, out);
                case UNSUBSCRIBED -> subscriptions.onUnsubscribed(frame, out);
                case ERROR -> subscriptions.onError(frame, out);
                case UNKNOWN -> out.badFrame("unknown Kalshi message type '" + frame.unknownType + "'", text);
                case MISSING -> out.badFrame("Kalshi frame without a type", text);
                default -> throw new IllegalStateException("unhandled " + frame.type);
            }
        } catch (IllegalArgumentException | ArithmeticException e) { // NumberFormatException included
            out.badFrame("Kalshi " + frame.type.wire + " not understood: " + e.getMessage(), text);
        }
    }

    /** Frames not applied because of their sid or market (dropped or unknown sid, unwanted market, awaiting snapshot). */
    public long framesIgnored() {
        return subscriptions.framesIgnored();
    }

    /** Sequence gaps seen on trade, ticker and lifecycle sids (logged and counted; book gaps go to stale). */
    public long dataSequenceGaps() {
        return subscriptions.dataSequenceGaps();
    }
}
