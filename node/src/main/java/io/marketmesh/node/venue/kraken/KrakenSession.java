package io.marketmesh.node.venue.kraken;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kraken spot WebSocket v2 protocol on one socket ({@code wss://ws.kraken.com/v2}). Per followed pair it
 * subscribes {@code book} (at the configured depth, snapshot first), {@code trade} and {@code ticker}; once per socket
 * {@code instrument}, for the pairs' precisions the book checksum is written with. {@link KrakenReader} reads each
 * frame once, {@link KrakenBooks} turns book frames into events carrying the venue's checksum, and this class handles
 * the rest: trades, tickers, the venue's system status (maintenance), request answers, keep-alive.
 */
public final class KrakenSession implements VenueSession {

    private static final Logger log = LoggerFactory.getLogger(KrakenSession.class);

    private final Duration heartbeatInterval;
    private final int batchSize;
    private final KrakenRequests requests = new KrakenRequests();
    private final KrakenCounters.Running counters = new KrakenCounters.Running();
    private final KrakenBooks books;
    private final KrakenReader reader;
    private final KrakenMessage message = new KrakenMessage();
    private boolean instrumentsAsked;
    /** The venue's last {@code system} status on this connection ({@code online}, {@code maintenance}, ...); null before. */
    private String system;

    public KrakenSession(VenueSettings settings) {
        this(KrakenSettings.of(settings).bookDepth(), settings.subscribeBatchSize(), settings.heartbeatInterval());
    }

    KrakenSession(int bookDepth, int subscribeBatchSize, Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
        this.batchSize = subscribeBatchSize;
        this.books = new KrakenBooks(bookDepth, subscribeBatchSize, requests, counters);
        this.reader = new KrakenReader(books.table());
    }

    // ---------------------------------------------------------------- outgoing

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        if (!instrumentsAsked) {
            // First, so that on the venue's in-order answers the precisions come before the first book.
            requests.subscribeInstruments(out);
            instrumentsAsked = true;
        }
        List<String> added = new ArrayList<>(symbols.size());
        for (String symbol : symbols) {
            if (books.add(symbol)) {
                added.add(symbol);
            }
        }
        for (int from = 0; from < added.size(); from += batchSize) {
            List<String> batch = added.subList(from, Math.min(added.size(), from + batchSize));
            books.subscribe(batch, out);
            requests.subscribeTrades(batch, out);
            requests.subscribeTicker(batch, out);
        }
        if (system != null) {
            for (String symbol : added) {
                out.event(status(books.book(symbol).market, system, 0, System.currentTimeMillis()));
            }
        }
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        List<String> removed = new ArrayList<>(symbols.size());
        for (String symbol : symbols) {
            if (books.remove(symbol)) {
                removed.add(symbol);
            }
        }
        books.unsubscribe(removed, out);
        for (int from = 0; from < removed.size(); from += batchSize) {
            List<String> batch = removed.subList(from, Math.min(removed.size(), from + batchSize));
            requests.unsubscribe("trade", batch, out);
            requests.unsubscribe("ticker", batch, out);
        }
    }

    @Override
    public void resync(String symbol, SessionOutput out) {
        books.resyncRequested(symbol, out);
    }

    @Override
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** Kraken's application ping; the venue also sends {@code heartbeat} frames about once a second on its own. */
    @Override
    public void heartbeat(SessionOutput out) {
        requests.ping(out);
    }

    // ---------------------------------------------------------------- incoming

    @Override
    public void onText(String frame, long receivedAt, SessionOutput out) {
        KrakenMessage m = message;
        String broken = reader.read(frame, m);
        if (broken != null) {
            out.badFrame("Kraken frame not understood: " + broken, frame);
            if (m.channel == KrakenMessage.Channel.BOOK) {
                unreadableBookFrame(m, broken, out);
            }
            return;
        }
        if (m.method != null) {
            onAnswer(m, frame, out);
            return;
        }
        switch (m.channel) {
            case BOOK -> books.onBook(m, frame, receivedAt, out);
            case TRADE -> onTrades(m, frame, receivedAt, out);
            case TICKER -> onTickers(m, frame, receivedAt, out);
            case STATUS -> onStatus(m, receivedAt, out);
            case INSTRUMENT -> books.precisions(m.precisions);
            case HEARTBEAT -> {
                // liveness only: any frame keeps the socket from being judged silent
            }
            case UNKNOWN -> out.badFrame("unknown Kraken channel '" + m.unknownChannel + "'", frame);
            case NONE -> {
                if (m.v1Event != null) {
                    out.badFrame("Kraken WebSocket v1 message (event '" + m.v1Event + "'); this socket speaks v2", frame);
                } else if (m.error != null) {
                    out.venueError("Kraken: " + m.error);
                } else {
                    out.badFrame("Kraken frame with neither channel nor method", frame);
                }
            }
        }
    }

    /** What this session counted so far (see {@link KrakenCounters}). */
    public KrakenCounters counters() {
        return counters.snapshot();
    }

    /**
     * A book frame that broke off: whatever change it carried is missed, so the books it named that this socket
     * carries are refetched, and every book on the socket when it broke before naming one (the checksum covers only
     * the top 10 levels, so a missed change deeper down would go unnoticed).
     */
    private void unreadableBookFrame(KrakenMessage m, String reason, SessionOutput out) {
        List<KrakenBooks.Book> named = new ArrayList<>();
        boolean anyNamed = false;
        for (int i = 0; i < m.itemCount; i++) {
            String symbol = m.item(i).symbol;
            anyNamed |= symbol != null;
            KrakenBooks.Book book = symbol == null ? null : books.book(symbol);
            if (book != null && !named.contains(book)) {
                named.add(book);
            }
        }
        if (!anyNamed) {
            books.resyncAll("unreadable book frame (" + reason + ")", out);
        } else if (!named.isEmpty()) {
            books.resync(named, "unreadable book frame (" + reason + ")", out);
        }
    }

    private void onAnswer(KrakenMessage m, String frame, SessionOutput out) {
        switch (m.method) {
            case "pong" -> {
                // the answer to our ping: liveness only
            }
            case "subscribe", "unsubscribe" -> {
                if (Boolean.FALSE.equals(m.success)) {
                    String request = requests.describe(m.reqId);
                    String what = request != null ? request
                            : m.method + " " + (m.resultChannel == null ? "" : m.resultChannel + " ")
                                    + (m.resultSymbol == null ? "" : m.resultSymbol);
                    String message = "Kraken refused '" + what.trim() + "'"
                            + (m.resultSymbol != null && request != null ? " for " + m.resultSymbol : "")
                            + ": " + m.error;
                    if ("subscribe".equals(m.method)) {
                        out.venueError(message);
                    } else {
                        // Unsubscribing what is not subscribed (a resync after a refused subscription): harmless.
                        log.info("{}", message);
                    }
                }
            }
            default -> out.badFrame("unexpected Kraken answer to method '" + m.method + "'", frame);
        }
    }

    private void onTrades(KrakenMessage m, String frame, long receivedAt, SessionOutput out) {
        for (int i = 0; i < m.itemCount; i++) {
            KrakenMessage.Item item = m.item(i);
            KrakenBooks.Book book = item.symbol == null ? null : books.book(item.symbol);
            if (book == null) {
                notFollowed(item, "trade", frame, out);
            } else if (item.bad != null || item.price == KrakenMessage.ABSENT || item.qty == null) {
                out.badFrame("Kraken trade for " + item.symbol + " not understood: "
                        + (item.bad != null ? item.bad : "no price or qty"), frame);
            } else {
                if (item.sideText != null) {
                    out.badFrame("Kraken trade side '" + item.sideText + "' is neither buy nor sell", frame);
                }
                // side is the taker's: "buy" = the taker bought (Kraken v2 trade channel docs)
                out.event(new Trade(book.market, item.tradeId, item.price, item.qty, item.side, item.timestamp,
                        receivedAt));
            }
        }
    }

    private void onTickers(KrakenMessage m, String frame, long receivedAt, SessionOutput out) {
        for (int i = 0; i < m.itemCount; i++) {
            KrakenMessage.Item item = m.item(i);
            KrakenBooks.Book book = item.symbol == null ? null : books.book(item.symbol);
            if (book == null) {
                notFollowed(item, "ticker", frame, out);
            } else if (item.bad != null) {
                out.badFrame("Kraken ticker for " + item.symbol + " not understood: " + item.bad, frame);
            } else {
                // volume is the 24-hour volume in the base asset, as the venue reports it
                out.event(new Ticker(book.market, item.bid, item.bidQty, item.ask, item.askQty, item.last, item.volume,
                        null, item.timestamp, receivedAt));
            }
        }
    }

    private void notFollowed(KrakenMessage.Item item, String what, String frame, SessionOutput out) {
        if (item.symbol == null) {
            out.badFrame("Kraken " + what + " without a symbol", frame);
        } else {
            counters.framesNotFollowed++;
        }
    }

    /**
     * The venue's system status, sent when the socket opens and on every change: {@code online}, {@code maintenance}
     * (nothing trades, no book moves), {@code cancel_only}, {@code post_only}. Told to every market on the socket;
     * coming out of maintenance every book is refetched, as a book kept across it cannot be vouched for.
     */
    private void onStatus(KrakenMessage m, long receivedAt, SessionOutput out) {
        String now = null;
        for (int i = 0; i < m.itemCount; i++) {
            if (m.item(i).system != null) {
                now = m.item(i).system;
            }
        }
        if (now == null || now.equals(system)) {
            return;
        }
        String before = system;
        system = now;
        if ("online".equals(now)) {
            log.info("Kraken system status: online{}", before == null ? "" : " (was " + before + ")");
        } else {
            log.warn("Kraken system status: {}{}", now, before == null ? "" : " (was " + before + ")");
        }
        for (String symbol : books.symbols()) {
            out.event(status(books.book(symbol).market, now, 0, receivedAt));
        }
        if ("maintenance".equals(before)) {
            books.resyncAll("Kraken back from maintenance (" + now + ")", out);
        }
    }

    private static StatusUpdate status(MarketKey market, String system, long venueTimestamp, long receivedAt) {
        MarketStatus status = switch (system) {
            case "online", "post_only", "limit_only", "reduce_only" -> MarketStatus.ACTIVE;
            case "maintenance", "cancel_only" -> MarketStatus.PAUSED;
            default -> MarketStatus.UNKNOWN;
        };
        return new StatusUpdate(market, status, "kraken system: " + system, venueTimestamp, receivedAt);
    }
}
