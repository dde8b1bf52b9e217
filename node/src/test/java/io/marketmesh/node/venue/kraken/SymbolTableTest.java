package io.marketmesh.node.venue.kraken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-socket symbol table against a HashMap through random adds and removes (removal shifts probe runs back). */
class SymbolTableTest {

    @Test
    void behavesLikeAMapThroughRandomAddsAndRemoves() {
        Random random = new Random(7);
        SymbolTable<Integer> table = new SymbolTable<>();
        Map<String, Integer> truth = new HashMap<>();
        List<String> bases = List.of("BTC", "ETH", "SOL", "DOGE", "XRP", "ADA", "PEPE", "LINK", "DOT", "AVAX");
        List<String> quotes = List.of("USD", "EUR", "USDT", "USDC", "GBP", "BTC");
        for (int step = 0; step < 20_000; step++) {
            String symbol = bases.get(random.nextInt(bases.size())) + "/" + quotes.get(random.nextInt(quotes.size()))
                    + (random.nextInt(4) == 0 ? "" : Integer.toString(random.nextInt(20)));
            if (random.nextInt(3) == 0) {
                assertEquals(truth.remove(symbol), table.remove(symbol), symbol);
            } else {
                truth.put(symbol, step);
                table.put(symbol, step);
            }
            assertEquals(truth.size(), table.size());
            String probe = bases.get(random.nextInt(bases.size())) + "/" + quotes.get(random.nextInt(quotes.size()))
                    + Integer.toString(random.nextInt(20));
            assertEquals(truth.get(probe), table.get(probe), probe);
            char[] chars = ("x" + probe + "y").toCharArray();
            assertEquals(truth.get(probe), table.get(chars, 1, probe.length()), probe);
        }
        assertEquals(truth.keySet(), new java.util.HashSet<>(table.keys()));
        for (Map.Entry<String, Integer> entry : truth.entrySet()) {
            assertEquals(entry.getValue(), table.get(entry.getKey()));
            String key = table.key(entry.getKey().toCharArray(), 0, entry.getKey().length());
            assertEquals(entry.getKey(), key);
            assertSame(key, table.key(key.toCharArray(), 0, key.length()), "the table's one String is handed out");
        }
        assertNull(table.get("NOPE/USD"));
    }
}
