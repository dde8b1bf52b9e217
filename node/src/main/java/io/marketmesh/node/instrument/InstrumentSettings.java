package io.marketmesh.node.instrument;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code marketmesh.instruments}: how markets are grouped into instruments and what the instrument actors compute.
 *
 * @param depth             levels a side each member sends and the consolidated book holds per member
 * @param takerFees         each venue's taker fee rate (0.001 = 0.1 %), 0 for venues not named
 * @param autoCrypto        group crypto spot markets by {@code BASE-QUOTE} from the catalogue
 * @param autoMinMarkets    markets an automatic instrument needs to exist
 * @param assetAliases      asset names mapped before grouping ({@code USDC -> USD} merges quotes), upper case;
 *                          Kraken's own spellings (XBT, XDG) are always mapped ({@link InstrumentIds})
 * @param links             instruments declared in configuration
 * @param keepAlive         how often each node re-sends every instrument's definition to its actor (restarts actors
 *                          that a rebalance or a lost node stopped)
 * @param rewatch           how often an instrument asks again for members it has no top of
 * @param publishSummaries  publish every summary to Kafka ({@code marketmesh.summaries})
 */
public record InstrumentSettings(int depth, Map<Venue, BigDecimal> takerFees, boolean autoCrypto, int autoMinMarkets,
                                 Map<String, String> assetAliases, List<InstrumentDefinition> links,
                                 Duration keepAlive, Duration rewatch, boolean publishSummaries) {

    public InstrumentSettings {
        takerFees = Map.copyOf(takerFees);
        assetAliases = Map.copyOf(assetAliases);
        links = List.copyOf(links);
    }

    public BigDecimal takerFee(Venue venue) {
        return takerFees.getOrDefault(venue, BigDecimal.ZERO);
    }

    /** Reads {@code marketmesh.instruments}, naming the key of anything wrong. */
    public static InstrumentSettings from(Config root) {
        Config c = root.getConfig("marketmesh.instruments");
        int depth = c.getInt("depth");
        if (depth < 1 || depth > 100) {
            throw new IllegalArgumentException("marketmesh.instruments.depth = " + depth + " must be 1..100");
        }
        Map<Venue, BigDecimal> fees = new EnumMap<>(Venue.class);
        Config feeConfig = c.getConfig("taker-fees");
        for (String venueId : feeConfig.root().keySet()) {
            String key = "marketmesh.instruments.taker-fees." + venueId;
            Venue venue;
            try {
                venue = Venue.fromId(venueId);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": unknown venue '" + venueId + "'");
            }
            BigDecimal fee;
            try {
                fee = new BigDecimal(feeConfig.getString(venueId));
            } catch (NumberFormatException | ConfigException e) {
                throw new IllegalArgumentException(key + " must be a decimal rate such as 0.001");
            }
            if (fee.signum() < 0 || fee.compareTo(BigDecimal.ONE) >= 0) {
                throw new IllegalArgumentException(key + " = " + fee + " must be at least 0 and below 1 (0.001 = 0.1 %)");
            }
            fees.put(venue, fee.stripTrailingZeros());
        }
        Map<String, String> aliases = new TreeMap<>();
        Config aliasConfig = c.getConfig("asset-aliases");
        for (String from : aliasConfig.root().keySet()) {
            aliases.put(from.toUpperCase(Locale.ROOT), aliasConfig.getString(from).toUpperCase(Locale.ROOT));
        }
        List<InstrumentDefinition> links = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<? extends Config> linkConfigs = c.getConfigList("links");
        for (int i = 0; i < linkConfigs.size(); i++) {
            Config link = linkConfigs.get(i);
            String where = "marketmesh.instruments.links[" + i + "]";
            String id = link.hasPath("id") ? link.getString("id") : null;
            String idProblem = InstrumentIds.problem(id);
            if (idProblem != null) {
                throw new IllegalArgumentException(where + ".id: " + idProblem);
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException(where + ".id = \"" + id + "\" is declared twice");
            }
            List<InstrumentDefinition.Leg> legs = new ArrayList<>();
            Set<MarketKey> seen = new HashSet<>();
            for (Config leg : link.getConfigList("legs")) {
                MarketKey market;
                try {
                    market = MarketKey.parse(leg.getString("market"));
                } catch (IllegalArgumentException | ConfigException e) {
                    throw new IllegalArgumentException(where + ".legs: each leg needs market = \"venue:symbol\" ("
                            + e.getMessage() + ")");
                }
                if (!seen.add(market)) {
                    throw new IllegalArgumentException(where + ".legs: " + market + " is listed twice");
                }
                legs.add(new InstrumentDefinition.Leg(market, !leg.hasPath("yes") || leg.getBoolean("yes")));
            }
            if (legs.isEmpty()) {
                throw new IllegalArgumentException(where + ".legs must name at least one market");
            }
            links.add(new InstrumentDefinition(id, legs, InstrumentDefinition.CONFIG));
        }
        int minMarkets = c.getInt("auto-min-markets");
        if (minMarkets < 1) {
            throw new IllegalArgumentException("marketmesh.instruments.auto-min-markets must be at least 1");
        }
        Duration keepAlive = c.getDuration("keep-alive");
        Duration rewatch = c.getDuration("rewatch");
        if (keepAlive.isNegative() || keepAlive.isZero() || rewatch.isNegative() || rewatch.isZero()) {
            throw new IllegalArgumentException("marketmesh.instruments.keep-alive and rewatch must be positive");
        }
        return new InstrumentSettings(depth, fees, c.getBoolean("auto-crypto"), minMarkets, aliases, links,
                keepAlive, rewatch, c.getBoolean("publish-summaries"));
    }
}
