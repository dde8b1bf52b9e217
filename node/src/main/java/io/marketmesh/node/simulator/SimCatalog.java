package io.marketmesh.node.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The markets the simulator lists: Polymarket markets with a YES and a NO token (token ids are long decimal strings,
 * condition ids 0x-hex, as on the venue) and Kalshi tickers. Generated at start from the seed; a test or a person may
 * list more and close any while the simulator runs, so the REST answers change as a venue's do. Thread-safe: the
 * REST routes read it while a control call changes it.
 */
final class SimCatalog {

    /** The markets generated at start open and close at these fixed times, so a run can be repeated. */
    static final Instant GENERATED_OPEN = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant GENERATED_CLOSE = Instant.parse("2026-12-31T23:00:00Z");
    /** A market listed at runtime closes this long after it was listed. */
    static final Duration LISTED_LIFETIME = Duration.ofDays(30);

    /** A market the simulator lists, with the native symbols of its books. */
    sealed interface Listed permits PolymarketMarket, KalshiMarket {
        List<String> symbols();

        boolean closed();
    }

    /** {@code eventSlug} names the event page on polymarket.com; {@code closed} once the venue closed it. */
    record PolymarketMarket(String id, String conditionId, String question, String yesToken, String noToken,
                            String eventSlug, Instant startDate, Instant endDate, boolean closed) implements Listed {

        @Override
        public List<String> symbols() {
            return List.of(yesToken, noToken);
        }

        PolymarketMarket close() {
            return new PolymarketMarket(id, conditionId, question, yesToken, noToken, eventSlug, startDate, endDate, true);
        }
    }

    /** {@code closed} once the venue closed it (its REST status then reads {@code closed}). */
    record KalshiMarket(String ticker, String eventTicker, String marketId, String title, Instant openTime,
                        Instant closeTime, boolean closed) implements Listed {

        @Override
        public List<String> symbols() {
            return List.of(ticker);
        }

        KalshiMarket close() {
            return new KalshiMarket(ticker, eventTicker, marketId, title, openTime, closeTime, true);
        }
    }

    private static final String GENERATED_EVENT = "KXSIM-26DEC31";
    private static final String LISTED_EVENT = "KXSIMLIST-26DEC31";

    private final List<PolymarketMarket> polymarket;
    private final List<KalshiMarket> kalshi;
    private final Random random;
    private int listedPolymarket;
    private int listedKalshi;

    private SimCatalog(List<PolymarketMarket> polymarket, List<KalshiMarket> kalshi, Random random) {
        this.polymarket = polymarket;
        this.kalshi = kalshi;
        this.random = random;
    }

    static SimCatalog generate(int polymarketMarkets, int kalshiMarkets, long seed) {
        Random random = new Random(seed ^ 0x5EEDCA7AL);
        List<PolymarketMarket> poly = new ArrayList<>(polymarketMarkets);
        for (int i = 0; i < polymarketMarkets; i++) {
            String id = Integer.toString(500_000 + i);
            poly.add(new PolymarketMarket(id, "0x" + hex(random, 64), "Simulated question " + (i + 1) + "?",
                    digits(random, 77), digits(random, 77), "simulated-event-" + id, GENERATED_OPEN, GENERATED_CLOSE,
                    false));
        }
        List<KalshiMarket> kalshi = new ArrayList<>(kalshiMarkets);
        for (int i = 0; i < kalshiMarkets; i++) {
            kalshi.add(new KalshiMarket(GENERATED_EVENT + "-T" + (100 + i * 5) + ".99", GENERATED_EVENT, uuid(random),
                    "Simulated index above " + (100 + i * 5) + ".99?", GENERATED_OPEN, GENERATED_CLOSE, false));
        }
        return new SimCatalog(poly, kalshi, random);
    }

    /** Every Polymarket market in listing order, closed ones included. */
    synchronized List<PolymarketMarket> polymarket() {
        return List.copyOf(polymarket);
    }

    /** Every Kalshi market in listing order, closed ones included. */
    synchronized List<KalshiMarket> kalshi() {
        return List.copyOf(kalshi);
    }

    /** A new Polymarket market asking {@code question}, not listed until {@link #add}: its books must exist first. */
    synchronized PolymarketMarket newPolymarket(String question, Instant now) {
        int n = ++listedPolymarket;
        String id = Integer.toString(900_000 + n);
        return new PolymarketMarket(id, "0x" + hex(random, 64), question, digits(random, 77), digits(random, 77),
                "simulated-listed-event-" + n, now, now.plus(LISTED_LIFETIME), false);
    }

    /** A new Kalshi market titled {@code title}, not listed until {@link #add}. */
    synchronized KalshiMarket newKalshi(String title, Instant now) {
        int n = ++listedKalshi;
        return new KalshiMarket(LISTED_EVENT + "-N" + n, LISTED_EVENT, uuid(random), title, now,
                now.plus(LISTED_LIFETIME), false);
    }

    /** The venue lists {@code market} from now on. */
    synchronized void add(Listed market) {
        if (market instanceof PolymarketMarket p) {
            polymarket.add(p);
        } else if (market instanceof KalshiMarket k) {
            kalshi.add(k);
        }
    }

    /**
     * The venue closes the Polymarket market of {@code tokenOrCondition} (either token or its condition id): both
     * tokens read closed from now on. Returns the market's tokens; empty when there is no such market.
     */
    synchronized List<String> closePolymarket(String tokenOrCondition) {
        for (int i = 0; i < polymarket.size(); i++) {
            PolymarketMarket market = polymarket.get(i);
            if (market.yesToken().equals(tokenOrCondition) || market.noToken().equals(tokenOrCondition)
                    || market.conditionId().equals(tokenOrCondition)) {
                polymarket.set(i, market.close());
                return market.symbols();
            }
        }
        return List.of();
    }

    /** The venue closes a Kalshi market. Returns its ticker; empty when there is no such market. */
    synchronized List<String> closeKalshi(String ticker) {
        for (int i = 0; i < kalshi.size(); i++) {
            KalshiMarket market = kalshi.get(i);
            if (market.ticker().equals(ticker)) {
                kalshi.set(i, market.close());
                return market.symbols();
            }
        }
        return List.of();
    }

    private static String digits(Random random, int length) {
        StringBuilder sb = new StringBuilder(length).append((char) ('1' + random.nextInt(9)));
        while (sb.length() < length) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    private static String hex(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    private static String uuid(Random random) {
        String h = hex(random, 32);
        return h.substring(0, 8) + '-' + h.substring(8, 12) + '-' + h.substring(12, 16) + '-' + h.substring(16, 20)
                + '-' + h.substring(20);
    }
}
