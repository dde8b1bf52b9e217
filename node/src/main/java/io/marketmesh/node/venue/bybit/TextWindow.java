package io.marketmesh.node.venue.bybit;

/**
 * A reusable view of part of a String, so a size can be handed to {@code LevelUpdate.parse} as the text the venue
 * sent without making a String per value. Valid until moved.
 */
final class TextWindow implements CharSequence {

    private String text = "";
    private int offset;
    private int length;

    TextWindow set(String text, int start, int end) {
        this.text = text;
        this.offset = start;
        this.length = end - start;
        return this;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return text.charAt(offset + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.substring(offset + start, offset + end);
    }

    @Override
    public String toString() {
        return text.substring(offset, offset + length);
    }
}
