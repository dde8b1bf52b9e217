package io.marketmesh.node.stream;

import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.util.Locale;

/**
 * One channel a client can subscribe to: {@code <kind>:<venue>:<symbol>}, {@code <kind>:<venue>:*} (every followed
 * market of the venue, markets followed later included) or {@code all} (every channel of every market).
 *
 * @param name   the channel as the client wrote it, echoed in every message it gets for it
 * @param kind   what it carries
 * @param venue  null for {@code all}
 * @param symbol null for a wildcard and for {@code all}
 */
record StreamChannel(String name, Kind kind, Venue venue, String symbol) {

    /** What a channel carries; {@code ALL} is every kind. */
    enum Kind {
        BOOK("book", Channel.BOOK), TRADES("trades", Channel.TRADES), TICKER("ticker", Channel.TICKERS),
        STATUS("status", Channel.STATUS), CONTINUITY("continuity", Channel.CONTINUITY), ALL("all", null);

        final String id;
        /** The record channel it carries. */
        final Channel records;

        Kind(String id, Channel records) {
            this.id = id;
            this.records = records;
        }

        static Kind of(String id) {
            for (Kind kind : values()) {
                if (kind != ALL && kind.id.equals(id)) {
                    return kind;
                }
            }
            return null;
        }

        /**
         * Whether a subscription of this kind is sent records of that channel. A book subscription also gets its
         * market's continuity records: they say when the book it holds stops (and starts again) being trustworthy.
         */
        boolean carries(Channel channel) {
            return this == ALL || records == channel || (this == BOOK && channel == Channel.CONTINUITY);
        }
    }

    /** Thrown for a channel that cannot be parsed; the message is for the client. */
    static final class BadChannel extends Exception {
        BadChannel(String message) {
            super(message, null, false, false);
        }
    }

    boolean wildcard() {
        return symbol == null;
    }

    MarketKey market() {
        return MarketKey.of(venue, symbol);
    }

    /** Whether it concerns that market (a wildcard: every market of its venue; {@code all}: every market). */
    boolean covers(MarketKey market) {
        return kind == Kind.ALL || (venue == market.venue() && (symbol == null || symbol.equals(market.symbol())));
    }

    static StreamChannel parse(String name) throws BadChannel {
        if (name == null || name.isEmpty()) {
            throw new BadChannel("a channel must be a non-empty string");
        }
        if (name.equals("all")) {
            return new StreamChannel(name, Kind.ALL, null, null);
        }
        int first = name.indexOf(':');
        int second = first < 0 ? -1 : name.indexOf(':', first + 1);
        if (second < 0 || second == name.length() - 1) {
            throw new BadChannel("channel '" + name + "' is not <kind>:<venue>:<symbol>, <kind>:<venue>:* or all");
        }
        Kind kind = Kind.of(name.substring(0, first));
        if (kind == null) {
            throw new BadChannel("channel '" + name + "': unknown kind '" + name.substring(0, first)
                    + "' (book, trades, ticker, status, continuity)");
        }
        Venue venue;
        try {
            venue = Venue.fromId(name.substring(first + 1, second).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadChannel("channel '" + name + "': unknown venue '" + name.substring(first + 1, second) + "'");
        }
        String symbol = name.substring(second + 1);
        return new StreamChannel(name, kind, venue, symbol.equals("*") ? null : symbol);
    }
}
