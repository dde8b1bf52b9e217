package io.marketmesh.node.market;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.marketmesh.node.market.SocketOrder.Arrival;
import org.junit.jupiter.api.Test;

/** What a book makes of its sockets' numbered messages, in the orders a shard's move to another node can bring. */
class SocketOrderTest {

    private static final long A = 11;
    private static final long B = 22;

    @Test
    void inOrderAfterASnapshot() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.NEXT, order.arrive(A, 5, true));
        assertEquals(Arrival.NEXT, order.arrive(A, 6, false));
        assertEquals(Arrival.NEXT, order.arrive(A, 7, false));
    }

    @Test
    void changesOvertakenByTheSnapshotOrByLaterChangesAreLate() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.NEXT, order.arrive(A, 5, true));
        assertEquals(Arrival.LATE, order.arrive(A, 3, false));
        assertEquals(Arrival.LATE, order.arrive(A, 4, false));
        assertEquals(Arrival.NEXT, order.arrive(A, 6, false));
    }

    @Test
    void aSnapshotOvertakenByLaterChangesIsLateToo() {
        SocketOrder order = new SocketOrder();
        // A new actor: changes 11 and 12 (ignored: no book yet) arrive before snapshot 10, which misses them.
        assertEquals(Arrival.OTHER_SOCKET, order.arrive(A, 11, false));
        assertEquals(Arrival.OTHER_SOCKET, order.arrive(A, 12, false));
        assertEquals(Arrival.LATE, order.arrive(A, 10, true));
        assertEquals(Arrival.NEXT, order.arrive(A, 13, true));
        assertEquals(Arrival.NEXT, order.arrive(A, 14, false));
    }

    @Test
    void aMissingChangeIsAGapButNotBeforeASnapshot() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.NEXT, order.arrive(A, 1, true));
        assertEquals(Arrival.GAP, order.arrive(A, 3, false));
        assertEquals(Arrival.NEXT, order.arrive(A, 7, true), "a snapshot replaces the book: what came before is moot");
        assertEquals(Arrival.NEXT, order.arrive(A, 8, false));
    }

    @Test
    void anotherSocketsChangesAreNotTheBooksUntilItsSnapshot() {
        SocketOrder order = new SocketOrder();
        assertEquals(Arrival.NEXT, order.arrive(A, 1, true));
        assertEquals(Arrival.OTHER_SOCKET, order.arrive(B, 1, false));
        assertEquals(Arrival.OTHER_SOCKET, order.arrive(B, 2, false));
        assertEquals(Arrival.NEXT, order.arrive(A, 2, false), "the book's socket, its numbering unbroken");
        assertEquals(Arrival.NEXT, order.arrive(B, 3, true));
        assertEquals(Arrival.NEXT, order.arrive(B, 4, false));
        assertEquals(Arrival.OTHER_SOCKET, order.arrive(A, 3, false), "the former socket's: not the book's any more");
        assertEquals(Arrival.NEXT, order.arrive(0, 0, false), "not numbered: nothing to check");
    }
}
