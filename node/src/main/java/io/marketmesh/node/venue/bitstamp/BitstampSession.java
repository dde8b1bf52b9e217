package io.marketmesh.node.venue.bitstamp;

import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Trade;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Bitstamp WebSocket v2 protocol on one socket. Each followed pair has two channels, subscribed one per frame as
 * the venue requires: {@code diff_order_book_{pair}} (the book, kept by its {@link BookSync}) and
 * {@code live_trades_{pair}} (trades). Bitstamp's socket has no ticker channel: tickers come from its REST API every
 * {@code ticker-interval} ({@link BitstampTickers}). The client keeps the socket alive with {@code bts:heartbeat};
 * {@code bts:request_reconnect} makes the connection open a fresh socket.
 */
public final class BitstampSession implements VenueSession {

    static final String TICKERS = "tickers";
    static final String HEARTBEAT = "{\"event\":\"bts:heartbeat\"}";
    private static final Pattern CHANNEL = Pattern.compile("\"channel\"\\s*:\\s*\"([^\"]*)\"");

    private final BitstampSettings settings;
    private final Duration heartbeatInterval;
    private final String restBase;
    private final BitstampFrame frame = new BitstampFrame();
    private final BitstampCounters.Running counters = new BitstampCounters.Running();
    /** By pair, in subscription order. */
    private final Map<String, BookSync> books = new LinkedHashMap<>();
    private final Map<String, BookSync> byDiffChannel = new HashMap<>();
    private final Map<String, BookSync> byTradeChannel = new HashMap<>();
    private boolean tickersPolled;
    private int rounds;

    public BitstampSession(VenueSettings settings) {
        this(BitstampSettings.of(settings), settings.heartbeatInterval(), settings.restUrl());
    }

    BitstampSession(BitstampSettings settings, Duration heartbeatInterval, String restUrl) {
        this.settings = settings;
        this.heartbeatInterval = heartbeatInterval;
        this.restBase = BitstampAdapter.restBase(restUrl);
    }

    // ---------------------------------------------------------------- outgoing

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        for (String pair : symbols) {
            if (books.containsKey(pair)) {
                continue;
            }
            BookSync book = new BookSync(pair, restBase, settings, counters, () -> ++rounds);
            books.put(pair, book);
            byDiffChannel.put(book.diffChannel, book);
            byTradeChannel.put(book.tradeChannel, book);
            out.send(subscription("bts:subscribe", book.diffChannel));
            out.send(subscription("bts:subscribe", book.tradeChannel));
            book.start("waiting for the REST order book snapshot", out);
        }
        if (!tickersPolled && settings.pollsTickers() && !books.isEmpty()) {
            tickersPolled = true;
            out.schedule(TICKERS, settings.snapshotDelay());
        }
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
        for (String pair : symbols) {
            BookSync book = books.remove(pair);
            if (book != null) {
                byDiffChannel.remove(book.diffChannel);
                byTradeChannel.remove(book.tradeChannel);
                book.stop(out);
                out.send(subscription("bts:unsubscribe", book.diffChannel));
                out.send(subscription("bts:unsubscribe", book.tradeChannel));
            }
        }
    }

    /** One channel per frame: Bitstamp takes no lists (and closes a socket sent a frame of 512 bytes or more). */
    static String subscription(String event, String channel) {
        return "{\"event\":\"" + event + "\",\"data\":{\"channel\":\"" + channel + "\"}}";
    }

    @Override
    public void resync(String symbol, SessionOutput out) {
        BookSync book = books.get(symbol);
        if (book != null) {
            book.resync(out);
        }
    }

    @Override
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    @Override
    public void heartbeat(SessionOutput out) {
        out.send(HEARTBEAT);
    }

    // ---------------------------------------------------------------- incoming

    @Override
    public void onText(String text, long receivedAt, SessionOutput out) {
        try {
            frame.read(text);
        } catch (IOException | RuntimeException e) {
            out.badFrame("Bitstamp frame is not valid JSON: " + e.getMessage(), text);
            unreadable(text, out);
            return;
        }
        switch (frame.event) {
            case DATA -> onData(text, receivedAt, out);
            case TRADE -> onTrade(text, receivedAt, out);
            case SUBSCRIBED, UNSUBSCRIBED, HEARTBEAT -> {
                // acks and the heartbeat's answer: proof of life only
            }
            case REQUEST_RECONNECT -> out.reconnect("Bitstamp sent bts:request_reconnect");
            case ERROR -> out.venueError("Bitstamp error" + (frame.errorCode == null ? "" : " " + frame.errorCode) + ": "
                    + frame.errorMessage + (frame.channel == null ? "" : " (channel " + frame.channel + ")"));
            case UNKNOWN -> out.badFrame("unknown Bitstamp event '" + frame.unknownEvent + "'", text);
            case MISSING -> out.badFrame("Bitstamp frame without an event", text);
        }
    }

    private void onData(String text, long receivedAt, SessionOutput out) {
        BookSync book = frame.channel == null ? null : byDiffChannel.get(frame.channel);
        if (book == null) {
            ignoreOrReject(text, out);
            return;
        }
        String problem = frame.valueError != null ? frame.valueError
                : frame.microtimestamp == BitstampFrame.ABSENT ? "no microtimestamp"
                : !frame.bids && !frame.asks ? "neither bids nor asks" : null;
        if (problem != null) {
            out.badFrame("Bitstamp diff of " + book.pair + " not understood: " + problem, text);
            book.unreadableDiff(problem, out);
            return;
        }
        book.onDiff(frame.microtimestamp, frame.levels, receivedAt, out);
    }

    private void onTrade(String text, long receivedAt, SessionOutput out) {
        BookSync book = frame.channel == null ? null : byTradeChannel.get(frame.channel);
        if (book == null) {
            ignoreOrReject(text, out);
            return;
        }
        if (frame.valueError != null || frame.price == io.marketmesh.protocol.Decimals.NONE || frame.amount == null) {
            out.badFrame("Bitstamp trade of " + book.pair + " not understood: "
                    + (frame.valueError != null ? frame.valueError : "no price or amount"), text);
            return;
        }
        // type is the side of the order that took liquidity: 0 = a buy order traded against resting sells.
        Side taker = frame.tradeType == 0 ? Side.BID : frame.tradeType == 1 ? Side.ASK : null;
        long venueTime = frame.microtimestamp == BitstampFrame.ABSENT ? 0 : frame.microtimestamp / 1000;
        out.event(new Trade(book.market, frame.tradeId, frame.price, frame.amount, taker, venueTime, receivedAt));
    }

    /** A frame for a channel this socket does not follow: a late one of an unsubscribed pair, or a bad frame. */
    private void ignoreOrReject(String text, SessionOutput out) {
        String channel = frame.channel;
        if (channel != null && (channel.startsWith("diff_order_book_") || channel.startsWith("live_trades_"))) {
            counters.framesIgnored++;
        } else {
            out.badFrame("Bitstamp " + frame.event.wire + " on a channel not subscribed here: " + channel, text);
        }
    }

    /**
     * A frame that is not JSON may have been any book's diff. If its text still names a followed diff channel that
     * book has missed a change; if nothing names one, every book on the socket may have.
     */
    private void unreadable(String text, SessionOutput out) {
        Matcher channel = CHANNEL.matcher(text);
        if (channel.find()) {
            BookSync book = byDiffChannel.get(channel.group(1));
            if (book != null) {
                book.unreadableDiff("a frame of its channel is not valid JSON", out);
            }
            return;
        }
        books.values().forEach(book -> book.suspect(out));
    }

    @Override
    public void onTimer(String tag, SessionOutput out) {
        if (TICKERS.equals(tag)) {
            out.fetch(TICKERS, FetchRequest.get(restBase + "/api/v2/ticker/", BookSync.REST_TIMEOUT));
            return;
        }
        int bar = tag.indexOf('|');
        BookSync book = bar < 0 ? null : books.get(tag.substring(bar + 1));
        if (book == null) {
            return;
        }
        if (tag.startsWith("fetch|")) {
            book.onFetchTimer(out);
        } else if (tag.startsWith("recheck|")) {
            book.onRecheckTimer(out);
        }
    }

    @Override
    public void onFetched(String tag, FetchResponse response, SessionOutput out) {
        if (TICKERS.equals(tag)) {
            onTickers(response, out);
            return;
        }
        // book|{pair}|{generation}
        int first = tag.indexOf('|');
        int last = tag.lastIndexOf('|');
        if (!tag.startsWith("book|") || first == last) {
            return;
        }
        BookSync book = books.get(tag.substring(first + 1, last));
        if (book != null) {
            book.onSnapshot(Integer.parseInt(tag.substring(last + 1)), response, System.currentTimeMillis(), out);
        }
    }

    private void onTickers(FetchResponse response, SessionOutput out) {
        out.schedule(TICKERS, settings.tickerInterval());
        if (!response.ok()) {
            out.venueError("REST tickers failed: " + (response.status() == 0 ? response.error() : "HTTP " + response.status()));
            return;
        }
        List<BitstampTickers.Row> rows;
        try {
            rows = BitstampTickers.parse(response.body());
        } catch (IOException e) {
            out.badFrame("Bitstamp REST tickers not understood: " + e.getMessage(), response.body());
            return;
        }
        long now = System.currentTimeMillis();
        for (BitstampTickers.Row row : rows) {
            BookSync book = books.get(row.symbol());
            if (book == null) {
                continue;
            }
            try {
                out.event(row.toTicker(book.market, now));
            } catch (RuntimeException e) {
                out.badFrame("Bitstamp ticker of " + row.symbol() + " not understood: " + e.getMessage(), row.toString());
            }
        }
    }

    /** What this session checked and did so far. */
    public BitstampCounters counters() {
        return counters.read();
    }

    /** Where one followed book stands (tests, status). */
    BookSync.Mode mode(String pair) {
        BookSync book = books.get(pair);
        return book == null ? null : book.mode();
    }
}
