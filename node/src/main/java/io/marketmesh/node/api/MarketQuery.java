package io.marketmesh.node.api;

import io.marketmesh.node.api.ApiBodies.MarketRow;
import io.marketmesh.node.catalog.CatalogView;
import io.marketmesh.node.instrument.InstrumentDefinition;
import io.marketmesh.node.instrument.InstrumentsView;
import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /api/v1/markets}'s filters, checked: {@code q} (words, each of which must begin a word of the title,
 * symbol, base, quote, outcome or event, case-insensitive; words are runs of letters and digits, so {@code 2} finds
 * "question 2?"; a number of 20 digits or more, a token id, is found only whole), {@code venue}, {@code status} (the
 * venue's status word, or
 * {@code open} / {@code closed}: active or not) and {@code instrument} (its legs). Applied to the followed markets with
 * the catalogue's metadata beside each (a market the catalogue knows nothing about has null metadata, counts as open,
 * and matches {@code q} by its symbol only).
 */
record MarketQuery(List<String> words, Optional<Venue> venue, Optional<String> status, Optional<Set<MarketKey>> legs) {

    static final int MAX_QUERY_LENGTH = 256;

    static MarketQuery parse(Optional<String> q, Optional<String> venue, Optional<String> status,
                             Optional<String> instrument, InstrumentsView instruments) {
        List<String> words = List.of();
        if (q.isPresent()) {
            String text = q.get().trim();
            if (text.isEmpty()) {
                throw ApiError.badRequest("q must not be blank");
            }
            if (text.length() > MAX_QUERY_LENGTH) {
                throw ApiError.badRequest("q must be at most " + MAX_QUERY_LENGTH + " characters");
            }
            words = tokens(text);
            if (words.isEmpty()) {
                throw ApiError.badRequest("q must contain letters or digits");
            }
        }
        Optional<String> statusWord = status.map(s -> {
            String word = s.trim().toLowerCase(Locale.ROOT);
            if (word.isEmpty() || word.length() > 64 || !word.chars().allMatch(c -> Character.isLetterOrDigit(c)
                    || c == '_' || c == '-')) {
                throw ApiError.badRequest("status must be open, closed or a venue's status word (letters, digits, _ "
                        + "and -), got '" + s + "'");
            }
            return word;
        });
        Optional<Set<MarketKey>> legs = instrument.map(id -> {
            if (id.isBlank()) {
                throw ApiError.badRequest("instrument must not be blank");
            }
            InstrumentDefinition definition = instruments.get(id.trim());
            if (definition == null) {
                throw ApiError.notFound("unknown_instrument", "no instrument '" + id.trim() + "' (GET /api/v1/instruments lists them)");
            }
            Set<MarketKey> markets = new HashSet<>();
            definition.legs().forEach(leg -> markets.add(leg.market()));
            return markets;
        });
        return new MarketQuery(words, venue.map(v -> ApiRequests.venue(v, true)), statusWord, legs);
    }

    /** The followed markets that match, sorted by id, each with its metadata and instruments. */
    List<MarketRow> apply(Subscriptions.Followed followed, CatalogView catalog, InstrumentsView instruments) {
        List<MarketKey> keys = new ArrayList<>();
        followed.symbols().forEach((v, symbols) -> {
            if (venue.isEmpty() || venue.get() == v) {
                symbols.forEach(symbol -> keys.add(MarketKey.of(v, symbol)));
            }
        });
        keys.sort(Comparator.comparing(MarketKey::id));
        List<MarketRow> rows = new ArrayList<>();
        for (MarketKey key : keys) {
            if (legs.isPresent() && !legs.get().contains(key)) {
                continue;
            }
            MarketMetadata entry = catalog.get(key);
            if (matchesStatus(entry) && matchesWords(key, entry)) {
                rows.add(MarketRow.of(key, entry, instruments.instrumentsOf(key)));
            }
        }
        return rows;
    }

    private boolean matchesStatus(MarketMetadata entry) {
        if (status.isEmpty()) {
            return true;
        }
        boolean active = entry == null || entry.active();
        return switch (status.get()) {
            case "open" -> active;
            case "closed" -> !active;
            default -> entry != null && entry.status() != null && entry.status().equalsIgnoreCase(status.get());
        };
    }

    private boolean matchesWords(MarketKey key, MarketMetadata entry) {
        if (words.isEmpty()) {
            return true;
        }
        List<String> text = tokens(entry == null ? key.symbol()
                : String.join(" ", key.symbol(), nonNull(entry.title()), nonNull(entry.base()), nonNull(entry.quote()),
                nonNull(entry.outcome()), nonNull(entry.event())));
        for (String word : words) {
            boolean found = false;
            for (int i = 0, n = text.size(); i < n && !found; i++) {
                String token = text.get(i);
                // A token id (77 digits on Polymarket) is found whole: "2" begins half of them.
                found = token.length() >= LONG_NUMBER && isDigits(token) ? token.equals(word) : token.startsWith(word);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** The words of a text: runs of letters and digits, lower case. */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        for (String token : WORD_SEPARATORS.split(text.toLowerCase(Locale.ROOT))) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    private static final java.util.regex.Pattern WORD_SEPARATORS = java.util.regex.Pattern.compile("[^\\p{L}\\p{N}]+");

    /** Digits from which a number in a symbol is an id, matched only whole. */
    private static final int LONG_NUMBER = 20;

    private static boolean isDigits(String token) {
        for (int i = 0; i < token.length(); i++) {
            if (!Character.isDigit(token.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
