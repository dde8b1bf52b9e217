package io.marketmesh.node.venue.okx;

import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.net.http.HttpClient;
import java.util.Collection;
import java.util.List;

/**
 * OKX v5 public market data ({@code wss://ws.okx.com:8443/ws/v5/public}): public, no login. Markets are instruments
 * named as OKX names them ({@code instId}): spot pairs ({@code BTC-USDT}) and linear perpetual swaps ({@code
 * BTC-USDT-SWAP}) share one socket and one protocol. {@code rest-url} ({@code https://www.okx.com}) serves discovery.
 *
 * <p>Limits kept: at most {@value #MAX_BOOKS_PER_SOCKET} instruments a socket (OKX recommends fewer than 30 {@code
 * books} channels per connection); at most {@code requests-per-hour} (venue: 480) subscribe/unsubscribe frames a
 * socket and hour, kept by the session ({@link OkxRequests}) rather than by {@link #pacing()}, which would hold back the
 * pings too; a ping within 30 s of silence. OKX documents no per-second limit on a public socket's frames, so the
 * connection does not pace them. Its limit of 3 connection attempts a second per IP is not the adapter's to keep:
 * the connection layer's jittered backoff spreads reconnects, and a refused attempt is retried.
 */
public final class OkxAdapter implements VenueAdapter {

    /** OKX: "less than 30 channels" of 400-level books per connection. */
    static final int MAX_BOOKS_PER_SOCKET = 29;

    private volatile HttpClient http;

    @Override
    public Venue venue() {
        return Venue.OKX;
    }

    @Override
    public VenueSession newSession(VenueSettings settings) {
        return new OkxSession(settings);
    }

    @Override
    public List<String> discoverMarkets(VenueSettings settings) throws Exception {
        return discover(settings).stream().map(MarketInfo::symbol).toList();
    }

    /** The instruments discovery keeps, with what OKX says of each (base, quote, tick and lot size, state, volume). */
    @Override
    public List<MarketInfo> discover(VenueSettings settings) throws Exception {
        return new OkxDiscovery(http(settings), settings.restUrl()).discover(OkxSettings.of(settings).instTypes(),
                settings.quoteAssets(), settings.discoveryLimit());
    }

    /** What the instruments listing says now about each instId (spot or swap), whatever its state or quote asset. */
    @Override
    public List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols) throws Exception {
        if (symbols.isEmpty()) {
            return List.of();
        }
        return new OkxDiscovery(http(settings), settings.restUrl()).describe(symbols);
    }

    @Override
    public int maxMarketsPerSocket() {
        return MAX_BOOKS_PER_SOCKET;
    }

    @Override
    public void validate(VenueSettings settings) {
        OkxSettings.of(settings);
        OkxSettings.validateCommon(settings);
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
