package io.marketmesh.node.instrument;

import io.marketmesh.protocol.ArbitrageEvent;

/**
 * Receives every step of an instrument's arbitrage opportunities (opened, updated, closed), in order, on the owner's
 * thread.
 */
@FunctionalInterface
public interface ArbitrageListener {

    void onEvent(ArbitrageEvent event);
}
