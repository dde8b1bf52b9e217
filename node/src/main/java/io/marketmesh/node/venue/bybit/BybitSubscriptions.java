package io.marketmesh.node.venue.bybit;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.marketmesh.node.venue.SessionOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The topics one Bybit socket has asked for, and the requests that asked. Each market is three topics
 * ({@code orderbook.{depth}.S}, {@code publicTrade.S}, {@code tickers.S}), sent in subscribe requests of at most
 * {@code subscribe-batch-size} args (spot takes 10 at most); every request carries a {@code req_id} so that a refusal
 * names the topics it refused. The venue refuses a socket whose args add up to more than 21,000 characters: markets
 * beyond that are not sent and reported.
 */
final class BybitSubscriptions {

    /** "For one public connection, you cannot have length of args array over 21,000 characters" (v5 Connect). */
    static final int MAX_ARGS_CHARS = 21_000;
    /** Unanswered requests remembered; a venue that never answers cannot grow this past it. */
    private static final int MAX_PENDING = 1024;

    private final BybitCategory category;
    private final int depth;
    private final int argsPerRequest;
    private final BybitMarkets markets;
    private final Map<String, List<String>> pending = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
            return size() > MAX_PENDING;
        }
    };
    private long nextRequest = 1;
    private int argsChars;

    BybitSubscriptions(BybitCategory category, int depth, int subscribeBatchSize, BybitMarkets markets) {
        this.category = category;
        this.depth = depth;
        this.argsPerRequest = Math.max(1, Math.min(subscribeBatchSize, category.maxArgsPerRequest));
        this.markets = markets;
    }

    /** Subscribes the three topics of each market of this socket's category not yet subscribed here. */
    void subscribe(List<String> symbols, SessionOutput out) {
        List<String> args = new ArrayList<>();
        for (String symbol : new LinkedHashSet<>(symbols)) {
            if (!category.owns(symbol)) {
                out.venueError("bybit: " + symbol + " is not a " + category.wire + " market; it needs the "
                        + BybitCategory.ofMarket(symbol).wire + " socket");
                continue;
            }
            String venueSymbol = category.venueSymbol(symbol);
            BybitMarket market = markets.get(venueSymbol);
            if (market == null) {
                market = new BybitMarket(category, venueSymbol, depth);
                markets.add(market);
            }
            if (market.subscribed) {
                continue;
            }
            if (argsChars + market.argsLength() > MAX_ARGS_CHARS) {
                out.venueError("bybit: " + symbol + " not subscribed: this " + category.wire + " socket's topics would"
                        + " exceed the venue's 21,000 characters of args per connection (lower markets-per-socket)");
                continue;
            }
            argsChars += market.argsLength();
            market.subscribed = true;
            market.awaitingSnapshot = true;
            market.lastUpdateId = -1;
            market.clearTicker();
            args.add(market.bookTopic);
            args.add(market.tradeTopic);
            args.add(market.tickerTopic);
        }
        send("subscribe", args, out);
    }

    /** Stops every topic of these markets; frames still in flight for them are ignored. */
    void unsubscribe(List<String> symbols, SessionOutput out) {
        List<String> args = new ArrayList<>();
        for (String symbol : new LinkedHashSet<>(symbols)) {
            BybitMarket market = category.owns(symbol) ? markets.get(category.venueSymbol(symbol)) : null;
            if (market == null || !market.subscribed) {
                continue;
            }
            market.subscribed = false;
            market.awaitingSnapshot = true;
            argsChars -= market.argsLength();
            args.add(market.bookTopic);
            args.add(market.tradeTopic);
            args.add(market.tickerTopic);
        }
        send("unsubscribe", args, out);
    }

    /**
     * Asks for a fresh book snapshot the way Bybit gives one: the book topic is unsubscribed and subscribed again, and
     * a new subscription starts with a snapshot. Deltas are dropped until it comes.
     */
    void resubscribeBook(BybitMarket market, SessionOutput out) {
        market.awaitingSnapshot = true;
        send("unsubscribe", List.of(market.bookTopic), out);
        send("subscribe", List.of(market.bookTopic), out);
    }

    /**
     * The answer to a subscribe or unsubscribe request. A refusal is reported with the topics of the request it
     * answers (when the venue echoes our {@code req_id}); its books stay stale and their MarketActors keep asking.
     */
    void onAnswer(BybitFrame frame, SessionOutput out) {
        List<String> args = frame.reqId == null ? null : pending.remove(frame.reqId);
        if (frame.success == 0) {
            String op = frame.op == BybitFrame.Op.UNSUBSCRIBE ? "unsubscribe" : "subscribe";
            out.venueError("bybit " + op + " refused: " + (frame.retMsg == null ? "(no ret_msg)" : frame.retMsg)
                    + (args == null ? "" : " (request " + frame.reqId + ": " + args + ")"));
        }
    }

    /** Requests sent and not yet answered. */
    int pendingRequests() {
        return pending.size();
    }

    private void send(String op, List<String> args, SessionOutput out) {
        for (int from = 0; from < args.size(); from += argsPerRequest) {
            List<String> chunk = List.copyOf(args.subList(from, Math.min(args.size(), from + argsPerRequest)));
            String reqId = String.valueOf(nextRequest++);
            pending.put(reqId, chunk);
            StringBuilder sb = new StringBuilder(32 + chunk.size() * 32);
            sb.append("{\"req_id\":\"").append(reqId).append("\",\"op\":\"").append(op).append("\",\"args\":[");
            for (int i = 0; i < chunk.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append('"');
                JsonStringEncoder.getInstance().quoteAsString(chunk.get(i), sb);
                sb.append('"');
            }
            out.send(sb.append("]}").toString());
        }
    }
}
