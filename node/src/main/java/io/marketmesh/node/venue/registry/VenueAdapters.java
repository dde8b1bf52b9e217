package io.marketmesh.node.venue.registry;

import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.binance.BinanceAdapter;
import io.marketmesh.node.venue.bitstamp.BitstampAdapter;
import io.marketmesh.node.venue.bybit.BybitAdapter;
import io.marketmesh.node.venue.coinbase.CoinbaseAdapter;
import io.marketmesh.node.venue.cryptocom.CryptocomAdapter;
import io.marketmesh.node.venue.kalshi.KalshiAdapter;
import io.marketmesh.node.venue.kraken.KrakenAdapter;
import io.marketmesh.node.venue.okx.OkxAdapter;
import io.marketmesh.node.venue.polymarket.PolymarketAdapter;
import io.marketmesh.protocol.Venue;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The one registration point of venue packages: adding a venue adds one line here. */
public final class VenueAdapters {

    private static final Map<Venue, VenueAdapter> ADAPTERS = new EnumMap<>(Venue.class);

    static {
        register(new PolymarketAdapter());
        register(new KalshiAdapter());
        register(new BinanceAdapter());
        register(new BybitAdapter());
        register(new BitstampAdapter());
        register(new CryptocomAdapter());
        register(new CoinbaseAdapter());
        register(new KrakenAdapter());
        register(new OkxAdapter());
    }

    private VenueAdapters() {
    }

    private static void register(VenueAdapter adapter) {
        ADAPTERS.put(adapter.venue(), adapter);
    }

    public static Optional<VenueAdapter> forVenue(Venue venue) {
        return Optional.ofNullable(ADAPTERS.get(venue));
    }
}
