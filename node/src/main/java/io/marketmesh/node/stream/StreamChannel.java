package io.marketmesh.node.stream;

import io.marketmesh.node.security.ClientText;
import io.marketmesh.node.instrument.InstrumentIds;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.util.Locale;

/**
 * One channel a client can subscribe to: {@code <kind>:<venue>:<symbol>}, {@code <kind>:<venue>:*} (every followed
 * market of the venue, markets followed later included), {@code all} (every channel of every market),
 * {@code summary:<instrument>} (an instrument's summaries) or {@code arbitrage} (every arbitrage step).
 *
 * @param name       the channel as the client wrote it, echoed in every message it gets for it
 * @param kind       what it carries
 * @param venue      null for {@code all} and the instrument channels
 * @param symbol     null for a wildcard, {@code all} and the instrument channels
 * @param instrument the instrument of a {@code summary:} channel, else null
 */
record StreamChannel(String name, Kind kind, Venue venue, String symbol, String instrument) {

    /** What a channel carries; {@code ALL} is every kind. */
    enum Kind {
        BOOK("book", Channel.BOOK), TRADES("trades", Channel.TRADES), TICKER("ticker", Channel.TICKERS),
        STATUS("status", Channel.STATUS), CONTINUITY("continuity", Channel.CONTINUITY), ALL("all", null),
        SUMMARY("summary", Channel.SUMMARIES), ARBITRAGE("arbitrage", Channel.ARBITRAGE);

        final String id;
        /** The record channel it carries. */
        final Channel records;

        Kind(String id, Channel records) {
            this.id = id;
            this.records = records;
        }

        static Kind of(String id) {
            for (Kind kind : values()) {
                if (kind != ALL && kind != SUMMARY && kind != ARBITRAGE && kind.id.equals(id)) {
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
        return symbol == null && !forInstruments();
    }

    /** A {@code summary:} or {@code arbitrage} channel: fed by instrument actors, not by markets. */
    boolean forInstruments() {
        return kind == Kind.SUMMARY || kind == Kind.ARBITRAGE;
    }

    MarketKey market() {
        return MarketKey.of(venue, symbol);
    }

    /** Whether it concerns that market (a wildcard: every market of its venue; {@code all}: every market). */
    boolean covers(MarketKey market) {
        return kind == Kind.ALL || (venue != null && venue == market.venue() && (symbol == null || symbol.equals(market.symbol())));
    }

    /** Longest channel name: kind, venue and the longest symbol, with room. */
    static final int MAX_NAME_LENGTH = 200;

    static StreamChannel parse(String name) throws BadChannel {
        if (name == null || name.isEmpty()) {
            throw new BadChannel("a channel must be a non-empty string");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new BadChannel("a channel has at most " + MAX_NAME_LENGTH + " characters, got '"
                    + ClientText.quote(name) + "'");
        }
        if (name.equals("all")) {
            return new StreamChannel(name, Kind.ALL, null, null, null);
        }
        if (name.equals("arbitrage")) {
            return new StreamChannel(name, Kind.ARBITRAGE, null, null, null);
        }
        if (name.startsWith("summary:")) {
            String instrument = name.substring("summary:".length());
            if (InstrumentIds.problem(instrument) != null) {
                throw new BadChannel("channel '" + ClientText.quote(name) + "' is not summary:<instrument>");
            }
            return new StreamChannel(name, Kind.SUMMARY, null, null, instrument);
        }
        int first = name.indexOf(':');
        int second = first < 0 ? -1 : name.indexOf(':', first + 1);
        if (second < 0 || second == name.length() - 1) {
            throw new BadChannel("channel '" + ClientText.quote(name) + "' is not <kind>:<venue>:<symbol>, "
                    + "<kind>:<venue>:*, all, "
                    + "summary:<instrument> or arbitrage");
        }
        Kind kind = Kind.of(name.substring(0, first));
        if (kind == null) {
            throw new BadChannel("channel '" + ClientText.quote(name) + "': unknown kind (book, trades, ticker, status,"
                    + " continuity)");
        }
        Venue venue;
        try {
            venue = Venue.fromId(name.substring(first + 1, second).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadChannel("channel '" + ClientText.quote(name) + "': unknown venue");
        }
        String symbol = name.substring(second + 1);
        if (!symbol.equals("*") && !ClientText.isSymbol(symbol)) {
            throw new BadChannel("channel '" + ClientText.quote(name) + "': a symbol is 1 to "
                    + ClientText.MAX_SYMBOL_LENGTH + " characters of A-Z a-z 0-9 . _ : / @ + -");
        }
        return new StreamChannel(name, kind, venue, symbol.equals("*") ? null : symbol, null);
    }
}
