package io.marketmesh.protocol;

/**
 * One level change inside a {@link BookDelta}: with {@link BookDelta.Mode#ABSOLUTE} {@code size} is the
 * level's new size (0 removes it); with {@link BookDelta.Mode#RELATIVE} it is a signed change to add.
 */
public record LevelUpdate(Side side, @Fixed long price, @Fixed long size) {

    @Override
    public String toString() {
        return side.id() + " " + Decimals.toString(size) + " @ " + Decimals.toString(price);
    }
}
