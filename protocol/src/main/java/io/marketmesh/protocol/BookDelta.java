package io.marketmesh.protocol;

import java.util.List;

/**
 * Level changes to apply in order. Where the venue states what the top of book must be after the
 * change (Polymarket's {@code best_bid}/{@code best_ask}), {@code expectedBestBid}/{@code expectedBestAsk}
 * carry it for the integrity cross-check: {@link Decimals#NONE} = no claim, {@code 0} = that side is empty.
 */
public record BookDelta(MarketKey market, Mode mode, List<LevelUpdate> updates, long venueSequence,
                        @Fixed long expectedBestBid, @Fixed long expectedBestAsk,
                        long venueTimestamp, long receivedAt) implements MarketEvent {

    public enum Mode {
        /** Sizes are the level's new total; 0 removes the level (Polymarket, Binance, Bybit, ...). */
        ABSOLUTE,
        /** Sizes are signed changes; a level reaching 0 is removed, below 0 is corruption (Kalshi). */
        RELATIVE
    }

    public BookDelta {
        updates = List.copyOf(updates);
    }

    public boolean hasExpectation() {
        return expectedBestBid != Decimals.NONE || expectedBestAsk != Decimals.NONE;
    }
}
