package io.marketmesh.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** marketmesh.cluster.durable turns into Distributed Data's durable settings, and one directory serves one node. */
class DurableStateSettingsTest {

    private static final String KEYS = "pekko.cluster.distributed-data.durable.keys";

    @Test
    void byDefaultTheUsersStateIsKeptInDataDurableAndTheCatalogueIsNot() {
        Config config = NodeConfig.load();
        assertEquals(List.of("subscriptions-*", "removed-by-user-*", "instruments-runtime"), config.getStringList(KEYS));
        assertEquals("data/durable", config.getString("pekko.cluster.distributed-data.durable.lmdb.dir"));
        assertTrue(config.getStringList(KEYS).stream().noneMatch(key -> "catalog-binance-0-of-8".startsWith(
                key.replace("*", ""))), "the catalogue is described again by the venues, not kept");
    }

    @Test
    void theDirectoryIsTheUsersAndDisablingKeepsNothing() {
        Config moved = NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.cluster.durable.dir", "/var/lib/mm/state")));
        assertEquals("/var/lib/mm/state", moved.getString("pekko.cluster.distributed-data.durable.lmdb.dir"));
        Config off = NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.cluster.durable.enabled", false)));
        assertEquals(List.of(), off.getStringList(KEYS));
        assertTrue(DurableState.directory(off).isEmpty());
    }

    @Test
    void aDirectoryPekkoWouldRenameAfterThePortIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(
                ConfigFactory.parseMap(Map.of("marketmesh.cluster.durable.dir", "run/ddata"))));
        assertTrue(e.getMessage().contains("marketmesh.cluster.durable.dir"), e.getMessage());
    }

    @Test
    void aSecondNodeOnTheSameDirectoryIsRefusedUntilTheFirstReleasesIt(@TempDir Path dir) {
        FileLock first = DurableState.lock(dir.resolve("node"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DurableState.lock(dir.resolve("node")));
        assertTrue(e.getMessage().contains("in use by another node"), e.getMessage());
        DurableState.release(first);
        DurableState.release(DurableState.lock(dir.resolve("node")));
    }

    @Test
    void theTestJvmOpensWhatLmdbNeeds() {
        // Surefire's argLine carries the same add-opens as the jar's manifest; without them this would name them.
        DurableState.checkJvmFlags();
    }
}
