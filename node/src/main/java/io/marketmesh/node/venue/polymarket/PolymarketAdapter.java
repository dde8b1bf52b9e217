package io.marketmesh.node.venue.polymarket;

import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.util.Collection;
import java.util.List;

/**
 * Polymarket CLOB market channel: public, no auth headers. Markets are outcome tokens, keyed
 * {@code polymarket:<token id>} (the channel's {@code asset_id}). {@code rest-url} is the Gamma API base
 * (e.g. {@code https://gamma-api.polymarket.com}), used only for discovery and for describing markets.
 */
public final class PolymarketAdapter implements VenueAdapter {

    @Override
    public int maxMarketsPerSocket() {
        // Past 500 assets on one socket the venue silently sends no initial books.
        return 500;
    }

    @Override
    public Venue venue() {
        return Venue.POLYMARKET;
    }

    @Override
    public VenueSession newSession(VenueSettings settings) {
        return new PolymarketSession(settings);
    }

    @Override
    public List<String> discoverMarkets(VenueSettings settings) throws Exception {
        return discover(settings).stream().map(MarketInfo::symbol).toList();
    }

    /** Every token of the tradable markets Gamma lists, each with its market's question, outcome, tick and times. */
    @Override
    public List<MarketInfo> discover(VenueSettings settings) throws Exception {
        return gamma(settings).discover();
    }

    /** What Gamma says now about exactly these tokens ({@code clob_token_ids}); a token it omits is delisted. */
    @Override
    public List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols) throws Exception {
        return symbols.isEmpty() ? List.of() : gamma(settings).describe(symbols);
    }

    private static GammaMarketDiscovery gamma(VenueSettings settings) {
        return new GammaMarketDiscovery(settings.restUrl(), settings.discoveryLimit(),
                GammaMarketDiscovery.DEFAULT_PAGE_SIZE, settings.connectTimeout());
    }
}
