package io.marketmesh.node.venue.kalshi;

/**
 * A reusable window onto a parser's character buffer, so decimal tokens are parsed without a String per value.
 * Valid only until the parser moves on.
 */
final class CharView implements CharSequence {

    private char[] chars = new char[0];
    private int offset;
    private int length;

    CharView set(char[] chars, int offset, int length) {
        this.chars = chars;
        this.offset = offset;
        this.length = length;
        return this;
    }

    boolean contentEquals(String s) {
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

    @Override
    public String toString() {
        return new String(chars, offset, length);
    }
}
