package io.marketmesh.node.instrument;

import io.marketmesh.protocol.MarketMetadata;
import io.marketmesh.protocol.Venue;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Instrument ids: the canonical {@code BASE-QUOTE} id of a crypto spot market from its catalogue entry, and the rules
 * every instrument id (configured or posted) follows.
 *
 * <p>Canonical ids put one asset under one name on every venue: Kraken's {@code XBT} (and its legacy code
 * {@code XXBT}) is {@code BTC}, its {@code XDG} ({@code XXDG}) is {@code DOGE}, {@code ZUSD} is {@code USD}; then the
 * configured aliases apply once to each asset, e.g. {@code USDC -> USD} puts {@code coinbase:BTC-USDC} into
 * {@code BTC-USD}.
 */
public final class InstrumentIds {

    /** Longest instrument id accepted. */
    public static final int MAX_LENGTH = 128;

    /**
     * Kraken's own spellings of assets other venues name differently, and its legacy asset codes (only on Kraken:
     * elsewhere these letters could be other tokens).
     */
    private static final Map<String, String> KRAKEN_ASSETS = Map.ofEntries(
            Map.entry("XBT", "BTC"), Map.entry("XXBT", "BTC"), Map.entry("XDG", "DOGE"), Map.entry("XXDG", "DOGE"),
            Map.entry("XETH", "ETH"), Map.entry("ZUSD", "USD"), Map.entry("ZEUR", "EUR"), Map.entry("ZGBP", "GBP"),
            Map.entry("ZCAD", "CAD"), Map.entry("ZJPY", "JPY"));

    private final Map<String, String> aliases;

    /** @param assetAliases asset names to merge into another ({@code USDC -> USD}), any case; empty for none */
    public InstrumentIds(Map<String, String> assetAliases) {
        Map<String, String> upper = new HashMap<>();
        assetAliases.forEach((from, to) -> {
            String target = to.trim().toUpperCase(Locale.ROOT);
            if (!isAsset(target)) {
                throw new IllegalArgumentException("asset alias " + from + " -> '" + to
                        + "': an asset is letters and digits");
            }
            upper.put(from.trim().toUpperCase(Locale.ROOT), target);
        });
        this.aliases = Map.copyOf(upper);
    }

    /** No aliases. */
    public static InstrumentIds withoutAliases() {
        return new InstrumentIds(Map.of());
    }

    /**
     * The canonical instrument id of the market: {@code BASE-QUOTE} for a spot market whose base and quote are known,
     * null for anything else (a prediction market, a derivative, a market not described yet).
     */
    public String canonicalId(MarketMetadata metadata) {
        if (metadata == null) {
            return null;
        }
        return canonicalId(metadata.market().venue(), metadata.kind(), metadata.base(), metadata.quote());
    }

    /** As {@link #canonicalId(MarketMetadata)} from the fields themselves (a {@code venue.MarketInfo}, say). */
    public String canonicalId(Venue venue, String kind, String base, String quote) {
        if (kind == null || !kind.trim().equalsIgnoreCase("spot")) {
            return null;
        }
        String b = asset(venue, base);
        String q = asset(venue, quote);
        if (b == null || q == null || b.equals(q)) {
            return null;
        }
        return b + '-' + q;
    }

    /** The asset's canonical name on {@code venue} (upper case, venue spellings, then aliases), null if unusable. */
    public String asset(Venue venue, String asset) {
        if (asset == null) {
            return null;
        }
        String name = asset.trim().toUpperCase(Locale.ROOT);
        if (venue == Venue.KRAKEN) {
            name = KRAKEN_ASSETS.getOrDefault(name, name);
        }
        name = aliases.getOrDefault(name, name);
        return isAsset(name) ? name : null;
    }

    /**
     * Whether {@code id} is a usable instrument id: 1 to {@value #MAX_LENGTH} of ASCII letters, digits and
     * {@code -_.:}, at least one a letter or digit.
     */
    public static boolean isValid(String id) {
        return problem(id) == null;
    }

    /**
     * @return {@code id} when valid
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String requireValid(String id) {
        String problem = problem(id);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return id;
    }

    /** What is wrong with the id, null when nothing. An id is a URL path segment and a Kafka key: no '/', no spaces. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "an instrument id must not be empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "an instrument id has at most " + MAX_LENGTH + " characters, got " + id.length();
        }
        boolean letterOrDigit = false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (isAsciiLetterOrDigit(c)) {
                letterOrDigit = true;
            } else if (c != '-' && c != '_' && c != '.' && c != ':') {
                return "an instrument id is made of letters, digits and - _ . : only, got '" + c + "' in '" + id + "'";
            }
        }
        // "." and ".." would be read as path steps in /api/v1/instruments/{id}.
        return letterOrDigit ? null : "an instrument id needs a letter or digit, got '" + id + "'";
    }

    private static boolean isAsset(String name) {
        if (name.isEmpty() || name.length() > 30) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isAsciiLetterOrDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
