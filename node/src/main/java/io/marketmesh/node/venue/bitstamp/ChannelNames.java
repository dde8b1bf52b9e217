package io.marketmesh.node.venue.bitstamp;

/**
 * The channel names a session meets, kept once each, so reading a frame's {@code channel} makes no new String: the
 * few names a socket follows are looked up by their characters (hashed as {@link String#hashCode} does) in an
 * open-addressing table. Bounded: once full, a name not in it is returned as a new String and not kept, so frames for
 * channels nobody follows cannot grow it.
 */
final class ChannelNames {

    private static final int CAPACITY = 4096; // twice the 2,048 channel names a socket of 1,024 subscriptions can meet
    private static final int MAX_KEPT = CAPACITY / 2;

    private final String[] table = new String[CAPACITY];
    private int kept;

    String of(char[] chars, int offset, int length) {
        int hash = 0;
        for (int i = offset; i < offset + length; i++) {
            hash = 31 * hash + chars[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (CAPACITY - 1);
        for (String name = table[slot]; name != null; name = table[slot]) {
            if (name.hashCode() == hash && equal(name, chars, offset, length)) {
                return name;
            }
            slot = (slot + 1) & (CAPACITY - 1);
        }
        String name = new String(chars, offset, length);
        if (kept < MAX_KEPT) {
            table[slot] = name;
            kept++;
        }
        return name;
    }

    private static boolean equal(String name, char[] chars, int offset, int length) {
        if (name.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
