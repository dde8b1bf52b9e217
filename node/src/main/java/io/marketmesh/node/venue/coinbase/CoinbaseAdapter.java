package io.marketmesh.node.venue.coinbase;

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
 * Coinbase Advanced Trade public market data ({@code wss://advanced-trade-ws.coinbase.com}): {@code level2},
 * {@code market_trades}, {@code ticker} and {@code heartbeats}, none of which needs authentication. Markets are
 * product ids ({@code BTC-USD}), keyed {@code coinbase:BTC-USD}. {@code rest-url} is the Advanced Trade REST base
 * ({@code https://api.coinbase.com}), used only for discovery.
 */
public final class CoinbaseAdapter implements VenueAdapter {

    /**
     * Level2 products one connection may carry. Not in the docs: the venue answers {@code "too many L2 streams
     * requested in a single session"} past it; 16 per connection works and 32 is refused (JKorf/Coinbase.Net#19,
     * January 2026).
     */
    static final int MAX_PRODUCTS_PER_SOCKET = 16;

    /**
     * The venue allows 8 unauthenticated messages a second per IP address (websocket-rate-limits), over all its
     * sockets; the connection paces each socket on its own, and up to four connection workers of a node may hold a
     * socket each, so one socket keeps to 2 a second. Opening a socket sends 4 frames (level2, heartbeats,
     * market_trades, ticker), a resync 2.
     */
    static final Pacing PACING = new Pacing(2, Duration.ofSeconds(1));

    /** The venue's heartbeats come once a second: a socket silent for less than this is not dead yet. */
    static final Duration MIN_STALE_AFTER = Duration.ofSeconds(3);

    private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(30);

    private volatile HttpClient http;

    @Override
    public Venue venue() {
        return Venue.COINBASE;
    }

    @Override
    public VenueSession newSession(VenueSettings settings) {
        return new CoinbaseSession(settings);
    }

    @Override
    public List<String> discoverMarkets(VenueSettings settings) throws IOException, InterruptedException {
        return discover(settings).stream().map(MarketInfo::symbol).toList();
    }

    /** The spot products discovery follows, with what the venue says of each. */
    @Override
    public List<MarketInfo> discover(VenueSettings settings) throws IOException, InterruptedException {
        return new CoinbaseDiscovery(http(settings), DISCOVERY_TIMEOUT)
                .markets(settings.restUrl(), settings.quoteAssets(), settings.discoveryLimit());
    }

    /** What the products listing says now about each product, whatever its status or quote asset. */
    @Override
    public List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols)
            throws IOException, InterruptedException {
        if (symbols.isEmpty()) {
            return List.of();
        }
        return new CoinbaseDiscovery(http(settings), DISCOVERY_TIMEOUT).describe(settings.restUrl(), symbols);
    }

    @Override
    public int maxMarketsPerSocket() {
        return MAX_PRODUCTS_PER_SOCKET;
    }

    @Override
    public Pacing pacing() {
        return PACING;
    }

    @Override
    public void validate(VenueSettings settings) {
        if (settings.staleAfter().compareTo(MIN_STALE_AFTER) < 0) {
            throw new IllegalArgumentException("marketmesh.venues.coinbase.stale-after = " + settings.staleAfter()
                    + " is below " + MIN_STALE_AFTER.toSeconds() + "s: the venue's heartbeats come once a second,"
                    + " so a shorter silence does not mean the socket is dead");
        }
        // Read now so that a malformed list stops the start with the key's name.
        settings.quoteAssets();
    }

    private HttpClient http(VenueSettings settings) {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(settings.connectTimeout())
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .build();
                    http = client;
                }
            }
        }
        return client;
    }
}
