package io.marketmesh.node.simulator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.venue.kalshi.KalshiKeys;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The demo: simulated Polymarket and Kalshi venues in their own local actor system, and the configuration that
 * points a node at them. A throwaway RSA key pair plays the Kalshi API key, so the node signs its handshake exactly
 * as it would for the live venue and the simulator checks it.
 */
public final class DemoVenues implements AutoCloseable {

    public static final String DEMO_KEY_ID = "marketmesh-demo-key";

    private final ActorSystem<Void> system;
    private final VenueSimulator simulator;
    private final Path privateKeyFile;

    private DemoVenues(ActorSystem<Void> system, VenueSimulator simulator, Path privateKeyFile) {
        this.system = system;
        this.simulator = simulator;
        this.privateKeyFile = privateKeyFile;
    }

    /** Starts the simulated venues as {@code marketmesh.simulator} in {@code config} describes. */
    public static DemoVenues start(Config config) {
        Config sim = config.getConfig("marketmesh.simulator");
        KeyPair keys = KalshiKeys.newKeyPair();
        Path keyFile = writePrivateKey(keys);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "simulator", ConfigFactory.parseString(
                        "pekko.actor.provider = local\npekko.coordinated-shutdown.exit-jvm = off\n"
                                + "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
                                + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"")
                .withFallback(ConfigFactory.defaultReference()));
        try {
            VenueSimulator simulator = VenueSimulator.start(system, new SimulatorSettings(sim.getInt("port"),
                    sim.getInt("polymarket-markets"), sim.getInt("kalshi-markets"), sim.getDouble("updates-per-second"),
                    sim.getLong("seed"), keys.getPublic(), DEMO_KEY_ID));
            return new DemoVenues(system, simulator, keyFile);
        } catch (RuntimeException e) {
            system.terminate();
            deleteQuietly(keyFile);
            throw e;
        }
    }

    public VenueSimulator simulator() {
        return simulator;
    }

    /** Node settings that follow the simulated venues, discovering their markets over their REST APIs. */
    public Config nodeOverrides() {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("marketmesh.venues.polymarket.enabled", true);
        overrides.put("marketmesh.venues.polymarket.ws-url", simulator.polymarketWsUrl());
        overrides.put("marketmesh.venues.polymarket.rest-url", simulator.polymarketRestUrl());
        overrides.put("marketmesh.venues.polymarket.markets", List.of());
        overrides.put("marketmesh.venues.kalshi.enabled", true);
        overrides.put("marketmesh.venues.kalshi.ws-url", simulator.kalshiWsUrl());
        overrides.put("marketmesh.venues.kalshi.rest-url", simulator.kalshiRestUrl());
        overrides.put("marketmesh.venues.kalshi.markets", List.of());
        overrides.put("marketmesh.venues.kalshi.key-id", DEMO_KEY_ID);
        overrides.put("marketmesh.venues.kalshi.private-key-file", privateKeyFile.toString());
        return ConfigFactory.parseMap(overrides);
    }

    public List<String> markets(Venue venue) {
        return simulator.markets(venue);
    }

    @Override
    public void close() {
        simulator.close();
        system.terminate();
        deleteQuietly(privateKeyFile);
    }

    private static Path writePrivateKey(KeyPair keys) {
        try {
            Path file = Files.createTempFile("marketmesh-demo-kalshi-", ".pem");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the temp directory's defaults apply
            }
            Files.writeString(file, KalshiKeys.privateKeyPem(keys.getPrivate()), StandardCharsets.US_ASCII);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's Kalshi key file", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temp file; deleteOnExit tries again
        }
    }
}
