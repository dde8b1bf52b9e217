package io.marketmesh.node.testkit;

import io.marketmesh.node.simulator.SimulatorSettings;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.venue.kalshi.KalshiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;

/** The venue simulator in an actor system of its own, with a Kalshi key pair whose private half is in a file. */
public final class SimulatedVenues implements AutoCloseable {

    public static final String KEY_ID = "test-key";

    private final ActorSystem<Void> system;
    private final VenueSimulator simulator;
    private final KeyPair keys;

    private SimulatedVenues(ActorSystem<Void> system, VenueSimulator simulator, KeyPair keys) {
        this.system = system;
        this.simulator = simulator;
        this.keys = keys;
    }

    public static SimulatedVenues start(int polymarketMarkets, int kalshiMarkets, double updatesPerSecond, long seed) {
        KeyPair keys = KalshiKeys.newKeyPair();
        ActorSystem<Void> system = TestNode.localSystem("venues");
        try {
            return new SimulatedVenues(system, VenueSimulator.start(system, new SimulatorSettings(0, polymarketMarkets,
                    kalshiMarkets, updatesPerSecond, seed, keys.getPublic(), KEY_ID)), keys);
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
    }

    /** Venues whose Kalshi accepts unsigned handshakes: the node needs no key. */
    public static SimulatedVenues startUnsigned(int polymarketMarkets, int kalshiMarkets, double updatesPerSecond,
                                                long seed) {
        ActorSystem<Void> system = TestNode.localSystem("venues");
        try {
            return new SimulatedVenues(system, VenueSimulator.start(system, new SimulatorSettings(0, polymarketMarkets,
                    kalshiMarkets, updatesPerSecond, seed, null, "")), null);
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
    }

    /**
     * Venues whose Kalshi accepts unsigned handshakes and whose crypto venues list {@code cryptoMarkets} spot
     * instruments each (the first of {@code CryptoPair.ALL}).
     */
    public static SimulatedVenues startUnsigned(int polymarketMarkets, int kalshiMarkets, int cryptoMarkets,
                                                double updatesPerSecond, long seed) {
        ActorSystem<Void> system = TestNode.localSystem("venues");
        try {
            return new SimulatedVenues(system, VenueSimulator.start(system, new SimulatorSettings(0, polymarketMarkets,
                    kalshiMarkets, updatesPerSecond, seed, null, "").withCryptoMarkets(cryptoMarkets)), null);
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
    }

    /**
     * Node settings that follow one simulated crypto venue (and no other venue unless the test adds it): its URLs,
     * {@code markets} (empty = discover over its REST API), a 1 s heartbeat and the short backoffs of
     * {@link #unsignedNodeSettings}.
     */
    public Map<String, Object> cryptoNodeSettings(io.marketmesh.protocol.Venue venue, java.util.List<String> markets) {
        Map<String, Object> settings = new HashMap<>();
        String prefix = "marketmesh.venues." + venue.id() + ".";
        settings.put(prefix + "enabled", true);
        settings.put(prefix + "ws-url", simulator.wsUrl(venue));
        settings.put(prefix + "rest-url", simulator.restUrl(venue));
        settings.put(prefix + "markets", markets);
        settings.put(prefix + "heartbeat-interval", "1s");
        settings.put("marketmesh.connection.min-backoff", "200ms");
        settings.put("marketmesh.connection.max-backoff", "1s");
        settings.put("marketmesh.market.resync-min-backoff", "500ms");
        settings.put("marketmesh.market.resync-max-backoff", "2s");
        return settings;
    }

    public VenueSimulator simulator() {
        return simulator;
    }

    public KeyPair keys() {
        return keys;
    }

    /** Writes a key pair's private key as PEM into {@code dir}; returns the file. */
    public static Path writeKey(Path dir, KeyPair pair) {
        try {
            Path file = Files.createTempFile(dir, "kalshi-", ".pem");
            Files.writeString(file, KalshiKeys.privateKeyPem(pair.getPrivate()), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Node settings that follow both simulated venues (discovering their markets), signing Kalshi handshakes with the
     * key in {@code keyFile}, with short heartbeats and backoffs so faults heal within a test.
     */
    public Map<String, Object> nodeSettings(Path keyFile) {
        Map<String, Object> settings = unsignedNodeSettings();
        settings.put("marketmesh.venues.kalshi.key-id", KEY_ID);
        settings.put("marketmesh.venues.kalshi.private-key-file", keyFile.toString());
        return settings;
    }

    /** As {@link #nodeSettings}, without a Kalshi key: for venues {@link #startUnsigned started unsigned}. */
    public Map<String, Object> unsignedNodeSettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("marketmesh.venues.polymarket.ws-url", simulator.polymarketWsUrl());
        settings.put("marketmesh.venues.polymarket.rest-url", simulator.polymarketRestUrl());
        settings.put("marketmesh.venues.polymarket.heartbeat-interval", "1s");
        settings.put("marketmesh.venues.kalshi.ws-url", simulator.kalshiWsUrl());
        settings.put("marketmesh.venues.kalshi.rest-url", simulator.kalshiRestUrl());
        settings.put("marketmesh.venues.kalshi.heartbeat-interval", "1s");
        settings.put("marketmesh.connection.min-backoff", "200ms");
        settings.put("marketmesh.connection.max-backoff", "1s");
        settings.put("marketmesh.market.resync-min-backoff", "500ms");
        settings.put("marketmesh.market.resync-max-backoff", "2s");
        return settings;
    }

    /** Every simulated market as the HTTP API names it: {@code venue/symbol}. */
    public java.util.List<String> marketPaths() {
        java.util.List<String> paths = new java.util.ArrayList<>();
        simulator.markets(io.marketmesh.protocol.Venue.POLYMARKET).forEach(s -> paths.add("polymarket/" + s));
        simulator.markets(io.marketmesh.protocol.Venue.KALSHI).forEach(s -> paths.add("kalshi/" + s));
        return paths;
    }

    @Override
    public void close() {
        simulator.close();
        system.terminate();
    }
}
