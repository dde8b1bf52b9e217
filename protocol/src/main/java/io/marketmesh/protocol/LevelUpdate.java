package io.marketmesh.protocol;

/**
 * One level change inside a {@link BookDelta}: with {@link BookDelta.Mode#ABSOLUTE} {@code size} is the
 * level's new size (0 removes it); with {@link BookDelta.Mode#RELATIVE} it is a signed change to add.
 */
public record LevelUpdate(Side side, @Fixed long price, @Fixed long size) {

    /**
     * A level from the venue's size text, exactly as sent. Every venue parser builds its levels through here (or
     * {@link PriceLevel#parse}), so sizes wider than one {@code long} holds are handled in one place.
     *
     * @throws NumberFormatException when the size is not a decimal or cannot be held exactly
     */
    public static LevelUpdate parse(Side side, long price, CharSequence size) {
        return new LevelUpdate(side, price, Decimals.parse(size));
    }

    @Override
    public String toString() {
        return side.id() + " " + Decimals.toString(size) + " @ " + Decimals.toString(price);
    }
}
