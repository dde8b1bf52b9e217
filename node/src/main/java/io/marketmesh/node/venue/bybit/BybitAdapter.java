package io.marketmesh.node.venue.bybit;

import io.marketmesh.node.venue.ConnectRequest;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.net.http.HttpClient;
import java.util.Collection;
import java.util.List;

/**
 * Bybit v5 public market data: spot and linear perpetuals, no auth. Spot and linear live on different sockets
 * ({@code ws-url}, {@code .../v5/public/spot}, and the linear one derived from it or set as {@code linear-ws-url}) and
 * both call BTC {@code BTCUSDT}; the node keys a spot market by the venue symbol ({@code bybit:BTCUSDT}) and a linear
 * perpetual by {@code linear:} + the venue symbol ({@code bybit:linear:BTCUSDT}). {@code rest-url} (e.g.
 * {@code https://api.bybit.com}) serves discovery only: the books come whole over the socket.
 */
public final class BybitAdapter implements VenueAdapter {

    /**
     * 200 markets of the longest Bybit symbols (19 characters) at depth 1000 take ~20,200 characters of topics, under
     * the 21,000 the venue allows one public connection; more per socket could be refused.
     */
    static final int MAX_MARKETS_PER_SOCKET = 200;

    private volatile HttpClient http;

    @Override
    public Venue venue() {
        return Venue.BYBIT;
    }

    /** The spot socket, the one {@code ws-url} names (the connection layer asks per group; see below). */
    @Override
    public ConnectRequest connectRequest(VenueSettings settings) {
        return connectRequest(settings, BybitCategory.SPOT.wire);
    }

    /** A spot session: markets of another category are refused by it (reported as venue errors). */
    @Override
    public VenueSession newSession(VenueSettings settings) {
        return newSession(settings, BybitCategory.SPOT.wire);
    }

    /**
     * The socket a market needs: {@code spot} for a plain venue symbol, {@code linear} for {@code linear:} + venue
     * symbol. The two never share a socket.
     *
     * @throws IllegalArgumentException for a symbol with another prefix ({@code inverse:BTCUSD})
     */
    @Override
    public String socketGroup(String symbol) {
        BybitCategory category = BybitCategory.ofMarket(symbol);
        if (category.venueSymbol(symbol).indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + symbol + "' is neither a Bybit spot symbol (BTCUSDT) nor a linear "
                    + "one (linear:BTCUSDT)");
        }
        return category.wire;
    }

    /** The socket of a group named by {@link #socketGroup}: {@code ws-url}, or the linear one. */
    @Override
    public ConnectRequest connectRequest(VenueSettings settings, String group) {
        return ConnectRequest.of(BybitSettings.of(settings).wsUrl(category(group)));
    }

    /** A session for one socket of a group named by {@link #socketGroup}: it is told its category here. */
    @Override
    public VenueSession newSession(VenueSettings settings, String group) {
        return new BybitSession(settings, category(group));
    }

    private static BybitCategory category(String group) {
        return group == null || group.isEmpty() ? BybitCategory.SPOT : BybitCategory.ofWire(group);
    }

    @Override
    public List<String> discoverMarkets(VenueSettings settings) throws Exception {
        return discover(settings).stream().map(MarketInfo::symbol).toList();
    }

    /** The markets discovery follows (spot and linear perpetuals, in turn), with what the venue says of each. */
    @Override
    public List<MarketInfo> discover(VenueSettings settings) throws Exception {
        BybitSettings bybit = BybitSettings.of(settings);
        return new BybitDiscovery(http(settings), settings.restUrl())
                .markets(bybit.categories(), settings.quoteAssets(), settings.discoveryLimit());
    }

    /** What instruments-info says now about each market symbol, whatever its status or quote coin. */
    @Override
    public List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols) throws Exception {
        if (symbols.isEmpty()) {
            return List.of();
        }
        return new BybitDiscovery(http(settings), settings.restUrl()).describe(symbols);
    }

    @Override
    public int maxMarketsPerSocket() {
        return MAX_MARKETS_PER_SOCKET;
    }

    @Override
    public void validate(VenueSettings settings) {
        BybitSettings.validate(settings);
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
