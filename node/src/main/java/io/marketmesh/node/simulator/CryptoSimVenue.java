package io.marketmesh.node.simulator;

import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * What every simulated crypto venue shares: its instruments (the first {@code crypto-markets} of
 * {@link CryptoPair#ALL}, plus whatever derivatives the venue adds), one {@link CryptoBook} true book each, and the
 * random walk that moves them. A venue subclass names its instruments ({@link #symbolOf}), keeps its subscriptions
 * and sequence numbers, writes its own wire format ({@link #onBookChange}, snapshots, REST answers) and implements
 * the faults it has.
 *
 * <p>How to add a venue: subclass this in this package, give it a {@code create(SimulatorSettings)} factory, and add
 * one line to {@link CryptoSimulators#ALL} naming its WebSocket path(s). Its REST API is served under
 * {@code http://host:port/<venue id>/...}: {@link #onRest} gets the path after the venue id and the query.
 */
abstract class CryptoSimVenue extends SimVenue {

    /** One listed instrument: its native symbol, its neutral pair and its kind ({@code spot} or the venue's word). */
    protected record Instrument(String symbol, CryptoPair pair, String kind, CryptoBook book) {
    }

    protected final Venue venue;
    /** By native symbol, in listing order. */
    protected final Map<String, Instrument> instruments = new LinkedHashMap<>();
    private final List<Instrument> listed = new ArrayList<>();
    /** Instruments delisted by a test: halted in (or gone from) the REST listing, their books no longer move. */
    private final Set<String> delisted = new HashSet<>();
    /** The instruments whose books still move, in listing order. */
    private final List<Instrument> moving = new ArrayList<>();
    private boolean shifting;

    protected CryptoSimVenue(ActorContext<Command> context, TimerScheduler<Command> timers, Venue venue,
                             SimulatorSettings settings) {
        super(context, timers, settings.updatesPerSecond(), settings.seed() ^ venue.ordinal());
        this.venue = venue;
        for (CryptoPair pair : CryptoPair.ALL.subList(0, Math.min(settings.cryptoMarkets(), CryptoPair.ALL.size()))) {
            list(symbolOf(pair, "spot"), pair, "spot");
        }
    }

    /**
     * The venue's native symbol of a pair of that kind ({@code BTCUSDT}, {@code BTC-USDT-SWAP}, ...). Called from this
     * constructor, before the subclass's fields are set: it must depend on its arguments only.
     */
    protected abstract String symbolOf(CryptoPair pair, String kind);

    /**
     * Lists one more instrument (a derivative, say) with a book of its own; call from the constructor. Its symbol must
     * be unique on the venue.
     */
    protected final Instrument list(String symbol, CryptoPair pair, String kind) {
        Instrument instrument = new Instrument(symbol, pair, kind, CryptoBook.seeded(pair, random));
        if (instruments.putIfAbsent(symbol, instrument) != null) {
            throw new IllegalArgumentException(venue.id() + " lists " + symbol + " twice");
        }
        listed.add(instrument);
        moving.add(instrument);
        return instrument;
    }

    /**
     * One level of one instrument's true book has just changed (already applied to {@code instrument.book()}): send it
     * to every socket that follows the instrument, in the venue's format, with its sequence numbers or checksum.
     */
    protected abstract void onBookChange(Instrument instrument, CryptoBook.LevelChange change);

    /**
     * A REST request under the venue's prefix: {@code path} is what follows {@code /<venue id>} (e.g.
     * {@code /api/v3/depth}), {@code query} its parameters. Runs on this actor, so a snapshot is consistent with the
     * frames sent. Default: 404.
     */
    protected RestReply onRest(String path, Map<String, String> query) {
        return RestReply.notFound("no such endpoint on the simulated " + venue.id() + ": " + path);
    }

    /** How many levels a side the node is expected to hold for this instrument: all, unless the venue windows books. */
    protected int servedDepth(Instrument instrument) {
        return Integer.MAX_VALUE;
    }

    @Override
    protected final void publishChange() {
        if (moving.isEmpty()) {
            return;
        }
        Instrument instrument = moving.get(random.nextInt(moving.size()));
        onBookChange(instrument, instrument.book().move(random));
    }

    /**
     * Moves every level of the book by {@code ticks} ticks, one level change at a time through
     * {@link #onBookChange}, so subscribers get the venue's ordinary book frames (sequence numbers, checksums) and
     * every intermediate book is uncrossed. Paused or not: a shift is an explicit change.
     */
    @Override
    protected final Optional<Long> shiftBook(String symbol, long ticks) {
        Instrument instrument = instruments.get(symbol);
        if (instrument == null) {
            return Optional.empty();
        }
        CryptoBook book = instrument.book();
        long applied = book.clampShift(ticks);
        shifting = true;
        try {
            for (CryptoBook.LevelChange change : book.shiftChanges(applied)) {
                book.apply(change);
                onBookChange(instrument, change);
            }
        } finally {
            shifting = false;
        }
        getContext().getLog().info("simulated {}: book {} shifted {} tick(s) (asked {}): best bid {}, best ask {}",
                venue.id(), symbol, applied, ticks, book.bestBid().toPlainString(), book.bestAsk().toPlainString());
        return Optional.of(applied);
    }

    /** Marks the instrument delisted: its REST listing says so from now on ({@link #isDelisted}); its book stops. */
    @Override
    protected final boolean delist(String symbol) {
        Instrument instrument = instruments.get(symbol);
        if (instrument == null) {
            return false;
        }
        if (delisted.add(symbol)) {
            moving.remove(instrument);
            getContext().getLog().info("simulated {}: {} delisted", venue.id(), symbol);
        }
        return true;
    }

    /**
     * Whether the change being published is part of a {@link #shiftBook}: a venue that folds a random extra change
     * into an event (Binance's 100 ms diffs) must not then, so the book moves exactly as asked.
     */
    protected final boolean shifting() {
        return shifting;
    }

    /** Whether a test delisted the instrument: a REST listing then shows it halted, or leaves it out. */
    protected final boolean isDelisted(String symbol) {
        return delisted.contains(symbol);
    }

    @Override
    protected final Optional<BookSnapshot> trueBook(String symbol) {
        Instrument instrument = instruments.get(symbol);
        return instrument == null ? Optional.empty()
                : Optional.of(instrument.book().toSnapshot(MarketKey.of(venue, symbol), servedDepth(instrument)));
    }

    @Override
    protected final RestReply rest(String path, Map<String, String> query) {
        return onRest(path, query);
    }

    /** Every instrument's native symbol, in listing order. */
    @Override
    protected final List<String> marketSymbols() {
        return listed.stream().map(Instrument::symbol).toList();
    }

    protected List<Instrument> listed() {
        return List.copyOf(listed);
    }
}
