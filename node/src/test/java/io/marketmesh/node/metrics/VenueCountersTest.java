package io.marketmesh.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.marketmesh.node.metrics.VenueCounters.BadFrameReason;
import org.junit.jupiter.api.Test;

/** The bounded labels made of free text: the venue sessions' bad-frame reasons, sorted into four. */
class VenueCountersTest {

    @Test
    void badFrameReasonsAreSortedIntoTheBoundedSet() {
        assertEquals(BadFrameReason.MALFORMED, BadFrameReason.of("Kalshi frame is not valid JSON: Unexpected end"));
        assertEquals(BadFrameReason.MALFORMED, BadFrameReason.of("OKX frame cannot be read: x"));
        assertEquals(BadFrameReason.MALFORMED, BadFrameReason.of("Kraken frame not understood: y"));
        assertEquals(BadFrameReason.UNKNOWN, BadFrameReason.of("unknown Bitstamp event 'bts:foo'"));
        assertEquals(BadFrameReason.UNKNOWN, BadFrameReason.of("Bybit topic not followed by this node: t"));
        assertEquals(BadFrameReason.UNKNOWN, BadFrameReason.of("OKX push on channel 'x', which this socket never subscribed"));
        assertEquals(BadFrameReason.BINARY, BadFrameReason.of("unexpected binary frame of 12 bytes"));
        assertEquals(BadFrameReason.OTHER, BadFrameReason.of("Bybit trade without price p or size v"));
        assertEquals(BadFrameReason.OTHER, BadFrameReason.of(null));
    }

    @Test
    void eachBadFrameIsAlsoABadFrameError() {
        VenueCounters counters = new VenueCounters(io.marketmesh.protocol.Venue.KALSHI);
        counters.onBadFrame(BadFrameReason.UNKNOWN);
        counters.onError("socket");
        counters.onError("no such kind");
        assertEquals(1, counters.badFrames(BadFrameReason.UNKNOWN));
        assertEquals(1, counters.errors(java.util.List.of(VenueCounters.ERROR_KINDS).indexOf("bad_frame")));
        assertEquals(1, counters.errors(java.util.List.of(VenueCounters.ERROR_KINDS).indexOf("socket")));
    }
}
