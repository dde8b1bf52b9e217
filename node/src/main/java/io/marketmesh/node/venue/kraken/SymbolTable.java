package io.marketmesh.node.venue.kraken;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Symbol → value, looked up straight from the parser's character buffer so that a book frame makes no String for its
 * symbol. Open addressing with linear probing and backward-shift removal; one per socket, holding the few dozen
 * symbols it carries.
 */
final class SymbolTable<T> {

    private String[] keys = new String[32];
    private char[][] keyChars = new char[32][];
    private Object[] values = new Object[32];
    private int size;

    /** By a String: no copy of its characters (a symbol read from a frame is usually this table's own key). */
    @SuppressWarnings("unchecked")
    T get(String symbol) {
        int mask = keys.length - 1;
        int slot = hash(symbol) & mask;
        while (keys[slot] != null) {
            String k = keys[slot];
            if (k == symbol || k.equals(symbol)) {
                return (T) values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    T get(char[] chars, int offset, int length) {
        int mask = keys.length - 1;
        int slot = hash(chars, offset, length) & mask;
        while (keys[slot] != null) {
            char[] k = keyChars[slot];
            if (Arrays.equals(k, 0, k.length, chars, offset, offset + length)) {
                return (T) values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    /** The key object equal to the given characters, or null: lets a caller reuse the symbol's one String. */
    String key(char[] chars, int offset, int length) {
        int mask = keys.length - 1;
        int slot = hash(chars, offset, length) & mask;
        while (keys[slot] != null) {
            char[] k = keyChars[slot];
            if (Arrays.equals(k, 0, k.length, chars, offset, offset + length)) {
                return keys[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    void put(String symbol, T value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        if (insert(symbol, value)) {
            size++;
        }
    }

    T remove(String symbol) {
        char[] chars = symbol.toCharArray();
        int mask = keys.length - 1;
        int slot = hash(chars, 0, chars.length) & mask;
        while (keys[slot] != null) {
            if (keys[slot].equals(symbol)) {
                @SuppressWarnings("unchecked")
                T removed = (T) values[slot];
                deleteAt(slot);
                size--;
                return removed;
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    List<T> values() {
        List<T> all = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                all.add((T) values[i]);
            }
        }
        return all;
    }

    List<String> keys() {
        List<String> all = new ArrayList<>(size);
        for (String k : keys) {
            if (k != null) {
                all.add(k);
            }
        }
        return all;
    }

    /** @return true when the key was new */
    private boolean insert(String symbol, Object value) {
        char[] chars = symbol.toCharArray();
        int mask = keys.length - 1;
        int slot = hash(chars, 0, chars.length) & mask;
        while (keys[slot] != null) {
            if (keys[slot].equals(symbol)) {
                values[slot] = value;
                return false;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = symbol;
        keyChars[slot] = chars;
        values[slot] = value;
        return true;
    }

    /** Backward-shift deletion: later entries of the same probe run move up, so lookups never stop early. */
    private void deleteAt(int slot) {
        int mask = keys.length - 1;
        int hole = slot;
        int next = (slot + 1) & mask;
        while (keys[next] != null) {
            int home = hash(keyChars[next], 0, keyChars[next].length) & mask;
            // Move the entry into the hole unless its home lies cyclically within (hole, next].
            boolean stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
            if (!stays) {
                keys[hole] = keys[next];
                keyChars[hole] = keyChars[next];
                values[hole] = values[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        keys[hole] = null;
        keyChars[hole] = null;
        values[hole] = null;
    }

    private void grow() {
        String[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new String[oldKeys.length * 2];
        keyChars = new char[keys.length][];
        values = new Object[keys.length];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** The same hash as {@link #hash(char[], int, int)} over the whole string. */
    private static int hash(String s) {
        int length = s.length();
        int h = length;
        for (int i = 0; i < length; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    private static int hash(char[] chars, int offset, int length) {
        int h = length;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + chars[i];
        }
        return h ^ (h >>> 16);
    }
}
