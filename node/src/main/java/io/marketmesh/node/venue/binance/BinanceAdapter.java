package io.marketmesh.node.venue.binance;

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

/**
 * Binance spot, public market data: no auth. {@code ws-url} is the raw-stream socket ({@code .../ws}); streams are
 * subscribed with messages on it, never named in the URL. {@code rest-url} ({@code https://api.binance.com}) serves
 * the depth snapshots the books are spliced onto, and discovery. Markets are keyed by the venue's symbol
 * ({@code binance:BTCUSDT}).
 *
 * <p>The venue's limits, kept here: 1024 streams a socket (three per market, so at most 341 markets), 5 incoming
 * messages a second a socket (pings, pongs and requests alike; more closes the socket with 1008).
 */
public final class BinanceAdapter implements VenueAdapter {

    /** Streams the venue allows on one socket. */
    static final int MAX_STREAMS_PER_SOCKET = 1024;
    /**
     * Four of the venue's five messages a second: the fifth is left to the pongs the WebSocket client sends on its own
     * when the venue pings (every 20 s), which the venue counts too.
     */
    static final Pacing PACING = new Pacing(4, Duration.ofSeconds(1));

    private volatile HttpClient http;

    @Override
    public Venue venue() {
        return Venue.BINANCE;
    }

    @Override
    public VenueSession newSession(VenueSettings settings) {
        return new BinanceSession(settings);
    }

    @Override
    public int maxMarketsPerSocket() {
        return MAX_STREAMS_PER_SOCKET / BinanceOptions.STREAMS_PER_MARKET;
    }

    @Override
    public Pacing pacing() {
        return PACING;
    }

    @Override
    public List<String> discoverMarkets(VenueSettings settings) throws IOException, InterruptedException {
        return discover(settings).stream().map(MarketInfo::symbol).toList();
    }

    /** The spot markets discovery follows, with what the venue says of each (assets, tick, lot, status, volume). */
    @Override
    public List<MarketInfo> discover(VenueSettings settings) throws IOException, InterruptedException {
        return new BinanceDiscovery(http(settings), settings.restUrl())
                .discover(settings.quoteAssets(), settings.discoveryLimit());
    }

    /** What {@code exchangeInfo} says now about each symbol, whatever its status or quote asset. */
    @Override
    public List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols)
            throws IOException, InterruptedException {
        if (symbols.isEmpty()) {
            return List.of();
        }
        return new BinanceDiscovery(http(settings), settings.restUrl()).describe(symbols);
    }

    @Override
    public void validate(VenueSettings settings) {
        BinanceOptions.of(settings);
        if (!settings.wsUrl().startsWith("ws://") && !settings.wsUrl().startsWith("wss://")) {
            throw new IllegalArgumentException("marketmesh.venues.binance.ws-url must be a ws:// or wss:// URL, was "
                    + settings.wsUrl());
        }
    }

    private HttpClient http(VenueSettings settings) {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout())
                            .followRedirects(HttpClient.Redirect.NORMAL).build();
                    http = client;
                }
            }
        }
        return client;
    }
}
