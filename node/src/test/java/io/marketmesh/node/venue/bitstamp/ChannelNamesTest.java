package io.marketmesh.node.venue.bitstamp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ChannelNamesTest {

    @Test
    void aNameMetAgainIsTheSameStringAndAFullTableStillAnswersRight() {
        ChannelNames names = new ChannelNames();
        char[] frame = "xx\"diff_order_book_btcusd\"".toCharArray();
        String first = names.of(frame, 3, 22);
        assertEquals("diff_order_book_btcusd", first);
        assertSame(first, names.of("diff_order_book_btcusd".toCharArray(), 0, 22), "no new String for a known name");
        for (int i = 0; i < 3000; i++) { // more names than it keeps: a socket flooded with channels it never asked for
            char[] name = ("live_trades_pair" + i).toCharArray();
            assertEquals("live_trades_pair" + i, names.of(name, 0, name.length));
        }
        char[] late = "live_trades_pair2999".toCharArray();
        assertNotSame(names.of(late, 0, late.length), names.of(late, 0, late.length), "past its bound nothing is kept");
        assertSame(first, names.of(frame, 3, 22));
    }
}
