package io.marketmesh.node.venue.cryptocom;

import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.Pacing;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Crypto.com Exchange API v1 market data ({@code wss://stream.crypto.com/exchange/v1/market}): public, no auth. One
 * socket serves spot, perpetuals and futures alike; markets are the venue's instrument names ({@code BTC_USDT},
 * {@code BTCUSD-PERP}), keyed {@code cryptocom:<name>}. Discovery follows tradable spot pairs
 * ({@link CryptocomDiscovery}); any instrument named in {@code markets} is followed as it is.
 */
public final class CryptocomAdapter implements VenueAdapter {

    /**
     * The venue allows 100 market-data requests per second per socket; the pace keeps a fifth below it, for frames
     * that leave a second apart but arrive closer together.
     */
    static final Pacing PACING = new Pacing(80, Duration.ofSeconds(1));

    private final LongSupplier clock;
    /** Shared by every socket of this node: a reconnect's replayed trade history is not published twice. */
    private final TradeHistory tradeHistory = new TradeHistory();
    private volatile HttpClient http;

    public CryptocomAdapter() {
        this(System::currentTimeMillis);
    }

    /** @param clockMillis the nonce stamped into requests, epoch milliseconds */
    CryptocomAdapter(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    @Override
    public Venue venue() {
        return Venue.CRYPTOCOM;
    }

    @Override
    public VenueSession newSession(VenueSettings settings) {
        return new CryptocomSession(CryptocomSettings.of(settings), settings.heartbeatInterval(), tradeHistory, clock);
    }

    @Override
    public List<String> discoverMarkets(VenueSettings settings) throws IOException, InterruptedException {
        return discover(settings).stream().map(MarketInfo::symbol).toList();
    }

    /** The tradable spot pairs discovery follows, best ranked first, with what the venue says of each. */
    @Override
    public List<MarketInfo> discover(VenueSettings settings) throws IOException, InterruptedException {
        return new CryptocomDiscovery(http(settings), settings.restUrl())
                .chosen(settings.quoteAssets(), settings.discoveryLimit());
    }

    /** What get-instruments says now about each instrument (spot or perpetual), whatever its state or quote. */
    @Override
    public List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols)
            throws IOException, InterruptedException {
        if (symbols.isEmpty()) {
            return List.of();
        }
        return new CryptocomDiscovery(http(settings), settings.restUrl()).describe(symbols);
    }

    /** 400 channels per socket (the 401st is refused with 40107), three per market. */
    @Override
    public int maxMarketsPerSocket() {
        return CryptocomSettings.MAX_CHANNELS_PER_SOCKET / CryptocomSettings.CHANNELS_PER_MARKET;
    }

    @Override
    public Pacing pacing() {
        return PACING;
    }

    @Override
    public void validate(VenueSettings settings) {
        CryptocomSettings.of(settings).validate();
    }

    private HttpClient http(VenueSettings settings) {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout()).build();
                    http = client;
                }
            }
        }
        return client;
    }
}
