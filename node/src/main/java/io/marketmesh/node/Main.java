package io.marketmesh.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.cluster.NodeGuardian;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.publish.EmbeddedKafka;
import io.marketmesh.node.publish.KafkaSettings;
import io.marketmesh.node.simulator.DemoVenues;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts one marketmesh node; {@code --demo} also starts simulated venues on loopback and follows them. */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private static final String USAGE = """
            usage: java -jar marketmesh-node.jar [--demo] [--help]

              (no option)  start a node following the live venues configured in reference.conf
                           (override with -Dconfig.file=my.conf, -Dmarketmesh.<key>=..., or MARKETMESH_* env vars)
              --demo       also start simulated Polymarket and Kalshi venues on loopback and follow them:
                           live moving books with no network and no venue account
              --help       print this and exit

            Then: curl http://127.0.0.1:8080/api/v1/markets   (docs/http-api.md lists every endpoint)
            """;

    private Main() {
    }

    public static void main(String[] args) {
        boolean demo = false;
        for (String arg : args) {
            switch (arg) {
                case "--demo" -> demo = true;
                case "--help", "-h" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> {
                    System.err.println("unknown option: " + arg);
                    System.err.print(USAGE);
                    System.exit(2);
                }
            }
        }
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
}
