package io.marketmesh.node.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The markets the simulator lists, fixed at start from the seed: Polymarket markets with a YES and a NO token
 * (token ids are long decimal strings, condition ids 0x-hex, as on the venue) and Kalshi tickers.
 */
record SimCatalog(List<PolymarketMarket> polymarket, List<KalshiMarket> kalshi) {

    record PolymarketMarket(String id, String conditionId, String question, String yesToken, String noToken) {
    }

    record KalshiMarket(String ticker, String eventTicker, String marketId, String title) {
    }

    SimCatalog {
        polymarket = List.copyOf(polymarket);
        kalshi = List.copyOf(kalshi);
    }

    static SimCatalog generate(int polymarketMarkets, int kalshiMarkets, long seed) {
        Random random = new Random(seed ^ 0x5EEDCA7AL);
        List<PolymarketMarket> poly = new ArrayList<>(polymarketMarkets);
        for (int i = 0; i < polymarketMarkets; i++) {
            poly.add(new PolymarketMarket(Integer.toString(500_000 + i), "0x" + hex(random, 64),
                    "Simulated question " + (i + 1) + "?", digits(random, 77), digits(random, 77)));
        }
        List<KalshiMarket> kalshi = new ArrayList<>(kalshiMarkets);
        for (int i = 0; i < kalshiMarkets; i++) {
            String event = "KXSIM-26DEC31";
            kalshi.add(new KalshiMarket(event + "-T" + (100 + i * 5) + ".99", event, uuid(random),
                    "Simulated index above " + (100 + i * 5) + ".99?"));
        }
        return new SimCatalog(poly, kalshi);
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
