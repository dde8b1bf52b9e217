package io.marketmesh.node.venue;

/**
 * A reusable window on a streaming JSON parser's character buffer, so venue parsers read decimals (with {@link
 * io.marketmesh.protocol.Decimals#parse(CharSequence, int, int)}) and match names without making a String per
 * value. Valid only until the parser moves on.
 */
public final class CharWindow implements CharSequence {

    private char[] chars = new char[0];
    private int offset;
    private int length;

    public CharWindow set(char[] chars, int offset, int length) {
        this.chars = chars;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public char[] buffer() {
        return chars;
    }

    public int offset() {
        return offset;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return chars[offset + index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(chars, offset + start, end - start);
    }

    public boolean contentEquals(String s) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (chars[offset + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive comparison with an upper-case ASCII word, without making a String. */
    public boolean equalsIgnoreCase(String upperCase) {
        if (upperCase.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = chars[offset + i];
            char u = upperCase.charAt(i);
            if (c != u && (c < 'a' || c > 'z' || c - ('a' - 'A') != u)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return new String(chars, offset, length);
    }
}
