package io.marketmesh.node.venue.kraken;

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
 * Kraken spot WebSocket v2 ({@code wss://ws.kraken.com/v2}): public market data, no auth. Markets are v2 pair symbols
 * ({@code BTC/USD}), keyed {@code kraken:BTC/USD} (in an HTTP path: {@code BTC%2FUSD}). Books are kept at
 * {@code book-depth} levels per side and verified by the venue's CRC32 on every snapshot and update; {@code rest-url}
 * ({@code https://api.kraken.com}) serves discovery only.
 */
public final class KrakenAdapter implements VenueAdapter {

    /**
     * Kraken limits the rate of requests on a socket (its limit depends on load and is not published: "Exceeded msg
     * rate" beyond it), so subscriptions and resubscriptions are sent at a modest steady pace.
     */
    static final Pacing PACING = new Pacing(10, Duration.ofSeconds(1));

    private volatile HttpClient http;

    @Override
    public Venue venue() {
        return Venue.KRAKEN;
    }

    @Override
    public VenueSession newSession(VenueSettings settings) {
        return new KrakenSession(settings);
    }

    @Override
    public List<String> discoverMarkets(VenueSettings settings) throws IOException, InterruptedException {
        return discover(settings).stream().map(MarketInfo::symbol).toList();
    }

    /** The pairs discovery follows (v2 names, BTC and DOGE as v2 spells them), with what the venue says of each. */
    @Override
    public List<MarketInfo> discover(VenueSettings settings) throws IOException, InterruptedException {
        return new KrakenDiscovery(http(settings)).chosen(settings.restUrl(), settings.discoveryLimit(),
                settings.quoteAssets());
    }

    /** What AssetPairs says now about each v2 pair symbol, whatever its status or quote asset. */
    @Override
    public List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols)
            throws IOException, InterruptedException {
        if (symbols.isEmpty()) {
            return List.of();
        }
        return new KrakenDiscovery(http(settings)).describe(settings.restUrl(), symbols);
    }

    @Override
    public Pacing pacing() {
        return PACING;
    }

    /**
     * {@code book-depth} must be a depth the venue accepts, and each configured market a v2 pair symbol
     * ({@code BASE/QUOTE}): a REST name such as {@code XBTUSD} would be refused by the venue and never get a book.
     */
    @Override
    public void validate(VenueSettings settings) {
        KrakenSettings.of(settings);
        for (String market : settings.markets()) {
            int slash = market.indexOf('/');
            if (slash <= 0 || slash == market.length() - 1 || market.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException(KrakenSettings.key("markets") + ": '" + market
                        + "' is not a Kraken WebSocket v2 pair symbol (BASE/QUOTE, e.g. BTC/USD)");
            }
        }
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
