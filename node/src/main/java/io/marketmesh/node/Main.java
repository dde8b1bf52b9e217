package io.marketmesh.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.NodeGuardian;
import io.marketmesh.node.cluster.DurableState;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.publish.EmbeddedKafka;
import io.marketmesh.node.publish.KafkaSettings;
import io.marketmesh.node.simulator.DemoVenues;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one marketmesh node; {@code --demo} also starts simulated venues on loopback and follows them;
 * {@code --simulator} and {@code --kafka} run only the simulated venues or only a Kafka broker, for a local cluster.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private static final String USAGE = """
            usage: java -jar marketmesh-node.jar [--demo | --simulator | --kafka | --help]

              (no option)  start a node following the live venues configured in reference.conf
                           (override with -Dconfig.file=my.conf, -Dmarketmesh.<key>=..., or MARKETMESH_* env vars)
              --demo       also start simulated Polymarket and Kalshi venues on loopback and follow them:
                           live moving books with no network and no venue account
              --simulator  run only the simulated venues (no node), on marketmesh.simulator.port (9900 when 0),
                           for several nodes to follow; writes the simulated Kalshi key to
                           marketmesh.simulator.kalshi-key-file and prints the nodes' settings as
                           MARKETMESH_*=value lines on stdout. Runs until stopped (SIGTERM, Ctrl-C)
              --kafka      run only an embedded Kafka broker (no node) on marketmesh.kafka.embedded.port with data
                           in marketmesh.kafka.embedded.data-dir, for several nodes to share; prints
                           MARKETMESH_KAFKA_BOOTSTRAP_SERVERS=... Runs until stopped (SIGTERM, Ctrl-C)
              --help       print this and exit

            Then: curl http://127.0.0.1:8080/api/v1/markets   (docs/http-api.md lists every endpoint;
            docs/operations.md runs a local cluster with --simulator and --kafka)
            """;

    private Main() {
    }

    private enum Mode { NODE, DEMO, SIMULATOR, KAFKA }

    public static void main(String[] args) {
        Mode mode = Mode.NODE;
        for (String arg : args) {
            Mode chosen = switch (arg) {
                case "--demo" -> Mode.DEMO;
                case "--simulator" -> Mode.SIMULATOR;
                case "--kafka" -> Mode.KAFKA;
                case "--help", "-h" -> {
                    System.out.print(USAGE);
                    yield null;
                }
                default -> {
                    System.err.println("unknown option: " + arg);
                    System.err.print(USAGE);
                    System.exit(2);
                    yield null;
                }
            };
            if (chosen == null) {
                return;
            }
            if (mode != Mode.NODE && mode != chosen) {
                System.err.println("choose one of --demo, --simulator, --kafka");
                System.exit(2);
            }
            mode = chosen;
        }
        switch (mode) {
            case SIMULATOR -> runSimulator();
            case KAFKA -> runKafka();
            default -> runNode(mode == Mode.DEMO);
        }
    }

    private static void runNode(boolean demo) {
        Config overrides = ConfigFactory.empty();
        DemoVenues venues = null;
        if (demo) {
            venues = DemoVenues.start(NodeConfig.load());
            overrides = venues.nodeOverrides();
        }
        Config config;
        try {
            config = NodeConfig.load(overrides);
            NodeConfig.validate(config);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("marketmesh: configuration error: " + e.getMessage());
            if (venues != null) {
                venues.close();
            }
            System.exit(2);
            return;
        }
        if (DurableState.directory(config).isPresent()) {
            try {
                // Launched other than with java -jar (which opens them from the manifest) and without the flags.
                DurableState.checkJvmFlags();
            } catch (IllegalStateException e) {
                System.err.println("marketmesh: " + e.getMessage());
                if (venues != null) {
                    venues.close();
                }
                System.exit(2);
                return;
            }
        }
        KafkaSettings kafka = KafkaSettings.fromConfig(config.getConfig("marketmesh.kafka"));
        if (kafka.embeddedBroker()) {
            try {
                // The one clear message before anything starts; the node re-checks when it binds.
                EmbeddedKafka.checkPortFree(kafka.embedded().port());
            } catch (IllegalStateException e) {
                System.err.println("marketmesh: " + e.getMessage());
                if (venues != null) {
                    venues.close();
                }
                System.exit(2);
                return;
            }
        }
        ActorSystem<Void> system = ActorSystem.create(NodeGuardian.create(), "marketmesh", config);
        if (venues != null) {
            DemoVenues started = venues;
            system.getWhenTerminated().thenRun(started::close);
            log.info("demo: simulated venues on 127.0.0.1:{}; try curl http://{}:{}/api/v1/markets",
                    started.simulator().port(), config.getString("marketmesh.http.interface"),
                    config.getInt("marketmesh.http.port"));
        }
    }

    /** {@code --simulator}: the simulated venues alone, until the JVM is stopped. */
    private static void runSimulator() {
        DemoVenues venues;
        try {
            venues = DemoVenues.startStandalone(NodeConfig.load());
        } catch (ConfigException | IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println("marketmesh: " + e.getMessage());
            System.exit(2);
            return;
        }
        // No hook of ours: the simulator's actor system runs its coordinated shutdown on SIGTERM, which unbinds the
        // port and stops the venues; the key file stays for the next start.
        System.out.println("# marketmesh venue simulator: control at " + venues.simulator().controlUrl()
                + "/sim/{venue}/...; a node follows it with these settings:");
        venues.nodeEnvironment().forEach((name, value) -> System.out.println(envLine(name, value)));
        System.out.flush();
        awaitShutdown();
    }

    /** {@code --kafka}: the embedded Kafka broker alone, until the JVM is stopped (the broker then stops cleanly). */
    private static void runKafka() {
        EmbeddedKafka broker;
        try {
            KafkaSettings kafka = KafkaSettings.fromConfig(NodeConfig.load().getConfig("marketmesh.kafka"));
            broker = EmbeddedKafka.start(kafka.embedded());
        } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("marketmesh: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-shutdown"));
        log.info("embedded Kafka broker listening on {}, data in {}", broker.bootstrapServers(), broker.dataDir());
        System.out.println("# marketmesh Kafka broker (cluster id " + broker.clusterId() + "); nodes use it with:");
        System.out.println(envLine("MARKETMESH_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()));
        System.out.flush();
        awaitShutdown();
    }

    /** {@code NAME=value}, the value single-quoted when the shell would otherwise split or expand it. */
    static String envLine(String name, String value) {
        if (value.matches("[A-Za-z0-9_./:@,%+=-]*")) {
            return name + "=" + value;
        }
        return name + "='" + value.replace("'", "'\\''") + "'";
    }

    /** Parks the main thread; the shutdown hooks stop what runs and the JVM exits. */
    private static void awaitShutdown() {
        try {
            new java.util.concurrent.CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
