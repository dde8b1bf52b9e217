package io.marketmesh.node.venue.bitstamp;

import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.Collection;
import java.util.List;

/**
 * Bitstamp WebSocket v2 ({@code wss://ws.bitstamp.net}, public, no auth): {@code diff_order_book_{pair}} spliced onto
 * REST order books, and {@code live_trades_{pair}}. Markets are Bitstamp's lowercase {@code url_symbol}s
 * ({@code btcusd}), keyed {@code bitstamp:btcusd}. {@code rest-url} (e.g. {@code https://www.bitstamp.net}) serves the
 * book snapshots, the tickers and discovery.
 */
public final class BitstampAdapter implements VenueAdapter {

    /** Subscriptions Bitstamp allows on one connection; the 1,025th closes it silently. */
    static final int MAX_CHANNELS_PER_SOCKET = 1024;
    /** Channels one followed pair takes: its diff book and its trades. */
    static final int CHANNELS_PER_MARKET = 2;

    private volatile HttpClient http;

    @Override
    public Venue venue() {
        return Venue.BITSTAMP;
    }

    @Override
    public VenueSession newSession(VenueSettings settings) {
        return new BitstampSession(settings);
    }

    @Override
    public int maxMarketsPerSocket() {
        return MAX_CHANNELS_PER_SOCKET / CHANNELS_PER_MARKET;
    }

    // No pacing: Bitstamp publishes no message rate for its socket, only one channel per frame and frames under 512 bytes.

    @Override
    public List<String> discoverMarkets(VenueSettings settings) throws IOException, InterruptedException {
        return discover(settings).stream().map(MarketInfo::symbol).toList();
    }

    /** The pairs discovery follows, with what the venue says about each, best ranked first. */
    @Override
    public List<MarketInfo> discover(VenueSettings settings) throws IOException, InterruptedException {
        return new BitstampDiscovery(http(settings), settings.restUrl())
                .discover(settings.quoteAssets(), settings.discoveryLimit());
    }

    /** What trading-pairs-info says now about each url_symbol, whatever its status or quote asset. */
    @Override
    public List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols)
            throws IOException, InterruptedException {
        if (symbols.isEmpty()) {
            return List.of();
        }
        return new BitstampDiscovery(http(settings), settings.restUrl()).describe(symbols);
    }

    @Override
    public void validate(VenueSettings settings) {
        BitstampSettings own = BitstampSettings.of(settings);
        if (settings.subscribeBatchSize() != 1) {
            throw new IllegalArgumentException(BitstampSettings.PREFIX + "subscribe-batch-size = "
                    + settings.subscribeBatchSize() + ": Bitstamp takes exactly one channel per subscribe frame; set 1");
        }
        int markets = settings.markets().isEmpty() ? settings.discoveryLimit() : settings.markets().size();
        if (own.rechecks() && markets > 0) {
            double perSecond = markets / (own.recheckInterval().toMillis() / 1000.0);
            if (perSecond > BitstampSettings.MAX_RECHECKS_PER_SECOND) {
                throw new IllegalArgumentException(BitstampSettings.PREFIX + "recheck-interval = "
                        + own.recheckInterval() + " would fetch " + Math.round(perSecond) + " REST order books a second for "
                        + markets + " markets; Bitstamp allows 10,000 requests in 10 minutes: keep it at or below "
                        + (int) BitstampSettings.MAX_RECHECKS_PER_SECOND + " a second (or 0 to never recheck)");
            }
        }
    }

    /** The REST base without a trailing slash. */
    static String restBase(String restUrl) {
        return restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
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
