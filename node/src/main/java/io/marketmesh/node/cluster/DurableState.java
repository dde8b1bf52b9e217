package io.marketmesh.node.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.marketmesh.node.instrument.InstrumentDirectory;
import io.marketmesh.node.subscription.Subscriptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code marketmesh.cluster.durable}: which replicated entries each node also keeps on disk, so that what users
 * changed survives a restart of every node at once. Pekko Distributed Data's durable storage (LMDB) loads them
 * before the replicator answers anything, and a replica merges them with the other nodes' like any gossip.
 *
 * <p>Kept: the followed markets, the markets users removed, the per-venue "seeded" flags (without them a restarted
 * cluster would seed again from configuration and bring back a configured market a user removed) and the instruments
 * added at runtime. Not kept: the market catalogue, which the venues describe again within a refresh.
 */
public final class DurableState {

    private static final String KEYS = "pekko.cluster.distributed-data.durable.keys";
    private static final String LMDB_DIR = "pekko.cluster.distributed-data.durable.lmdb.dir";
    private static final String LOCK_FILE = "node.lock";

    private DurableState() {
    }

    /** The Distributed Data keys kept on disk ({@code *} at the end: every key with that prefix). */
    public static List<String> keys() {
        List<String> keys = new ArrayList<>(Subscriptions.DURABLE_KEYS);
        keys.add(InstrumentDirectory.DURABLE_KEY);
        return List.copyOf(keys);
    }

    /**
     * The configuration with Distributed Data's durable keys and LMDB directory set from {@code
     * marketmesh.cluster.durable} (no durable key when it is disabled). The directory is used as given; a name ending
     * in {@code ddata} is refused, since Pekko would append the node's port to it and lose the data when the port
     * changes.
     */
    public static Config apply(Config config) {
        Config durable = config.getConfig("marketmesh.cluster.durable");
        if (!durable.getBoolean("enabled")) {
            return config.withValue(KEYS, ConfigValueFactory.fromIterable(List.of()));
        }
        String dir = durable.getString("dir");
        if (dir.isBlank()) {
            throw new IllegalArgumentException("marketmesh.cluster.durable.dir must not be empty");
        }
        if (dir.endsWith("ddata")) {
            // Pekko would store in <dir>-<system>-<port>: the state would depend on the port the node listens on.
            throw new IllegalArgumentException("marketmesh.cluster.durable.dir = " + dir
                    + ": a directory name ending in 'ddata' is renamed by Pekko after the node's port; choose another");
        }
        return config.withValue(KEYS, ConfigValueFactory.fromIterable(keys()))
                .withValue(LMDB_DIR, ConfigValueFactory.fromAnyRef(dir));
    }

    /** This node's directory, when durable state is enabled. */
    public static java.util.Optional<Path> directory(Config config) {
        Config durable = config.getConfig("marketmesh.cluster.durable");
        return durable.getBoolean("enabled")
                ? java.util.Optional.of(Path.of(durable.getString("dir")).toAbsolutePath().normalize())
                : java.util.Optional.empty();
    }

    /**
     * Creates the directory and takes its lock for this node's life. LMDB is opened without a lock of its own (Pekko
     * opens it with MDB_NOLOCK), so two nodes writing one directory would corrupt it: the second is refused here.
     *
     * @throws IllegalStateException naming the directory and the setting to change when it cannot be used
     */
    public static FileLock lock(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("durable state directory " + dir + " is in use by another node: "
                        + "give each node its own marketmesh.cluster.durable.dir (MARKETMESH_DURABLE_DIR)");
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use durable state directory " + dir
                    + " (set marketmesh.cluster.durable.dir / MARKETMESH_DURABLE_DIR): " + e.getMessage(), e);
        }
    }

    /**
     * Fails when the JVM does not open the NIO packages LMDB reaches into: without them the store's first use is a
     * fatal error that stops the whole JVM, so the node refuses to start with the flags to add instead.
     *
     * @throws IllegalStateException naming the missing flags
     */
    public static void checkJvmFlags() {
        Module unnamed = DurableState.class.getModule();
        Module base = Object.class.getModule();
        if (!base.isOpen("java.nio", unnamed) || !base.isOpen("sun.nio.ch", unnamed)) {
            throw new IllegalStateException("durable state (LMDB) needs the JVM flags --add-opens "
                    + "java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED (java -jar "
                    + "marketmesh-node.jar adds them itself), or marketmesh.cluster.durable.enabled = false");
        }
    }

    /** Releases a lock taken by {@link #lock}. */
    public static void release(FileLock lock) {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            // The process is stopping; the OS drops the lock with it.
        }
    }
}
