package io.marketmesh.node.venue;

import io.marketmesh.protocol.Venue;
import java.util.Collection;
import java.util.List;

/**
 * Everything marketmesh knows about one venue's wire protocol. Each venue package implements this once
 * and is registered in {@link VenueAdapters}; the connection layer is generic over it.
 */
public interface VenueAdapter {

    Venue venue();

    /**
     * The HTTP upgrade request for a new socket. Called on every (re)connect, so signatures are fresh. By default the
     * plain public {@code ws-url}; a venue that signs its handshake (Kalshi) adds its headers here.
     */
    default ConnectRequest connectRequest(VenueSettings settings) {
        return ConnectRequest.of(settings.wsUrl());
    }

    /** A new protocol state machine for one socket; it lives exactly as long as that socket. */
    VenueSession newSession(VenueSettings settings);

    /**
     * The kind of socket a market needs, for a venue that serves some markets on other endpoints (Bybit's spot and
     * linear perpetuals): a socket only ever carries markets of one group, and is opened with
     * {@link #connectRequest(VenueSettings, String)} and {@link #newSession(VenueSettings, String)} of that group.
     * One group, {@code ""}, by default.
     *
     * @throws IllegalArgumentException when the symbol cannot be a market of this venue
     */
    default String socketGroup(String symbol) {
        return "";
    }

    /** The HTTP upgrade request of a socket for markets of {@code group} (see {@link #socketGroup}). */
    default ConnectRequest connectRequest(VenueSettings settings, String group) {
        return connectRequest(settings);
    }

    /** A new session for a socket that carries markets of {@code group} (see {@link #socketGroup}). */
    default VenueSession newSession(VenueSettings settings, String group) {
        return newSession(settings);
    }

    /**
     * Active markets from the venue's REST API, used when no market list is configured. Blocking; called
     * off the actor threads.
     *
     * @throws Exception with a message fit for the log when the venue cannot be asked
     */
    List<String> discoverMarkets(VenueSettings settings) throws Exception;

    /**
     * The markets discovery would follow ({@link #discoverMarkets}, same filters, limit and order), each with what the
     * venue says about it (the catalogue's metadata). Blocking; called off the actor threads. By default only the
     * symbols; a venue whose REST API lists more overrides it.
     *
     * @throws Exception with a message fit for the log when the venue cannot be asked
     */
    default List<MarketInfo> discover(VenueSettings settings) throws Exception {
        return discoverMarkets(settings).stream().map(MarketInfo::bare).toList();
    }

    /**
     * What the venue says now about each of {@code symbols} (configured or user-added markets, and followed markets
     * discovery no longer ranks), with no filter or limit applied. A symbol absent from the answer is one the venue no
     * longer lists (delisted): the caller treats it as closed. Blocking; called off the actor threads.
     *
     * @throws UnsupportedOperationException when the venue cannot describe markets (the caller then never closes any)
     * @throws Exception                     with a message fit for the log when the venue cannot be asked
     */
    default List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols) throws Exception {
        throw new UnsupportedOperationException(venue().id() + " cannot describe markets");
    }

    /** The most markets one socket may carry before the venue misbehaves; configuration above it is refused. */
    default int maxMarketsPerSocket() {
        return Integer.MAX_VALUE;
    }

    /** How fast one socket may send to the venue; the connection queues frames to keep to it. */
    default Pacing pacing() {
        return Pacing.UNLIMITED;
    }

    /**
     * Checks the venue's own settings ({@link VenueSettings#options()}) before the node starts.
     *
     * @throws IllegalArgumentException with a message naming the key when one is wrong
     */
    default void validate(VenueSettings settings) {
    }
}
