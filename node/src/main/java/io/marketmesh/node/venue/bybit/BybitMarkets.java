package io.marketmesh.node.venue.bybit;

/**
 * Venue symbol → {@link BybitMarket} of one socket, looked up straight from the frame's text (the symbol is the tail of
 * its topic), so no String is made per frame. Open addressing with linear probing; entries are
 * never removed (an unsubscribed market is only flagged), which bounds the table by the markets this socket carried.
 */
final class BybitMarkets {

    private BybitMarket[] table = new BybitMarket[64];
    private int size;

    BybitMarket get(String venueSymbol) {
        return find(venueSymbol, 0, venueSymbol.length());
    }

    void add(BybitMarket market) {
        if ((size + 1) * 2 > table.length) {
            BybitMarket[] bigger = new BybitMarket[table.length * 2];
            for (BybitMarket m : table) {
                if (m != null) {
                    insert(bigger, m);
                }
            }
            table = bigger;
        }
        insert(table, market);
        size++;
    }

    /** The market whose venue symbol is {@code text[start, end)}, or null. */
    BybitMarket find(String text, int start, int end) {
        int mask = table.length - 1;
        int slot = hash(text, start, end) & mask;
        while (true) {
            BybitMarket m = table[slot];
            if (m == null) {
                return null;
            }
            if (m.venueSymbol.length() == end - start && text.regionMatches(start, m.venueSymbol, 0, end - start)) {
                return m;
            }
            slot = (slot + 1) & mask;
        }
    }

    private static void insert(BybitMarket[] into, BybitMarket market) {
        int mask = into.length - 1;
        int slot = hash(market.venueSymbol, 0, market.venueSymbol.length()) & mask;
        while (into[slot] != null) {
            slot = (slot + 1) & mask;
        }
        into[slot] = market;
    }

    private static int hash(String text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text.charAt(i);
        }
        return h ^ (h >>> 16);
    }
}
