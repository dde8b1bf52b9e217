package io.marketmesh.node.instrument;

import io.marketmesh.protocol.MarketMetadata;
import java.util.Map;
import java.util.regex.Pattern;

/** Instrument ids: the canonical id of a crypto pair, and what a configured or posted id may be. */
public final class InstrumentIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

    private InstrumentIds() {
    }

    /** Why {@code id} cannot name an instrument, null when it can. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "an instrument id must not be empty";
        }
        if (id.length() > InstrumentSettings.MAX_ID_LENGTH) {
            return "an instrument id has at most " + InstrumentSettings.MAX_ID_LENGTH + " characters";
        }
        if (!VALID.matcher(id).matches()) {
            return "an instrument id is letters, digits and . _ : - (starting with a letter or digit)";
        }
        return null;
    }

    /**
     * {@code BASE-QUOTE} of a spot pair, each asset through {@code aliases} ({@code XBT -> BTC}); null when the market
     * is not a spot pair with both assets known.
     */
    public static String canonical(MarketMetadata metadata, Map<String, String> aliases) {
        if (metadata == null || !"spot".equals(metadata.kind()) || empty(metadata.base()) || empty(metadata.quote())) {
            return null;
        }
        String base = aliases.getOrDefault(metadata.base(), metadata.base());
        String quote = aliases.getOrDefault(metadata.quote(), metadata.quote());
        String id = base + "-" + quote;
        return problem(id) == null ? id : null;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
