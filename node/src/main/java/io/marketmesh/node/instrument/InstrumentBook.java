package io.marketmesh.node.instrument;

import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.ConsolidatedBook;
import io.marketmesh.protocol.InstrumentSummary;
import java.math.BigDecimal;
import java.util.List;

/** Placeholder of the instrument math (h-instcore writes the real one); the signatures the actor relies on. */
public final class InstrumentBook {

    public interface ArbitrageListener {
        void onEvent(ArbitrageEvent event);
    }

    public InstrumentBook(String instrument, List<InstrumentDefinition.Leg> legs, List<BigDecimal> takerFees, int depth,
                          ArbitrageListener listener) {
    }

    public boolean update(int leg, long[] bidPrices, long[] bidSizes, int bids, long[] askPrices, long[] askSizes,
                          int asks, long now) {
        throw new UnsupportedOperationException();
    }

    public boolean markStale(int leg, String reason, long now) {
        throw new UnsupportedOperationException();
    }

    public InstrumentSummary summary(long sequence) {
        throw new UnsupportedOperationException();
    }

    public ConsolidatedBook consolidated(int depth) {
        throw new UnsupportedOperationException();
    }

    public List<ArbitrageEvent> open(long now) {
        throw new UnsupportedOperationException();
    }
}
