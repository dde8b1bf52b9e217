package io.marketmesh.node.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.venue.Pacing;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pace a venue allows, on a clock the test moves: never more than N frames in any window, never reordered. */
class OutgoingPacerTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void keepsToFiveFramesInAnySecondAndSendsTheRestInOrderWhenAllowed() {
        OutgoingPacer pacer = new OutgoingPacer(new Pacing(5, Duration.ofSeconds(1)), 100);
        for (int i = 1; i <= 12; i++) {
            assertTrue(pacer.offer("frame-" + i));
        }
        long now = 1_000;
        for (int i = 1; i <= 5; i++) {
            assertEquals("frame-" + i, pacer.poll(now));
            now += 10;
        }
        assertNull(pacer.poll(now), "the sixth waits for the window");
        assertEquals(1_000 + SECOND - now, pacer.nanosUntilNext(now), "until a second after the first");
        now = 1_000 + SECOND - 1;
        assertNull(pacer.poll(now));
        now = 1_000 + SECOND;
        assertEquals("frame-6", pacer.poll(now));
        assertNull(pacer.poll(now), "the second frame left 10 ns after the first: its slot frees 10 ns later");
        now += 10;
        assertEquals("frame-7", pacer.poll(now));
        // Later, all at once: as many as the window has room for.
        now += 10 * SECOND;
        int sent = 0;
        for (String frame = pacer.poll(now); frame != null; frame = pacer.poll(now)) {
            assertEquals("frame-" + (8 + sent), frame);
            sent++;
        }
        assertEquals(5, sent);
        assertFalse(pacer.hasWaiting());
        assertEquals(0, pacer.nanosUntilNext(now));
    }

    @Test
    void refusesBeyondItsLimit() {
        OutgoingPacer pacer = new OutgoingPacer(new Pacing(1, Duration.ofSeconds(1)), 2);
        assertTrue(pacer.offer("a"));
        assertTrue(pacer.offer("b"));
        assertFalse(pacer.offer("c"), "a frame the socket cannot take ends it, instead of a lost subscription");
    }
}
