package io.marketmesh.node.venue.cryptocom;

import io.marketmesh.node.venue.CharWindow;

/**
 * Hands back the same String for the same characters (instrument and subscription names repeat on every frame), so
 * the hot path makes no String per frame. Direct-mapped by hash: a collision only costs a new String.
 */
final class StringCache {

    private final String[] slots;

    /** @param size a power of two */
    StringCache(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two");
        }
        slots = new String[size];
    }

    String get(CharWindow text) {
        char[] chars = text.buffer();
        int offset = text.offset();
        int length = text.length();
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + chars[offset + i];
        }
        int slot = (hash ^ (hash >>> 16)) & (slots.length - 1);
        String cached = slots[slot];
        if (cached != null && cached.hashCode() == hash && text.contentEquals(cached)) {
            return cached;
        }
        String made = new String(chars, offset, length);
        slots[slot] = made;
        return made;
    }
}
