package io.marketmesh.node.simulator;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/** What the simulated Crypto.com keeps per socket: its subscriptions, request count and heartbeat. */
final class CryptocomSimClient {

    /** One book stream of one socket: its window as last sent and where its chain stands. */
    static final class BookStream {
        final int depth;
        final NavigableMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
        final NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        long lastU;
        long lastSentAt;
        boolean dropNext;

        BookStream(int depth) {
            this.depth = depth;
        }
    }

    /** One socket's subscriptions, request count and heartbeat. */
    static final class Client {
        final Map<String, BookStream> books = new LinkedHashMap<>();
        final Set<String> trades = new LinkedHashSet<>();
        final Map<String, Long> tickers = new LinkedHashMap<>();
        boolean subscribedOnce;
        long second;
        int requestsThisSecond;
        long nextHeartbeatAt;
        long heartbeatId;
        long heartbeatSentAt;

        Client(long now, long firstHeartbeatAfterMs) {
            nextHeartbeatAt = now + firstHeartbeatAfterMs;
        }

        int channels() {
            return books.size() + trades.size() + tickers.size();
        }
    }

    private CryptocomSimClient() {
    }
}
