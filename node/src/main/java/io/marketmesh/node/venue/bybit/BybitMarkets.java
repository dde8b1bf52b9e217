package io.marketmesh.node.venue.bybit;

import java.util.Arrays;

/**
 * Venue symbol → {@link BybitMarket} of one socket, looked up straight from the parser's character buffer (the symbol
 * is the tail of the frame's topic), so no String is made per frame. Open addressing with linear probing; entries are
 * never removed (an unsubscribed market is only flagged), which bounds the table by the markets this socket carried.
 */
final class BybitMarkets {

    private BybitMarket[] table = new BybitMarket[64];
    private int size;

    BybitMarket get(String venueSymbol) {
        return find(venueSymbol.toCharArray(), 0, venueSymbol.length());
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

    /** The market whose venue symbol is {@code chars[offset, offset+length)}, or null. */
    BybitMarket find(char[] chars, int offset, int length) {
        int mask = table.length - 1;
        int slot = hash(chars, offset, length) & mask;
        while (true) {
            BybitMarket m = table[slot];
            if (m == null) {
                return null;
            }
            if (Arrays.equals(m.venueChars, 0, m.venueChars.length, chars, offset, offset + length)) {
                return m;
            }
            slot = (slot + 1) & mask;
        }
    }

    private static void insert(BybitMarket[] into, BybitMarket market) {
        int mask = into.length - 1;
        int slot = hash(market.venueChars, 0, market.venueChars.length) & mask;
        while (into[slot] != null) {
            slot = (slot + 1) & mask;
        }
        into[slot] = market;
    }

    private static int hash(char[] chars, int offset, int length) {
        int h = 0;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + chars[i];
        }
        return h ^ (h >>> 16);
    }
}
