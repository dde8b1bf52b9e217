package io.marketmesh.node.instrument;

import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.protocol.MarketKey;
import java.util.List;

/**
 * An instrument: markets that trade the same thing, each leg saying whether its YES is the instrument's YES (a crypto
 * market always is).
 *
 * @param id     {@code BASE-QUOTE} for a crypto instrument found from the catalogue, else the configured or posted id
 * @param legs   the member markets, in a stable order (the summary lists them in it)
 * @param origin {@code auto} (crypto, from the catalogue), {@code config} or {@code runtime} ({@code POST})
 */
public record InstrumentDefinition(String id, List<Leg> legs, String origin) implements CborSerializable {

    public static final String AUTO = "auto";
    public static final String CONFIG = "config";
    public static final String RUNTIME = "runtime";

    public InstrumentDefinition {
        legs = List.copyOf(legs);
    }

    /** One member market; {@code yes} false: the market's YES is the instrument's NO (its prices read 1 - p). */
    public record Leg(MarketKey market, boolean yes) implements CborSerializable {
    }
}
