package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Channel names as clients write them. */
class StreamChannelTest {

    /**
     * Found by HttpApiFuzzTest: {@code book:kalshi: } (a blank symbol) parsed, then failed making its market's key,
     * which answered a Server-Sent Events request with 500. A blank symbol is a bad channel.
     */
    @Test
    void aBlankSymbolIsABadChannel() {
        for (String name : List.of("book:kalshi: ", "trades:kalshi:\t", "book:kalshi:   ")) {
            assertThrows(StreamChannel.BadChannel.class, () -> StreamChannel.parse(name), name);
        }
    }

    @Test
    void aSymbolMayHoldColonsAndSlashes() throws Exception {
        assertEquals("BTC/USD", StreamChannel.parse("book:kraken:BTC/USD").symbol());
        assertEquals("a:b", StreamChannel.parse("book:kalshi:a:b").symbol());
    }
}
