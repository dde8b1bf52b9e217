package io.marketmesh.node.venue.binance;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Binance spot market data on one {@code /ws} socket: per market the diff depth stream ({@code @depth@100ms}),
 * trades ({@code @trade} or {@code @aggTrade}) and the best bid/ask ({@code @bookTicker}), subscribed with
 * {@code SUBSCRIBE} messages. Each market's book is spliced onto REST snapshots by its {@link BookSync};
 * {@link SnapshotFetches} asks for those. This class reads each frame once and hands it on.
 *
 * <p>The venue pings at the WebSocket level (answered by the WebSocket client); since nothing of that reaches the
 * node, a socket silent for a heartbeat interval is asked {@code LIST_SUBSCRIPTIONS}, whose answer proves it alive.
 */
public final class BinanceSession implements VenueSession {

    private static final String QUIET = "quiet:";
    private static final String RETRY = "retry:";

    private final BinanceOptions options;
    private final Duration heartbeatInterval;
    private final LongSupplier clock;
    private final BinanceFrame frame = new BinanceFrame();
    private final SyncCounters counters = new SyncCounters();
    private final BinanceRequests requests;
    /** By the symbol as the venue writes it ({@code BTCUSDT}). */
    private final Map<String, BookSync> books = new HashMap<>();
    private final SnapshotFetches fetches;
    private final BookSync.Host host;
    private long lastFrameAt;
    private long serverShutdowns;

    public BinanceSession(VenueSettings settings) {
        this(settings, BinanceOptions.of(settings), System::currentTimeMillis);
    }

    BinanceSession(VenueSettings settings, BinanceOptions options, LongSupplier clockMillis) {
        this.options = options;
        this.heartbeatInterval = settings.heartbeatInterval();
        this.clock = clockMillis;
        this.requests = new BinanceRequests(settings.subscribeBatchSize(), options);
        this.fetches = new SnapshotFetches(settings.restUrl(), options, counters);
        this.lastFrameAt = clockMillis.getAsLong();
        this.host = new BookSync.Host() {
            @Override
            public void requestSnapshot(BookSync book, SessionOutput out) {
                fetches.request(book, out);
            }

            @Override
            public void retryLater(BookSync book, Duration delay, SessionOutput out) {
                out.schedule(RETRY + book.wireSymbol, delay);
            }

            @Override
            public void awaitQuiet(BookSync book, Duration delay, SessionOutput out) {
                out.schedule(QUIET + book.wireSymbol, delay);
            }
        };
    }

    // ---------------------------------------------------------------- outgoing

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        List<String> fresh = new ArrayList<>(symbols.size());
        for (String symbol : new LinkedHashSet<>(symbols)) {
            if (symbol == null || symbol.isBlank()) {
                continue;
            }
            String wire = wireSymbol(symbol);
            if (!books.containsKey(wire)) {
                books.put(wire, new BookSync(symbol, wire, options, counters, host));
                fresh.add(wire);
            }
        }
        requests.subscribe(fresh, out);
        // Until the venue confirms (which re-arms the timer at quiet-snapshot-after): twice that, plus the time the
        // socket's pace needs to send every request so far.
        Duration fallback = options.quietSnapshotAfter().multipliedBy(2)
                .plus(BinanceAdapter.PACING.window().multipliedBy(requests.sent()).dividedBy(BinanceAdapter.PACING.messages()));
        for (String wire : fresh) {
            books.get(wire).onSubscribeSent(fallback, out);
        }
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        List<String> gone = new ArrayList<>(symbols.size());
        for (String symbol : new LinkedHashSet<>(symbols)) {
            BookSync book = symbol == null ? null : books.remove(wireSymbol(symbol));
            if (book != null) {
                book.removed = true;
                out.cancel(QUIET + book.wireSymbol);
                out.cancel(RETRY + book.wireSymbol);
                gone.add(book.wireSymbol);
            }
        }
        requests.unsubscribe(gone, out);
    }

    @Override
    public void resync(String symbol, SessionOutput out) {
        BookSync book = symbol == null ? null : books.get(wireSymbol(symbol));
        if (book != null) {
            book.resync(out);
        }
    }

    @Override
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** Only a socket silent for a whole interval is asked: every message counts against the venue's 5 a second. */
    @Override
    public void heartbeat(SessionOutput out) {
        if (!books.isEmpty() && clock.getAsLong() - lastFrameAt >= heartbeatInterval.toMillis()) {
            requests.heartbeat(out);
        }
    }

    // ---------------------------------------------------------------- incoming

    @Override
    public void onText(String text, long receivedAt, SessionOutput out) {
        lastFrameAt = Math.max(lastFrameAt, receivedAt);
        try {
            frame.read(text);
        } catch (JsonProcessingException e) {
            out.badFrame("Binance frame is not valid JSON: " + e.getOriginalMessage(), text);
            return;
        } catch (IOException | IllegalArgumentException | ArithmeticException e) {
            out.badFrame("Binance frame not understood: " + e.getMessage(), text);
            return;
        }
        switch (frame.kind) {
            case DEPTH_UPDATE -> onDepthUpdate(text, receivedAt, out);
            case TRADE, AGG_TRADE -> onTrade(text, receivedAt, out);
            case BOOK_TICKER -> onBookTicker(text, receivedAt, out);
            case RESPONSE -> requests.onResponse(frame.id, books, out);
            case ERROR -> requests.onError(frame.id, frame.errorCode, frame.errorMessage, books, out);
            case SERVER_SHUTDOWN -> {
                // The venue is about to close the socket: reopen it now rather than lose the feed when it does.
                serverShutdowns++;
                out.reconnect("Binance announced a server shutdown (serverShutdown)");
            }
            case UNKNOWN_EVENT -> out.badFrame("unknown Binance event type '" + frame.eventType + "'", text);
            case UNRECOGNIZED -> out.badFrame("not a Binance message this session knows", text);
            default -> throw new IllegalStateException("unhandled " + frame.kind);
        }
    }

    private void onDepthUpdate(String text, long receivedAt, SessionOutput out) {
        if (frame.symbol == null || frame.firstUpdateId == BinanceFrame.ABSENT
                || frame.lastUpdateId == BinanceFrame.ABSENT) {
            out.badFrame("Binance depthUpdate without s, U or u", text);
            return;
        }
        if (!frame.bidLevels || !frame.askLevels) {
            // Taken as "no change on that side", it would spend its update ids and the change it carried be lost
            // unseen: the original, resent, would be ignored as already applied.
            out.badFrame("Binance depthUpdate without b or a levels", text);
            return;
        }
        if (frame.firstUpdateId > frame.lastUpdateId) {
            out.badFrame("Binance depthUpdate with U " + frame.firstUpdateId + " after u " + frame.lastUpdateId, text);
            return;
        }
        BookSync book = books.get(frame.symbol);
        if (book == null) {
            counters.framesForUnknownMarkets++;
            return;
        }
        book.onDiff(new DepthDiff(frame.firstUpdateId, frame.lastUpdateId, orZero(frame.eventTime), receivedAt,
                List.copyOf(frame.levels)), out);
    }

    /** {@code m}: the buyer is the maker, so the taker sold (ASK); otherwise the taker bought (BID). */
    private void onTrade(String text, long receivedAt, SessionOutput out) {
        if (frame.symbol == null || frame.price == BinanceFrame.ABSENT || frame.size == null) {
            out.badFrame("Binance " + frame.eventType + " without s, p or q", text);
            return;
        }
        BookSync book = books.get(frame.symbol);
        if (book == null) {
            counters.framesForUnknownMarkets++;
            return;
        }
        long id = frame.kind == BinanceFrame.Kind.AGG_TRADE ? frame.aggregateId : frame.tradeId;
        Side aggressor = frame.buyerIsMaker == null ? null : frame.buyerIsMaker ? Side.ASK : Side.BID;
        long time = frame.tradeTime != BinanceFrame.ABSENT ? frame.tradeTime : orZero(frame.eventTime);
        out.event(new Trade(book.market, id == BinanceFrame.ABSENT ? null : Long.toString(id), frame.price, frame.size,
                aggressor, time, receivedAt));
    }

    private void onBookTicker(String text, long receivedAt, SessionOutput out) {
        BookSync book = books.get(frame.symbol);
        if (book == null) {
            counters.framesForUnknownMarkets++;
            return;
        }
        out.event(new Ticker(book.market, best(frame.bidPrice, frame.bidSize), sizeOf(frame.bidPrice, frame.bidSize),
                best(frame.askPrice, frame.askSize), sizeOf(frame.askPrice, frame.askSize), Decimals.NONE, null, null,
                orZero(frame.eventTime), receivedAt));
    }

    /** An empty side comes as price 0 and size 0: no best price. */
    private static long best(long price, BigDecimal size) {
        return price == BinanceFrame.ABSENT || (price == 0 && (size == null || size.signum() == 0)) ? Decimals.NONE : price;
    }

    private static BigDecimal sizeOf(long price, BigDecimal size) {
        return best(price, size) == Decimals.NONE ? null : size;
    }

    @Override
    public void onFetched(String tag, FetchResponse response, SessionOutput out) {
        fetches.onFetched(tag, response, clock.getAsLong(), out);
    }

    @Override
    public void onTimer(String tag, SessionOutput out) {
        if (tag.startsWith(QUIET)) {
            BookSync book = books.get(tag.substring(QUIET.length()));
            if (book != null) {
                book.onQuiet(out);
            }
        } else if (tag.startsWith(RETRY)) {
            BookSync book = books.get(tag.substring(RETRY.length()));
            if (book != null) {
                book.onRetryTimer(out);
            }
        }
    }

    private static long orZero(long value) {
        return value == BinanceFrame.ABSENT ? 0 : value;
    }

    /** Binance writes symbols upper case in events and REST, lower case in stream names. */
    static String wireSymbol(String symbol) {
        return symbol.trim().toUpperCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- what it checked

    /** Sequence checks and their failures, snapshots asked, spliced and refused: see {@link SyncCounters}. */
    public SyncCounters counters() {
        return counters;
    }

    /** {@code serverShutdown} notices received on this socket. */
    public long serverShutdowns() {
        return serverShutdowns;
    }

    /** Where one market's sync stands (for tests and diagnostics); null when this socket does not carry it. */
    BookSync book(String symbol) {
        return books.get(wireSymbol(symbol));
    }
}
