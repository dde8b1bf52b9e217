package io.marketmesh.node.stream;

import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.util.ArrayList;
import java.util.List;

/**
 * The change of a book's top-N view that one change of the whole book makes: levels that are in the window after it
 * with another size (or new to the window: entered from below, or inserted) are sent with their size; levels that left
 * the window (removed, or pushed below it) are sent with size 0. So a client holding only the top N levels keeps them
 * exact with the same {@code book_delta} it would apply to a whole book.
 */
final class BookWindow {

    private BookWindow() {
    }

    /**
     * @param before the side's best levels before the change, best first (at least {@code depth} of them, or all)
     * @param after  the same after the change
     */
    static void diff(Side side, List<PriceLevel> before, List<PriceLevel> after, int depth, List<LevelUpdate> out) {
        int b = Math.min(depth, before.size());
        int a = Math.min(depth, after.size());
        int i = 0;
        int j = 0;
        // Both lists are best first: bids by falling price, asks by rising price; walk them together.
        while (i < b || j < a) {
            if (j >= a) {
                out.add(new LevelUpdate(side, before.get(i++).price(), 0, null));
                continue;
            }
            if (i >= b) {
                added(side, after.get(j++), out);
                continue;
            }
            PriceLevel was = before.get(i);
            PriceLevel now = after.get(j);
            if (was.price() == now.price()) {
                if (!was.equals(now)) {
                    added(side, now, out);
                }
                i++;
                j++;
            } else if (better(side, was.price(), now.price())) {
                // Gone from the window: removed, or pushed below it.
                out.add(new LevelUpdate(side, was.price(), 0, null));
                i++;
            } else {
                added(side, now, out);
                j++;
            }
        }
    }

    static List<LevelUpdate> diff(List<PriceLevel> bidsBefore, List<PriceLevel> bidsAfter, List<PriceLevel> asksBefore,
                                  List<PriceLevel> asksAfter, int depth) {
        List<LevelUpdate> out = new ArrayList<>(4);
        diff(Side.BID, bidsBefore, bidsAfter, depth, out);
        diff(Side.ASK, asksBefore, asksAfter, depth, out);
        return out;
    }

    private static void added(Side side, PriceLevel level, List<LevelUpdate> out) {
        out.add(new LevelUpdate(side, level.price(), level.size(), level.wideSize()));
    }

    /** Whether price {@code a} ranks before {@code b} on that side. */
    private static boolean better(Side side, long a, long b) {
        return side == Side.BID ? a > b : a < b;
    }
}
