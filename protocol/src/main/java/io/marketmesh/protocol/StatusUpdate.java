package io.marketmesh.protocol;

/** A lifecycle change; {@code detail} keeps the venue's own words (e.g. {@code "determined: result=no"}). */
public record StatusUpdate(MarketKey market, MarketStatus status, String detail, long venueTimestamp, long receivedAt)
        implements MarketEvent {
}
