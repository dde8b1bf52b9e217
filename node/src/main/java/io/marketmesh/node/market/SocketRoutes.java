package io.marketmesh.node.market;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.cluster.UniqueAddress;

/**
 * A socket incarnation's {@code route}, the numbering its messages to each book carry ({@link SocketOrder}): the high
 * 31 bits name the node incarnation it runs on, the low 32 bits count the node's sockets. So a book can tell whether
 * its writer ran on a node the cluster lost, and ignore a stale mark for a lost node once a socket elsewhere has
 * taken it over. Unique in the cluster: unique per node incarnation by the count, and two node incarnations share a
 * tag only by a 1 in 2^31 chance (the tag comes from Pekko's random 64-bit uid of each).
 */
public final class SocketRoutes {

    /** Shared by every actor system in the JVM (tests run several): still one count per route. */
    private static final AtomicInteger SOCKETS = new AtomicInteger(ThreadLocalRandom.current().nextInt());

    private SocketRoutes() {
    }

    /** The 31-bit tag, never 0, that names this node incarnation in its sockets' routes. */
    public static int nodeTag(UniqueAddress node) {
        long uid = node.longUid();
        int tag = (int) (uid ^ (uid >>> 32)) & 0x7fff_ffff;
        return tag == 0 ? 1 : tag;
    }

    /** A new socket incarnation's route on the node of {@code nodeTag}: positive, never 0 ("not numbered"). */
    public static long next(int nodeTag) {
        return ((long) nodeTag << 32) | (SOCKETS.getAndIncrement() & 0xffff_ffffL);
    }

    /** The tag of the node whose socket drew {@code route}. */
    public static int nodeOf(long route) {
        return (int) (route >>> 32);
    }
}
