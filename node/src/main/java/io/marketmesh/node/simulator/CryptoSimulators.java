package io.marketmesh.node.simulator;

import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;

/** The one registration point of simulated crypto venues: adding one adds one line to {@link #ALL}. */
final class CryptoSimulators {

    /**
     * One simulated venue: its WebSocket paths under {@code /<venue id>/} (the first is the one a node's
     * {@code ws-url} names; a venue with several socket kinds lists them all) and how to start its actor.
     */
    record Entry(Venue venue, List<String> wsPaths, Function<SimulatorSettings, Behavior<SimVenue.Command>> factory) {
    }

    static final List<Entry> ALL;

    static {
        List<Entry> all = new ArrayList<>();
        // one line per venue, e.g. all.add(new Entry(Venue.BINANCE, List.of("ws"), BinanceSimulator::create));
        // /ws takes SUBSCRIBE messages; /stream?streams=a/b/c names its streams in the URL (combined payloads)
        all.add(new Entry(Venue.BINANCE, List.of("ws", BinanceSimulator.COMBINED_PATH), BinanceSimulator::create));
        all.add(new Entry(Venue.BYBIT, List.of(BybitSimulator.SPOT_PATH, BybitSimulator.LINEAR_PATH), BybitSimulator::create));
        all.add(new Entry(Venue.BITSTAMP, List.of(""), BitstampSimulator::create)); // wss://ws.bitstamp.net: the root
        all.add(new Entry(Venue.CRYPTOCOM, List.of(CryptocomSimulator.WS_PATH), CryptocomSimulator::create));
        all.add(new Entry(Venue.COINBASE, List.of(""), CoinbaseSimulator::create));
        all.add(new Entry(Venue.KRAKEN, List.of("v2"), KrakenSimulator::create));
        all.add(new Entry(Venue.OKX, List.of(OkxSimulator.WS_PATH), OkxSimulator::create));
        ALL = List.copyOf(all);
    }

    private CryptoSimulators() {
    }
}
