package io.marketmesh.node.instrument;

import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.InstrumentSummary;

/**
 * What instrument actors tell the node's stream hubs, through one cluster-wide pub-sub topic ({@link #TOPIC}): each
 * hub subscribes while it has clients of the {@code summary:} or {@code arbitrage} channels, so a node without such
 * clients gets nothing.
 */
public sealed interface InstrumentOutput extends CborSerializable {

    /** The topic's name: every node's topic actor of this name forms one group. */
    String TOPIC = "marketmesh-instrument-outputs";

    /** A new summary of one instrument. */
    record Summary(InstrumentSummary summary) implements InstrumentOutput {
    }

    /** One step of an opportunity. */
    record Arbitrage(ArbitrageEvent event) implements InstrumentOutput {
    }
}
