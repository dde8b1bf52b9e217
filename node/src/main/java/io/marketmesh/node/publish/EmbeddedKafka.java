package io.marketmesh.node.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single Apache Kafka broker (KRaft, combined broker + controller) running inside this JVM, listening on
 * 127.0.0.1 only. Its data directory is formatted once with a fresh cluster id; later starts find
 * {@code meta.properties} there and reuse the data, so topics and records survive a restart.
 *
 * <p>{@link #start} blocks until the broker serves requests (a few seconds); call it off actor threads.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final int port;
    private final Path dataDir;
    private final String clusterId;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, int port, Path dataDir, String clusterId) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.clusterId = clusterId;
    }

    /** Starts a broker with the given settings (ports 0 = any free loopback port). */
    public static EmbeddedKafka start(KafkaSettings.Embedded settings) {
        return start(settings.port(), settings.dataDir(), settings.controllerPort());
    }

    /**
     * Formats {@code dataDir} if it holds no broker yet, then starts the broker and returns once it serves.
     *
     * @throws IllegalStateException with a message naming the setting to change when a port is taken or the
     *                               data directory cannot be used
     */
    public static EmbeddedKafka start(int port, Path dataDir, int controllerPort) {
        Path dir = dataDir.toAbsolutePath().normalize();
        int brokerPort = port == 0 ? freePort() : requireFree(port, "marketmesh.kafka.bootstrap-servers or marketmesh.kafka.embedded.port");
        int ctrlPort = controllerPort == 0 ? freePortOtherThan(brokerPort)
                : requireFree(controllerPort, "marketmesh.kafka.embedded.controller-port");

        String clusterId;
        try {
            Files.createDirectories(dir);
            clusterId = format(dir);
        } catch (Exception e) {
            throw new IllegalStateException("embedded Kafka cannot use its data directory " + dir + ": " + e.getMessage()
                    + " — set marketmesh.kafka.embedded.data-dir", e);
        }

        KafkaConfig config = new KafkaConfig(brokerProperties(brokerPort, ctrlPort, dir));
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            stopQuietly(server);
            if (hasCause(e, BindException.class)) {
                throw new IllegalStateException(portMessage(brokerPort, "marketmesh.kafka.bootstrap-servers or marketmesh.kafka.embedded.port")
                        + " (broker " + HOST + ":" + brokerPort + ", controller " + HOST + ":" + ctrlPort + ")", e);
            }
            throw new IllegalStateException("embedded Kafka failed to start on " + HOST + ":" + brokerPort
                    + " with data in " + dir + ": " + e.getMessage(), e);
        }
        return new EmbeddedKafka(server, brokerPort, dir, clusterId);
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String clusterId() {
        return clusterId;
    }

    /** Stops the broker (controlled shutdown) and waits for it. Safe to call more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    /**
     * Fails with the node's one clear message if nothing can listen on {@code 127.0.0.1:port}. Used at start so a
     * taken port stops the node before anything else starts.
     */
    public static void checkPortFree(int port) {
        if (port != 0) {
            requireFree(port, "marketmesh.kafka.bootstrap-servers or marketmesh.kafka.embedded.port");
        }
    }

    /** The cluster id stored in {@code dataDir/meta.properties}, if the directory was formatted before. */
    static Optional<String> storedClusterId(Path dataDir) throws IOException {
        Path meta = dataDir.resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            properties.load(in);
        }
        return Optional.ofNullable(properties.getProperty("cluster.id")).filter(id -> !id.isBlank());
    }

    /** {@code kafka-storage format --ignore-formatted}, skipped when the directory already holds a broker. */
    private static String format(Path dir) throws Exception {
        Optional<String> stored = storedClusterId(dir);
        if (stored.isPresent()) {
            return stored.get();
        }
        String clusterId = Uuid.randomUuid().toString();
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(clusterId)
                .setNodeId(NODE_ID)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(dir.toString())
                .setDirectories(List.of(dir.toString()))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setIgnoreFormatted(true)
                .run();
        LOG.info("formatted embedded Kafka data directory {} (cluster id {})", dir, clusterId);
        return clusterId;
    }

    private static Map<String, String> brokerProperties(int brokerPort, int controllerPort, Path dir) {
        Map<String, String> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.toString());
        // One broker: internal topics must not ask for more replicas than exist, or groups and idempotent
        // producers hang.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The node creates its topics with explicit partitions; a typo in a reader must not create another.
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private static int requireFree(int port, String setting) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException(portMessage(port, setting), e);
        }
    }

    private static String portMessage(int port, String setting) {
        return "embedded Kafka cannot listen on " + HOST + ":" + port + " (port in use?) — set " + setting;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port for embedded Kafka: " + e.getMessage(), e);
        }
    }

    private static int freePortOtherThan(int taken) {
        int port = freePort();
        return port != taken ? port : freePort();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.debug("stopping a broker that failed to start", e);
        }
    }
}
