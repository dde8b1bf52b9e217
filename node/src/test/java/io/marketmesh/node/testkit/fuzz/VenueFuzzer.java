package io.marketmesh.node.testkit.fuzz;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Feeds a venue session its real captured frames with mutated ones among them, the way a connection actor does
 * (frame text in, events to the markets' actors, stale notices and resync requests back and forth, REST snapshots
 * answered), and checks after every frame what a user would notice:
 * <ul>
 * <li>nothing the session does throws (the connection would fail the socket);</li>
 * <li>a frame that is not JSON (cut off, flipped, nested past the parser's limit) is counted as a bad frame;</li>
 * <li>a book served fresh equals the book the clean capture gives at that point (before or after the original of a
 * mutated frame), unless the frame that changed it was a valid-looking one (a flipped digit, a field from another
 * message) that the venue's integrity checks cannot tell from the truth: then the market is followed no further
 * until a snapshot makes it equal again;</li>
 * <li>every level a mutated frame put in a book carries exactly a number that frame holds, and every level served
 * fresh has a positive price and size;</li>
 * <li>optionally, after each pass, a clean snapshot heals every book to exactly that snapshot, served fresh.</li>
 * </ul>
 * Mutated frames go in before their original (the venue then resends it, as after a glitch) or, for venues whose
 * sequence numbers or checksums can show a loss, instead of it. Deterministic by seed: {@code -Dfuzz.seed=} replays
 * a run, {@code -Dfuzz.frames=} sets how many mutated frames a venue gets (default 10,000).
 */
public final class VenueFuzzer {

    /** Default number of mutated frames per venue. */
    public static final int DEFAULT_FRAMES = 10_000;
    private static final long BASE_SEED = 0x14F0_22ED_0000L;
    /**
     * JSON as the standard defines it: no limit on nesting or number length (Jackson's defaults of 1000 are a policy a
     * session may keep or not; a frame past them need not be counted, only never throw).
     */
    private static final JsonFactory STRICT_JSON = JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(1_000_000)
                    .maxNumberLength(1_000_000).build())
            .build();
    private static final int SHOWN = 2_000;
    /** {@code -Dfuzz.trace=true} prints every mutated frame as it is fed (with a seed, to see what led to a failure). */
    private static final boolean TRACE = Boolean.getBoolean("fuzz.trace");

    private final Venue venue;
    private final Supplier<VenueSession> sessions;
    private final List<String> symbols;
    /** Captures of separate sockets: a pass replays one of them on a fresh session, in turn. */
    private final List<List<String>> captures;
    private Function<FetchRequest, String> rest = r -> null;
    private Predicate<String> firedTimers = tag -> false;
    private int comparedLevels = 50;
    private boolean detectsLoss;
    private Function<BigDecimal, List<BigDecimal>> wirePrices = List::of;
    private boolean relativeSizes;
    private List<String> healFrames;
    /** Half the frames get a mutated twin: enough clean ones between them for books to live, and fewer passes. */
    private double mutationRate = 0.5;
    /** A clean session fed only the heal frames: the books every heal must give. */
    private Run healed;

    private VenueFuzzer(Venue venue, Supplier<VenueSession> sessions, List<String> symbols, List<List<String>> captures) {
        this.venue = venue;
        this.sessions = sessions;
        this.symbols = List.copyOf(symbols);
        this.captures = captures.stream().map(List::copyOf).toList();
    }

    /** Fuzzes sessions from {@code sessions}, each subscribed to {@code symbols} and fed {@code frames} in order. */
    public static VenueFuzzer of(Venue venue, Supplier<VenueSession> sessions, List<String> symbols, List<String> frames) {
        return new VenueFuzzer(venue, sessions, symbols, List.of(frames));
    }

    /**
     * Like {@link #of}, for captures of different sockets (their sequence numbers each start afresh): each pass replays
     * one capture on a fresh session, in turn.
     */
    public static VenueFuzzer ofSockets(Venue venue, Supplier<VenueSession> sessions, List<String> symbols,
                                        List<List<String>> captures) {
        return new VenueFuzzer(venue, sessions, symbols, captures);
    }

    /**
     * Answers the session's REST fetches with the body this gives (null: a 404). Each URL is answered once a pass: the
     * captured body was the venue's book only when it was captured, so a later fetch (a resync) gets a 503, as if the
     * venue were busy, and the book waits stale.
     */
    public VenueFuzzer rest(Function<FetchRequest, String> bodies) {
        this.rest = bodies;
        return this;
    }

    /** Timers fired as soon as the session schedules them (a REST snapshot's due time, say). */
    public VenueFuzzer fireTimers(Predicate<String> tags) {
        this.firedTimers = tags;
        return this;
    }

    /**
     * Only the best {@code levels} of each side are compared with the clean capture: a venue's checksum covers only
     * its top levels, so a lost change below them is invisible until it rises into them.
     */
    public VenueFuzzer compareLevels(int levels) {
        this.comparedLevels = levels;
        return this;
    }

    /** The venue's sequence numbers or checksums show a lost frame: mutated frames may also replace their original. */
    public VenueFuzzer detectsLoss() {
        this.detectsLoss = true;
        return this;
    }

    /** The wire numbers a book price may have come from (Kalshi: a NO bid is the ask 1 - p; legacy frames in cents). */
    public VenueFuzzer wirePrices(Function<BigDecimal, List<BigDecimal>> forms) {
        this.wirePrices = forms;
        return this;
    }

    /** Changes carry signed size changes (Kalshi): a level's size is not a number of the frame. */
    public VenueFuzzer relativeSizes() {
        this.relativeSizes = true;
        return this;
    }

    /** After each pass every market is resynced and fed these clean frames: the books must equal theirs, fresh. */
    public VenueFuzzer healWith(List<String> frames) {
        this.healFrames = List.copyOf(frames);
        return this;
    }

    /** What one run did, for the test to print and assert on. */
    public record Report(long seed, int mutated, int passes, long badFrames, int acceptedStrict, int tainted,
                         int heals, long cpuMillis, Map<FrameMutator.Kind, Integer> kinds) {
    }

    public Report run() {
        long seed = Long.getLong("fuzz.seed", BASE_SEED + venue.ordinal());
        int target = Integer.getInteger("fuzz.frames", DEFAULT_FRAMES);
        System.out.println("fuzz " + venue.id() + ": seed " + seed + ", " + target + " mutated frames"
                + " (replay with -Dfuzz.seed=" + seed + ", more with -Dfuzz.frames=N)");
        long cpuBefore = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        List<List<Map<MarketKey, Top>>> references = captures.stream().map(this::reference).toList();
        SplittableRandom random = new SplittableRandom(seed);
        FrameMutator mutator = new FrameMutator(random);
        Map<FrameMutator.Kind, Integer> kinds = new java.util.EnumMap<>(FrameMutator.Kind.class);
        Totals totals = new Totals();
        int passes = 0;
        while (totals.mutated < target) {
            passes++;
            List<String> frames = captures.get((passes - 1) % captures.size());
            List<Map<MarketKey, Top>> reference = references.get((passes - 1) % captures.size());
            Run run = new Run(seed, passes, frames);
            for (int i = 0; i < frames.size() && totals.mutated < target && !run.reconnected; i++) {
                String original = frames.get(i);
                boolean mutate = random.nextDouble() < mutationRate;
                boolean replace = false;
                if (mutate) {
                    FrameMutator.Mutation m = mutator.mutate(original, frames.get(random.nextInt(frames.size())));
                    replace = detectsLoss && random.nextInt(6) == 0;
                    totals.mutated++;
                    kinds.merge(m.kind(), 1, Integer::sum);
                    run.feedMutated(i, m, original, reference, totals);
                }
                if (replace) {
                    run.lost(i, reference, run.lastAcceptedValidLooking);
                } else if (!run.reconnected) {
                    run.feedClean(i, reference);
                }
            }
            totals.badFrames += run.badFrames;
            if (healFrames != null && !run.reconnected) {
                run.heal();
                totals.heals++;
            }
        }
        Report report = new Report(seed, totals.mutated, passes, totals.badFrames, totals.acceptedStrict,
                totals.tainted, totals.heals,
                (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore) / 1_000_000,
                kinds);
        System.out.println("fuzz " + venue.id() + ": " + report);
        return report;
    }

    private static final class Totals {
        int mutated;
        long badFrames;
        int acceptedStrict;
        int tainted;
        int heals;
    }

    /** The best levels of one book, for comparison. */
    private record Top(List<PriceLevel> bids, List<PriceLevel> asks) {
        static final Top EMPTY = new Top(List.of(), List.of());
    }

    /** The clean capture's books after each frame, as their actors would hold them. */
    private List<Map<MarketKey, Top>> reference(List<String> frames) {
        Run clean = new Run(0, 0, frames);
        List<Map<MarketKey, Top>> after = new ArrayList<>(frames.size());
        Map<MarketKey, Top> previous = Map.of();
        for (int i = 0; i < frames.size(); i++) {
            clean.feed(frames.get(i), i, "the clean capture", null);
            Map<MarketKey, Top> now = new HashMap<>();
            for (var e : clean.books.markets().entrySet()) {
                Top top = top(e.getValue().book, comparedLevels);
                Top before = previous.get(e.getKey());
                now.put(e.getKey(), top.equals(before) ? before : top);
            }
            after.add(now);
            previous = now;
        }
        return after;
    }

    private Top top(OrderBook book, int levels) {
        return new Top(book.topBids(levels), book.topAsks(levels));
    }

    /** One socket's life: a session, what it sent out, and its markets' books. */
    private final class Run {
        final long seed;
        final int pass;
        final List<String> frames;
        final VenueSession session = sessions.get();
        final RecordingOutput out = new RecordingOutput();
        final ActorBooks books = new ActorBooks();
        /** Markets a valid-looking mutation changed: compared again once a snapshot makes them equal. */
        final Set<MarketKey> tainted = new HashSet<>();
        final List<MarketEvent> frameEvents = new ArrayList<>();
        /** How many of {@link #frameEvents} the session made from the frame itself (the rest from REST answers). */
        int ownEvents;
        /**
         * Markets whose change was lost (its frame replaced by a mutated one), with their book before it: served so
         * until their next change, which must then show the loss (a sequence gap, a failed checksum).
         */
        final Map<MarketKey, Top> lagging = new HashMap<>();
        long badFrames;
        boolean reconnected;
        /** Whether the last mutated frame was a valid-looking one the session did not count as bad. */
        boolean lastAcceptedValidLooking;
        /** The last mutated frames fed, for the failure message. */
        final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
        final Set<String> fetched = new HashSet<>();
        String context = "";

        Run(long seed, int pass, List<String> frames) {
            this.seed = seed;
            this.pass = pass;
            this.frames = frames;
            guarded(() -> session.subscribe(symbols, out), "subscribe");
            drain();
        }

        void feedClean(int index, List<Map<MarketKey, Top>> reference) {
            context = "clean frame " + index;
            feed(frames.get(index), index, context, null);
            checkBooks(reference, index, index, null, frames.get(index));
        }

        void feedMutated(int index, FrameMutator.Mutation m, String original, List<Map<MarketKey, Top>> reference,
                         Totals totals) {
            context = "mutated frame at index " + index + " (" + m.kind() + ": " + m.detail() + ")";
            if (recent.size() == 6) {
                recent.removeFirst();
            }
            if (TRACE) {
                System.out.println("fuzz " + venue.id() + " pass " + pass + " #" + index + " " + m.kind() + " ("
                        + m.detail() + (m.strict() ? ", strict" : ", valid-looking") + "): " + m.frame());
            }
            recent.addLast("#" + index + " " + m.kind() + " (" + FrameMutator.abbreviate(m.detail()) + ", "
                    + (m.strict() ? "strict" : "valid-looking") + "): "
                    + (m.frame().length() > 400 ? m.frame().substring(0, 400) + "..." : m.frame()));
            long badBefore = badFrames;
            feed(m.frame(), index, context, m);
            if (!isJson(m.frame()) && badFrames == badBefore && !reconnected) {
                fail("a frame that is not JSON was not counted as a bad frame", m.frame(), original);
            }
            lastAcceptedValidLooking = !m.strict() && badFrames == badBefore;
            if (lastAcceptedValidLooking) {
                // Its effect may come later (a buffered diff spliced onto a REST snapshot, a sequence number moved
                // on): every market the frame names is followed no further until a snapshot.
                for (String symbol : symbols) {
                    if (m.frame().toLowerCase(java.util.Locale.ROOT).contains(symbol.toLowerCase(java.util.Locale.ROOT))) {
                        totals.tainted += tainted.add(MarketKey.of(venue, symbol)) ? 1 : 0;
                    }
                }
            }
            boolean bookEvents = false;
            for (MarketEvent e : frameEvents) {
                if (e instanceof BookSnapshot || e instanceof BookDelta) {
                    bookEvents = true;
                    if (!m.strict()) {
                        totals.tainted += tainted.add(e.market()) ? 1 : 0;
                    }
                }
            }
            if (bookEvents) {
                if (m.strict()) {
                    totals.acceptedStrict++;
                }
                checkExact(m.frame(), original);
            }
            checkBooks(reference, index - 1, index, m, original);
        }

        /**
         * The original of frame {@code index} never arrives: the markets it changed lag behind the venue's. When what
         * came instead was a valid-looking frame the session took (it may even have spent the lost frame's sequence
         * number), nothing can show the loss: those markets are followed no further until a snapshot.
         */
        void lost(int index, List<Map<MarketKey, Top>> reference, boolean undetectable) {
            Map<MarketKey, Top> before = index == 0 ? Map.of() : reference.get(index - 1);
            for (var e : reference.get(index).entrySet()) {
                Top was = before.getOrDefault(e.getKey(), Top.EMPTY);
                if (!e.getValue().equals(was)) {
                    if (undetectable) {
                        tainted.add(e.getKey());
                    } else {
                        // The book may stay exactly as it is now (it was checked) until its next change.
                        ActorBooks.Market held = books.markets().get(e.getKey());
                        lagging.put(e.getKey(), held == null ? Top.EMPTY : top(held.book, comparedLevels));
                    }
                }
            }
        }

        /** One frame through the session, then whatever it asked for, as a connection and the actors would do it. */
        void feed(String frame, int index, String what, FrameMutator.Mutation m) {
            frameEvents.clear();
            guarded(() -> session.onText(frame, 1_800_000_000_000L + index, out), what);
            ownEvents = out.events.size();
            drain();
            for (MarketEvent e : frameEvents) {
                if (e instanceof BookSnapshot || e instanceof BookDelta) {
                    lagging.remove(e.market());
                }
            }
        }

        /** Hands the session's output on: events to the books, stale notices, resyncs, REST answers, due timers. */
        void drain() {
            for (int round = 0; round < 100; round++) {
                boolean more = false;
                badFrames += out.badFrames.size();
                out.badFrames.clear();
                for (MarketEvent e : out.events) {
                    books.apply(e);
                    frameEvents.add(e);
                }
                more |= !out.events.isEmpty();
                out.events.clear();
                for (RecordingOutput.Stale s : out.stale) {
                    books.stale(MarketKey.of(venue, s.symbol()), s.reason());
                }
                out.stale.clear();
                if (!out.reconnects.isEmpty()) {
                    // The connection would close the socket and start over with a fresh session: this pass ends.
                    reconnected = true;
                    return;
                }
                for (String symbol : books.takeResyncs()) {
                    guarded(() -> session.resync(symbol, out), "resync of " + symbol);
                    more = true;
                }
                List<RecordingOutput.Fetch> fetches = List.copyOf(out.fetches);
                out.fetches.clear();
                for (RecordingOutput.Fetch f : fetches) {
                    String body = rest.apply(f.request());
                    FetchResponse response = !fetched.add(f.request().url()) ? new FetchResponse(503, "", null)
                            : body == null ? new FetchResponse(404, "", null) : new FetchResponse(200, body, null);
                    guarded(() -> session.onFetched(f.tag(), response, out), "answer to " + f.request().url());
                    more = true;
                }
                for (String tag : List.copyOf(out.timers.keySet())) {
                    if (firedTimers.test(tag)) {
                        out.timers.remove(tag);
                        guarded(() -> session.onTimer(tag, out), "timer " + tag);
                        more = true;
                    }
                }
                out.sent.clear();
                out.venueErrors.clear();
                if (!more) {
                    return;
                }
            }
        }

        /**
         * Every book served fresh and still followed equals the clean capture's after frame {@code from} or after
         * frame {@code to} (a mutated frame may be refused, or read as its original), with positive levels.
         */
        void checkBooks(List<Map<MarketKey, Top>> reference, int from, int to, FrameMutator.Mutation m, String original) {
            // Only books this frame changed, or whose venue book its original changed, can have come apart: the
            // others were checked when they last moved (reference tops are shared while unchanged, hence ==).
            Map<MarketKey, Top> previous = to == 0 ? Map.of() : reference.get(to - 1);
            Map<MarketKey, Top> now = reference.get(to);
            for (var e : books.markets().entrySet()) {
                ActorBooks.Market market = e.getValue();
                if (market.state != ActorBooks.State.LIVE) {
                    continue;
                }
                if (now.get(e.getKey()) == previous.get(e.getKey()) && !touched(e.getKey())) {
                    continue;
                }
                Top top = top(market.book, comparedLevels);
                checkPositive(e.getKey(), top, m, original);
                Top after = reference.get(to).getOrDefault(e.getKey(), Top.EMPTY);
                Top before = from < 0 ? Top.EMPTY : reference.get(from).getOrDefault(e.getKey(), Top.EMPTY);
                boolean equal = top.equals(after) || top.equals(before) || top.equals(lagging.get(e.getKey()));
                if (tainted.contains(e.getKey())) {
                    // Followed again once a clean snapshot frame makes it the venue's book as of now (not a REST
                    // snapshot spliced with buffered diffs: a mutated diff among them may have moved its sequence on).
                    if (m == null && top.equals(after) && snapshotIn(e.getKey())) {
                        tainted.remove(e.getKey());
                    }
                    continue;
                }
                if (!equal) {
                    fail(e.getKey() + " is served fresh with levels the venue never had: " + difference(top, after),
                            m == null ? frames.get(to) : m.frame(), original);
                }
            }
        }

        private boolean touched(MarketKey key) {
            for (MarketEvent e : frameEvents) {
                if ((e instanceof BookSnapshot || e instanceof BookDelta || e instanceof io.marketmesh.protocol.BookReset)
                        && e.market().equals(key)) {
                    return true;
                }
            }
            return false;
        }

        private boolean snapshotIn(MarketKey key) {
            for (MarketEvent e : frameEvents.subList(0, ownEvents)) {
                if (e instanceof BookSnapshot s && s.market().equals(key)) {
                    return true;
                }
            }
            return false;
        }

        void checkPositive(MarketKey key, Top top, FrameMutator.Mutation m, String original) {
            for (List<PriceLevel> side : List.of(top.bids(), top.asks())) {
                for (PriceLevel l : side) {
                    if (l.price() <= 0 || l.price() == Decimals.NONE || l.exactSize().signum() <= 0) {
                        fail(key + " is served fresh with the level " + l, m == null ? original : m.frame(), original);
                    }
                }
            }
        }

        /** Each price and size a mutated frame put in a book is exactly a number written in that frame. */
        void checkExact(String frame, String original) {
            Set<BigDecimal> numbers = numbersIn(frame);
            for (MarketEvent e : frameEvents.subList(0, ownEvents)) {
                if (e instanceof BookSnapshot s) {
                    for (PriceLevel l : s.bids()) {
                        checkLevel(numbers, l.price(), l.exactSize(), false, frame, original);
                    }
                    for (PriceLevel l : s.asks()) {
                        checkLevel(numbers, l.price(), l.exactSize(), false, frame, original);
                    }
                } else if (e instanceof BookDelta d) {
                    for (LevelUpdate u : d.updates()) {
                        checkLevel(numbers, u.price(), u.exactSize(), d.mode() == BookDelta.Mode.RELATIVE, frame, original);
                    }
                }
            }
        }

        private void checkLevel(Set<BigDecimal> numbers, long price, BigDecimal size, boolean relative, String frame,
                                String original) {
            boolean priceWritten = false;
            for (BigDecimal form : wirePrices.apply(Decimals.toBigDecimal(price))) {
                priceWritten |= numbers.contains(form.stripTrailingZeros());
            }
            if (!priceWritten) {
                fail("a book price " + Decimals.toString(price) + " is no number of the frame", frame, original);
            }
            if (!relative && !relativeSizes && size.signum() != 0 && !numbers.contains(size.stripTrailingZeros())) {
                fail("a book size " + size.toPlainString() + " is no number of the frame", frame, original);
            }
        }

        /** After the pass: every market resynced and fed clean snapshots must be served fresh and exactly theirs. */
        void heal() {
            if (healed == null) {
                healed = new Run(0, 0, frames);
                for (String frame : healFrames) {
                    healed.feed(frame, frames.size(), "a heal frame on a clean session", null);
                }
            }
            Run clean = healed;
            for (String symbol : symbols) {
                guarded(() -> session.resync(symbol, out), "resync of " + symbol);
            }
            drain();
            for (String frame : healFrames) {
                context = "heal frame";
                feed(frame, frames.size(), context, null);
            }
            for (var e : clean.books.markets().entrySet()) {
                if (e.getValue().state != ActorBooks.State.LIVE) {
                    continue;
                }
                ActorBooks.Market healed = books.markets().get(e.getKey());
                Top want = top(e.getValue().book, Integer.MAX_VALUE);
                if (healed == null || healed.state != ActorBooks.State.LIVE) {
                    fail(e.getKey() + " is not served fresh after a clean snapshot: "
                            + (healed == null ? "no book" : healed.state + " (" + healed.reason + ")"), "", "");
                }
                Top got = top(healed.book, Integer.MAX_VALUE);
                if (!got.equals(want)) {
                    fail(e.getKey() + " after a clean snapshot does not equal it:\n  got  " + abbreviate(got.toString())
                            + "\n  want " + abbreviate(want.toString()), "", "");
                }
            }
        }

        void guarded(Runnable call, String what) {
            try {
                call.run();
            } catch (Throwable t) {
                String frame = what;
                AssertionError e = new AssertionError(header() + ": the session threw on " + what + ": " + t, t);
                throw e;
            }
        }

        private String header() {
            return venue.id() + " fuzz, seed " + seed + " (-Dfuzz.seed=" + seed + "), pass " + pass + ", " + context;
        }

        void fail(String problem, String frame, String original) {
            throw new AssertionError(header() + ": " + problem + "\n  frame:    " + abbreviate(frame)
                    + "\n  original: " + abbreviate(original) + "\n  last mutated frames of this pass:\n    "
                    + String.join("\n    ", recent) + "\n  lost frames' markets: " + lagging.keySet()
                    + ", not compared: " + tainted);
        }
    }

    /** Where two books first differ, side by side. */
    private static String difference(Top served, Top venue) {
        for (int side = 0; side < 2; side++) {
            List<PriceLevel> a = side == 0 ? served.bids() : served.asks();
            List<PriceLevel> b = side == 0 ? venue.bids() : venue.asks();
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                PriceLevel x = i < a.size() ? a.get(i) : null;
                PriceLevel y = i < b.size() ? b.get(i) : null;
                if (x == null || !x.equals(y)) {
                    return (side == 0 ? "bid" : "ask") + " level " + i + ": served " + x + ", venue " + y
                            + " (served depth " + a.size() + ", venue " + b.size() + ")";
                }
            }
        }
        return "no difference";
    }

    /** The values of every number of a frame, bare or in a string. */
    static Set<BigDecimal> numbersIn(String frame) {
        JsonTokens json = new JsonTokens(frame);
        Set<BigDecimal> out = new HashSet<>();
        for (int t = 0; t < json.tokens.size(); t++) {
            JsonTokens.Token token = json.tokens.get(t);
            String text = json.tokenText(t);
            if (token.type() == JsonTokens.Type.STRING && text.length() > 2) {
                text = text.substring(1, text.length() - 1);
            } else if (token.type() != JsonTokens.Type.NUMBER) {
                continue;
            }
            if (text.length() > 5_000) {
                continue;
            }
            try {
                out.add(new BigDecimal(text).stripTrailingZeros());
            } catch (NumberFormatException notANumber) {
                // a word, not a number
            }
        }
        return out;
    }

    /** Whether {@code text} is one JSON value, within Jackson's default limits (nesting, number and string length). */
    static boolean isJson(String text) {
        try (JsonParser p = STRICT_JSON.createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    static String abbreviate(String s) {
        if (s.length() <= SHOWN) {
            return s;
        }
        return s.substring(0, SHOWN / 2) + " ...[" + (s.length() - SHOWN) + " chars]... " + s.substring(s.length() - SHOWN / 2);
    }
}
