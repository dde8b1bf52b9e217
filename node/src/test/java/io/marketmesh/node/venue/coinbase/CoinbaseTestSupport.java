package io.marketmesh.node.venue.coinbase;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;

/** Shared settings, capture names and helpers of the Coinbase tests. */
final class CoinbaseTestSupport {

    static final String VENUE = "coinbase";
    static final String RECORDING = "cryptofeed_v3__COINBASE_recording_2026-08-09.jsonl";
    static final String FRAMES = "cryptofeed_v3__COINBASE_ws_frames_recv_only.jsonl";

    static final MarketKey BTC = MarketKey.of(Venue.COINBASE, "BTC-USD");
    static final MarketKey ETH = MarketKey.of(Venue.COINBASE, "ETH-USD");

    static final long RECEIVED_AT = 1_800_000_000_000L;

    private CoinbaseTestSupport() {
    }

    static VenueSettings settings(int subscribeBatchSize) {
        return settings("http://127.0.0.1:1", 5, subscribeBatchSize, List.of());
    }

    static VenueSettings settings(String restUrl, int discoveryLimit, int subscribeBatchSize, List<String> quoteAssets) {
        return new VenueSettings(Venue.COINBASE, true, "wss://advanced-trade-ws.coinbase.com", restUrl, List.of(),
                discoveryLimit, 10, subscribeBatchSize, Duration.ofSeconds(10), Duration.ofSeconds(15),
                Duration.ofSeconds(5), ConfigFactory.parseMap(java.util.Map.of("quote-assets", quoteAssets)));
    }

    static List<String> frames() {
        return Fixtures.lines(VENUE, FRAMES);
    }

    static long d(String decimal) {
        return Decimals.parse(decimal);
    }
}
