package io.marketmesh.node.venue.polymarket;

import java.util.Arrays;

/**
 * Token id → {@link Asset}, looked up straight from the parser's character buffer so that no String is made
 * per frame. Open addressing with linear probing; entries are never removed (an unsubscribed token is only
 * flagged), which keeps probing simple and bounds the table by the tokens this one socket has ever carried.
 */
final class AssetIndex {

    private Asset[] table = new Asset[64];
    private int size;

    /** The asset for {@code id}, made on first use. */
    Asset getOrCreate(String id) {
        Asset found = find(id);
        if (found != null) {
            return found;
        }
        if ((size + 1) * 2 > table.length) {
            grow();
        }
        Asset asset = new Asset(id);
        insert(table, asset);
        size++;
        return asset;
    }

    Asset find(String id) {
        return find(id.toCharArray(), 0, id.length());
    }

    /** The asset whose id equals {@code chars[offset, offset+length)}, or null. */
    Asset find(char[] chars, int offset, int length) {
        int mask = table.length - 1;
        int slot = spread(hash(chars, offset, length)) & mask;
        while (true) {
            Asset a = table[slot];
            if (a == null) {
                return null;
            }
            if (Arrays.equals(a.idChars, 0, a.idChars.length, chars, offset, offset + length)) {
                return a;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void grow() {
        Asset[] bigger = new Asset[table.length * 2];
        for (Asset a : table) {
            if (a != null) {
                insert(bigger, a);
            }
        }
        table = bigger;
    }

    private static void insert(Asset[] into, Asset asset) {
        int mask = into.length - 1;
        int slot = spread(hash(asset.idChars, 0, asset.idChars.length)) & mask;
        while (into[slot] != null) {
            slot = (slot + 1) & mask;
        }
        into[slot] = asset;
    }

    /**
     * Length and the last 16 characters only: token ids are 70-78 digit numbers that differ throughout, and
     * hashing all of them cost more than the rest of the lookup.
     */
    private static int hash(char[] chars, int offset, int length) {
        int end = offset + length;
        int h = length;
        for (int i = Math.max(offset, end - 16); i < end; i++) {
            h = 31 * h + chars[i];
        }
        return h;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    @Override
    public String toString() {
        return "AssetIndex" + Arrays.stream(table).filter(a -> a != null).map(a -> a.id).toList();
    }
}
