package io.marketmesh.node.simulator;

import java.security.PublicKey;

/**
 * How the venue simulator runs.
 *
 * @param host              interface both venues listen on ({@code 127.0.0.1}; {@code 0.0.0.0} in a container)
 * @param port              port for both venues' WebSocket and REST endpoints (0 picks a free one)
 * @param polymarketMarkets Polymarket markets (each has a YES and a NO token, so twice as many books)
 * @param kalshiMarkets     Kalshi markets (one book each)
 * @param updatesPerSecond  book changes per second per venue, spread over its markets
 * @param seed              seed of the random walk, so a run can be repeated
 * @param kalshiPublicKey   key that Kalshi handshakes must be signed with; null accepts unsigned sockets
 * @param kalshiKeyId       the KALSHI-ACCESS-KEY a signed handshake must carry
 * @param cryptoMarkets     spot instruments each crypto venue lists (the first of {@link CryptoPair#ALL}; a venue may
 *                          add derivatives of them)
 */
public record SimulatorSettings(String host, int port, int polymarketMarkets, int kalshiMarkets, double updatesPerSecond, long seed,
                                PublicKey kalshiPublicKey, String kalshiKeyId, int cryptoMarkets) {

    public static final String LOOPBACK = "127.0.0.1";
    /** Crypto instruments per venue when a caller does not say. */
    public static final int DEFAULT_CRYPTO_MARKETS = 4;

    public SimulatorSettings(String host, int port, int polymarketMarkets, int kalshiMarkets, double updatesPerSecond,
                             long seed, PublicKey kalshiPublicKey, String kalshiKeyId) {
        this(host, port, polymarketMarkets, kalshiMarkets, updatesPerSecond, seed, kalshiPublicKey, kalshiKeyId,
                DEFAULT_CRYPTO_MARKETS);
    }

    /** Loopback only, on 127.0.0.1. */
    public SimulatorSettings(int port, int polymarketMarkets, int kalshiMarkets, double updatesPerSecond, long seed,
                             PublicKey kalshiPublicKey, String kalshiKeyId) {
        this(LOOPBACK, port, polymarketMarkets, kalshiMarkets, updatesPerSecond, seed, kalshiPublicKey, kalshiKeyId,
                DEFAULT_CRYPTO_MARKETS);
    }

    public SimulatorSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (polymarketMarkets < 0 || kalshiMarkets < 0 || cryptoMarkets < 0) {
            throw new IllegalArgumentException("market counts must be >= 0");
        }
        if (!(updatesPerSecond >= 0)) {
            throw new IllegalArgumentException("updates per second must be >= 0, was " + updatesPerSecond);
        }
    }

    public SimulatorSettings withCryptoMarkets(int markets) {
        return new SimulatorSettings(host, port, polymarketMarkets, kalshiMarkets, updatesPerSecond, seed, kalshiPublicKey,
                kalshiKeyId, markets);
    }

    /** The host clients on this machine use: the interface, or loopback when it is a wildcard address. */
    public String clientHost() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? LOOPBACK : host;
    }
}
