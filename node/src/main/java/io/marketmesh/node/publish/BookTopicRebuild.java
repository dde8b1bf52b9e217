package io.marketmesh.node.publish;

import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A consumer of {@code marketmesh.book} as docs/kafka.md "Rebuilding a book" and "The book topic" describe it, with
 * a check of every promise the topic makes. Per market, in partition order: a {@code book_snapshot} replaces the book,
 * a {@code book_delta} sets absolute sizes, a {@code book_reset} clears it until the next full book. The gap check is
 * keyed on (market, {@code source}): a record of a source that is not that source's last {@code sequence} + 1 is a
 * <em>hole</em> (the book is unknown until the next full book), except a full book at sequence 1, which starts the
 * source's numbering over (a node restarted, or a market moved to it). A full book from another source than the
 * current one makes that source current (the market moved); later records of an earlier source are stale leftovers,
 * gap-checked but not applied. Every hole must be <em>announced</em>: a {@code gap_detected} continuity record of the
 * same market and source with a {@code sequence} at or after the hole's start, right before a full book of that
 * source (at the announcement's {@code sequence} + 1) that heals it. The announcement may come after records that
 * followed the hole: a loss in a producer restart is only known then, and records queued behind the lost ones survive
 * it (docs/kafka.md, "Outages").
 *
 * <p>Used by {@code TopicCheck} (the chaos run) and by the Kafka integration tests. Not thread-safe.
 */
public final class BookTopicRebuild {

    /** A hole in a market's (source's) sequence. */
    public record Hole(String market, String source, long after, long next, boolean announced) {
        @Override
        public String toString() {
            return market + " from " + source + ": sequence " + after + " then " + next
                    + (announced ? " (announced by gap_detected)" : " (NOT announced)");
        }
    }

    /** What was read of one market. */
    public static final class MarketBook {
        private final String market;
        private final TreeMap<Long, PriceLevel> bids = new TreeMap<>(Collections.reverseOrder());
        private final TreeMap<Long, PriceLevel> asks = new TreeMap<>();
        private final Map<String, Long> lastSequence = new HashMap<>();
        private String currentSource;
        private boolean known;
        private long records;
        private long fullBooks;
        private long leftovers;

        private MarketBook(String market) {
            this.market = market;
        }

        public String market() {
            return market;
        }

        /** Whether the book is known after the last record (false after a hole or reset not yet healed). */
        public boolean known() {
            return known;
        }

        public List<PriceLevel> bids() {
            return new ArrayList<>(bids.values());
        }

        public List<PriceLevel> asks() {
            return new ArrayList<>(asks.values());
        }

        /** The source whose records the book is built from now. */
        public String currentSource() {
            return currentSource;
        }

        public long records() {
            return records;
        }

        public long fullBooks() {
            return fullBooks;
        }

        /** Records of an earlier source that arrived after another source's full book took over. */
        public long leftovers() {
            return leftovers;
        }
    }

    private final Map<String, MarketBook> books = new LinkedHashMap<>();
    private final List<Hole> holes = new ArrayList<>();
    /** gap_detected sequences per (market, source). */
    private final Map<String, List<Long>> announcements = new HashMap<>();
    /** Full books' sequences per (market, source). */
    private final Map<String, java.util.Set<Long>> fullBookSequences = new HashMap<>();
    private boolean holesChecked;

    /**
     * A continuity record. Only {@code gap_detected} of a market counts (the ones keyed by socket announce raw frames).
     * Give every continuity record before {@link #holes()} is asked; the order against book records does not matter.
     */
    public void announce(MarketRecord<Continuity> record) {
        Continuity continuity = record.payload();
        if (continuity != null && continuity.kind() == Continuity.Kind.GAP_DETECTED && continuity.market() != null) {
            announcements.computeIfAbsent(key(record.market(), record.source()), k -> new ArrayList<>())
                    .add(record.sequence());
            holesChecked = false;
        }
    }

    /** The next book record of its market, in partition order. */
    public void apply(MarketRecord<MarketEvent> record) {
        MarketBook book = books.computeIfAbsent(record.market(), MarketBook::new);
        book.records++;
        String source = record.source();
        Long last = book.lastSequence.put(source, record.sequence());
        boolean restart = record.sequence() == 1 && record.payload() instanceof BookSnapshot;
        boolean follows = last != null && record.sequence() == last + 1;
        if (!follows && !restart) {
            holes.add(new Hole(record.market(), source, last == null ? 0 : last, record.sequence(), false));
            holesChecked = false;
        }
        boolean current = source.equals(book.currentSource);
        if (!current) {
            if (!(record.payload() instanceof BookSnapshot) && book.currentSource != null) {
                book.leftovers++;
                return;
            }
            book.currentSource = source;
        }
        if (!follows && !restart) {
            book.known = false;
        }
        if (record.payload() instanceof BookSnapshot) {
            fullBookSequences.computeIfAbsent(key(record.market(), source), k -> new java.util.HashSet<>())
                    .add(record.sequence());
            holesChecked = false;
        }
        if (record.payload() instanceof BookSnapshot full) {
            book.bids.clear();
            book.asks.clear();
            full.bids().forEach(level -> book.bids.put(level.price(), level));
            full.asks().forEach(level -> book.asks.put(level.price(), level));
            book.known = true;
            book.fullBooks++;
        } else if (record.payload() instanceof BookDelta delta && book.known) {
            for (LevelUpdate update : delta.updates()) {
                TreeMap<Long, PriceLevel> side = update.side() == Side.BID ? book.bids : book.asks;
                if (update.exactSize().signum() == 0) {
                    side.remove(update.price());
                } else {
                    side.put(update.price(), new PriceLevel(update.price(), update.size(), update.wideSize()));
                }
            }
        } else if (record.payload() instanceof BookReset) {
            book.bids.clear();
            book.asks.clear();
            book.known = false;
        }
    }

    /** Every market read, in the order first seen. */
    public Map<String, MarketBook> books() {
        return Collections.unmodifiableMap(books);
    }

    public Optional<MarketBook> book(String market) {
        return Optional.ofNullable(books.get(market));
    }

    /** Every hole seen, each marked announced or not by the continuity records given so far. */
    public List<Hole> holes() {
        if (!holesChecked) {
            holes.replaceAll(hole -> {
                String key = key(hole.market(), hole.source());
                java.util.Set<Long> fullBooks = fullBookSequences.getOrDefault(key, java.util.Set.of());
                boolean announced = announcements.getOrDefault(key, List.of()).stream()
                        .anyMatch(sequence -> sequence >= hole.after() && fullBooks.contains(sequence + 1));
                return new Hole(hole.market(), hole.source(), hole.after(), hole.next(), announced);
            });
            holesChecked = true;
        }
        return Collections.unmodifiableList(holes);
    }

    public List<Hole> unannouncedHoles() {
        return holes().stream().filter(hole -> !hole.announced()).toList();
    }

    private static String key(String market, String source) {
        return market + "\u0000" + source;
    }
}
