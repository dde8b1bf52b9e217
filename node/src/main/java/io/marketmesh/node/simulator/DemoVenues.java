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
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Simulated Polymarket and Kalshi venues in their own local actor system, and the settings that point a node at
 * them: in-process for {@code --demo}, or as a process of their own for {@code --simulator} (a local cluster's nodes
 * all follow one). An RSA key pair plays the Kalshi API key, so a node signs its handshake exactly as it would for
 * the live venue and the simulator checks it.
 */
public final class DemoVenues implements AutoCloseable {

    public static final String DEMO_KEY_ID = "marketmesh-demo-key";
    /** Port of {@code --simulator} when {@code marketmesh.simulator.port} is 0, so scripts know where it is. */
    public static final int STANDALONE_DEFAULT_PORT = 9900;

    /** One node setting: its config path, its environment variable and the value. */
    private record Setting(String path, String env, Object value) {
    }

    private final ActorSystem<Void> system;
    private final VenueSimulator simulator;
    private final Path privateKeyFile;
    private final boolean deleteKeyOnClose;

    private DemoVenues(ActorSystem<Void> system, VenueSimulator simulator, Path privateKeyFile, boolean deleteKeyOnClose) {
        this.system = system;
        this.simulator = simulator;
        this.privateKeyFile = privateKeyFile;
        this.deleteKeyOnClose = deleteKeyOnClose;
    }

    /**
     * {@code --demo}: the venues as {@code marketmesh.simulator} in {@code config} describes (port 0 = any free one),
     * with a fresh key pair whose private key lives in a temporary file, deleted on close.
     */
    public static DemoVenues start(Config config) {
        KeyPair keys = KalshiKeys.newKeyPair();
        Path keyFile = writePrivateKey(keys, null);
        return start(config.getConfig("marketmesh.simulator"), config.getInt("marketmesh.simulator.port"), keys, keyFile, true);
    }

    /**
     * {@code --simulator}: the venues on {@code marketmesh.simulator.port} ({@link #STANDALONE_DEFAULT_PORT} when it
     * is 0), signing with the private key in {@code marketmesh.simulator.kalshi-key-file}: reused when the file holds
     * one (so nodes started earlier keep signing correctly across a simulator restart), else generated and written
     * there, readable by the owner only. The file is kept on close.
     */
    public static DemoVenues startStandalone(Config config) {
        Config sim = config.getConfig("marketmesh.simulator");
        int port = sim.getInt("port") == 0 ? STANDALONE_DEFAULT_PORT : sim.getInt("port");
        Path keyFile = Path.of(sim.getString("kalshi-key-file")).toAbsolutePath().normalize();
        KeyPair keys;
        if (Files.exists(keyFile)) {
            try {
                keys = KalshiKeys.keyPairOf(KalshiKeys.loadPrivateKey(keyFile));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("marketmesh.simulator.kalshi-key-file " + keyFile
                        + " exists but holds no usable RSA private key (" + e.getMessage() + "); delete it or choose another path", e);
            }
        } else {
            keys = KalshiKeys.newKeyPair();
            writePrivateKey(keys, keyFile);
        }
        return start(sim, port, keys, keyFile, false);
    }

    private static DemoVenues start(Config sim, int port, KeyPair keys, Path keyFile, boolean deleteKeyOnClose) {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "simulator", ConfigFactory.parseString(
                        "pekko.actor.provider = local\npekko.coordinated-shutdown.exit-jvm = off\n"
                                + "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
                                + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"")
                .withFallback(ConfigFactory.defaultReference()));
        try {
            VenueSimulator simulator = VenueSimulator.start(system, new SimulatorSettings(sim.getString("interface"), port,
                    sim.getInt("polymarket-markets"), sim.getInt("kalshi-markets"), sim.getDouble("updates-per-second"),
                    sim.getLong("seed"), keys.getPublic(), DEMO_KEY_ID, sim.getInt("crypto-markets")));
            return new DemoVenues(system, simulator, keyFile, deleteKeyOnClose);
        } catch (RuntimeException e) {
            system.terminate();
            if (deleteKeyOnClose) {
                deleteQuietly(keyFile);
            }
            throw e;
        }
    }

    public VenueSimulator simulator() {
        return simulator;
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }

    /** The settings that make a node follow these venues, discovering their markets over their REST APIs. */
    private List<Setting> nodeSettings() {
        List<Setting> settings = List.of(
                new Setting("marketmesh.venues.polymarket.enabled", "MARKETMESH_POLYMARKET_ENABLED", true),
                new Setting("marketmesh.venues.polymarket.ws-url", "MARKETMESH_POLYMARKET_WS_URL", simulator.polymarketWsUrl()),
                new Setting("marketmesh.venues.polymarket.rest-url", "MARKETMESH_POLYMARKET_REST_URL", simulator.polymarketRestUrl()),
                new Setting("marketmesh.venues.polymarket.markets", "MARKETMESH_POLYMARKET_MARKETS", List.of()),
                new Setting("marketmesh.venues.kalshi.enabled", "MARKETMESH_KALSHI_ENABLED", true),
                new Setting("marketmesh.venues.kalshi.ws-url", "MARKETMESH_KALSHI_WS_URL", simulator.kalshiWsUrl()),
                new Setting("marketmesh.venues.kalshi.rest-url", "MARKETMESH_KALSHI_REST_URL", simulator.kalshiRestUrl()),
                new Setting("marketmesh.venues.kalshi.markets", "MARKETMESH_KALSHI_MARKETS", List.of()),
                new Setting("marketmesh.venues.kalshi.key-id", "MARKETMESH_KALSHI_KEY_ID", DEMO_KEY_ID),
                new Setting("marketmesh.venues.kalshi.private-key-file", "MARKETMESH_KALSHI_PRIVATE_KEY_FILE",
                        privateKeyFile.toString()));
        List<Setting> all = new java.util.ArrayList<>(settings);
        for (Venue venue : simulator.cryptoVenues()) {
            String env = "MARKETMESH_" + venue.id().toUpperCase(java.util.Locale.ROOT);
            String path = "marketmesh.venues." + venue.id();
            all.add(new Setting(path + ".enabled", env + "_ENABLED", true));
            all.add(new Setting(path + ".ws-url", env + "_WS_URL", simulator.wsUrl(venue)));
            all.add(new Setting(path + ".rest-url", env + "_REST_URL", simulator.restUrl(venue)));
            // Every simulated market by its native symbol, derivatives included (discovery keeps spot only on some
            // venues), so the demo shows them all and a book check covers them all. Discovery is tested per venue.
            all.add(new Setting(path + ".markets", env + "_MARKETS", simulator.markets(venue)));
        }
        return all;
    }

    /** Node settings (config paths) that follow the simulated venues; {@code --demo} starts its node with them. */
    public Config nodeOverrides() {
        Map<String, Object> overrides = new HashMap<>();
        nodeSettings().forEach(s -> overrides.put(s.path(), s.value()));
        List<String> kalshi = simulator.markets(Venue.KALSHI);
        List<String> polymarket = simulator.markets(Venue.POLYMARKET);
        if (!kalshi.isEmpty() && !polymarket.isEmpty()) {
            // One prediction-market instrument, as a user would declare it: the first Kalshi market and the first
            // Polymarket YES token (the simulator's questions differ, so their prices often "disagree").
            overrides.put("marketmesh.instruments.links", List.of(Map.of("id", "demo-pair", "legs", List.of(
                    Map.of("market", Venue.KALSHI.id() + ":" + kalshi.get(0), "yes", true),
                    Map.of("market", Venue.POLYMARKET.id() + ":" + polymarket.get(0), "yes", true)))));
        }
        return ConfigFactory.parseMap(overrides);
    }

    /**
     * The same settings as environment variables, in order ({@code MARKETMESH_POLYMARKET_WS_URL} ...); a list is one
     * comma-separated value, so an empty one means "discover".
     */
    public Map<String, String> nodeEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Setting s : nodeSettings()) {
            env.put(s.env(), s.value() instanceof List<?> list
                    ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(s.value()));
        }
        return env;
    }

    public List<String> markets(Venue venue) {
        return simulator.markets(venue);
    }

    @Override
    public void close() {
        simulator.close();
        system.terminate();
        if (deleteKeyOnClose) {
            deleteQuietly(privateKeyFile);
        }
    }

    /** Writes the private key, readable by the owner only, to {@code file}, or to a temporary file when it is null. */
    private static Path writePrivateKey(KeyPair keys, Path file) {
        try {
            Path target;
            if (file == null) {
                target = Files.createTempFile("marketmesh-demo-kalshi-", ".pem");
                target.toFile().deleteOnExit();
            } else {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                target = Files.createFile(file);
            }
            try {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's defaults apply
            }
            Files.writeString(target, KalshiKeys.privateKeyPem(keys.getPrivate()), StandardCharsets.US_ASCII);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulator's Kalshi key file" + (file == null ? "" : " " + file), e);
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
