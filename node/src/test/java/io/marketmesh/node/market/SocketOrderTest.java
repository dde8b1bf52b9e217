package io.marketmesh.node.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.market.SocketOrder.Arrival;
import org.junit.jupiter.api.Test;

/**
 * What a book makes of its sockets' numbered messages: one writer, and the orders a shard's move to another node can
 * bring.
 */
class SocketOrderTest {

    private static final long A = 11;
    private static final long B = 22;

    @Test
    void inOrderAfterASnapshot() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.TAKE_OVER, order.arrive(A, 5, true), "the first snapshot makes its socket the writer");
        assertEquals(Arrival.NEXT, order.arrive(A, 6, false));
        assertEquals(Arrival.NEXT, order.arrive(A, 7, false));
    }

    @Test
    void changesOvertakenByTheSnapshotOrByLaterChangesAreLate() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.TAKE_OVER, order.arrive(A, 5, true));
        assertEquals(Arrival.LATE, order.arrive(A, 3, false));
        assertEquals(Arrival.LATE, order.arrive(A, 4, false));
        assertEquals(Arrival.NEXT, order.arrive(A, 6, false));
    }

    @Test
    void aSnapshotOvertakenByLaterChangesIsLateToo() {
        SocketOrder order = new SocketOrder();
        // A new actor: changes 11 and 12 (ignored: no book yet) arrive before snapshot 10, which misses them.
        assertEquals(Arrival.NO_WRITER, order.arrive(A, 11, false));
        assertEquals(Arrival.NO_WRITER, order.arrive(A, 12, false));
        assertEquals(Arrival.LATE, order.arrive(A, 10, true));
        assertFalse(order.hasWriter());
        assertEquals(Arrival.TAKE_OVER, order.arrive(A, 13, true));
        assertEquals(Arrival.NEXT, order.arrive(A, 14, false));
    }

    @Test
    void aMissingChangeIsAGapButNotBeforeASnapshot() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.TAKE_OVER, order.arrive(A, 1, true));
        assertEquals(Arrival.GAP, order.arrive(A, 3, false));
        assertEquals(Arrival.NEXT, order.arrive(A, 7, true), "a snapshot replaces the book: what came before is moot");
        assertEquals(Arrival.NEXT, order.arrive(A, 8, false));
    }

    @Test
    void onlyTheWritersChangesCountUntilAnotherSocketsSnapshotTakesOver() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.TAKE_OVER, order.arrive(A, 1, true));
        order.writerIs(0, 3, 17, 1000);
        assertEquals(Arrival.OTHER_WRITER, order.arrive(B, 1, false));
        assertEquals(Arrival.OTHER_WRITER, order.arrive(B, 2, false));
        assertEquals(Arrival.NEXT, order.arrive(A, 2, false), "the writer, its numbering unbroken");
        assertFalse(order.fromWriter(B));
        assertTrue(order.fromWriter(A));
        assertEquals(Arrival.TAKE_OVER, order.arrive(B, 3, true));
        assertEquals(B, order.writerRoute());
        assertEquals(1, order.takeOvers());
        assertEquals(Arrival.NEXT, order.arrive(B, 4, false));
        assertEquals(Arrival.OTHER_WRITER, order.arrive(A, 3, false), "the former writer's: dropped");
        assertEquals(Arrival.LATE, order.arrive(A, 2, true), "the former writer's snapshot from before: late");
        assertEquals(Arrival.TAKE_OVER, order.arrive(A, 4, true), "its new snapshot takes the book back");
        assertEquals(Arrival.OTHER_WRITER, order.arrive(B, 5, false));
        assertEquals(Arrival.NEXT, order.arrive(0, 0, false), "not numbered: nothing to check");
        assertTrue(order.fromWriter(0));
    }

    @Test
    void aNonWritersSnapshotOvertakenByItsOwnChangesDoesNotTakeOver() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.TAKE_OVER, order.arrive(A, 1, true));
        // B's snapshot 5 is overtaken by its change 6 (a shard's move): 5 lacks 6, so it must not become the book.
        assertEquals(Arrival.OTHER_WRITER, order.arrive(B, 6, false));
        assertEquals(Arrival.LATE, order.arrive(B, 5, true));
        assertEquals(A, order.writerRoute());
        assertEquals(Arrival.TAKE_OVER, order.arrive(B, 7, true));
    }

    @Test
    void manySocketsHeardFromStayFree() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.TAKE_OVER, order.arrive(A, 1, true));
        for (long route = 100; route < 200; route++) {
            assertEquals(Arrival.OTHER_WRITER, order.arrive(route, 1, false));
        }
        assertEquals(Arrival.NEXT, order.arrive(A, 2, false));
    }

    @Test
    void checkingAMessageAllocatesNothing() {
        SocketOrder order = new SocketOrder();
        order.arrive(A, 1, true);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        long taken = 0;
        for (long seq = 2; seq < 1_000_002; seq++) {
            // The writer's changes, with another socket's interleaved and, now and then, its snapshot taking over.
            taken += order.arrive(A, seq, false) == Arrival.NEXT ? 1 : 0;
            order.arrive(B + (seq & 7), seq, seq % 100_000 == 0);
            if (seq % 100_000 == 0) {
                order.arrive(A, ++seq, true);
            }
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(taken > 900_000, "the writer's changes were taken: " + taken);
        // A million checks: one allocation each would be megabytes; a few kilobytes are the test's own bookkeeping.
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes");
    }
}
