package io.marketmesh.node.venue.coinbase;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;

/**
 * The frames the node sends. The venue takes ONE channel per message ({@code "channel"}, a string), with the
 * products as {@code product_ids}: {@code {"type":"subscribe","product_ids":["BTC-USD"],"channel":"level2"}};
 * {@code unsubscribe} has the same shape. {@code heartbeats} takes no products.
 */
final class SubscriptionFrames {

    static final String LEVEL2 = "level2";
    static final String MARKET_TRADES = "market_trades";
    static final String TICKER = "ticker";
    static final String HEARTBEATS = "heartbeats";

    /** The per-product channels the node follows, in the order they are subscribed. */
    static final List<String> PRODUCT_CHANNELS = List.of(LEVEL2, MARKET_TRADES, TICKER);

    private SubscriptionFrames() {
    }

    static String subscribe(String channel, List<String> productIds) {
        return frame("subscribe", channel, productIds);
    }

    static String unsubscribe(String channel, List<String> productIds) {
        return frame("unsubscribe", channel, productIds);
    }

    static String subscribeHeartbeats() {
        return "{\"type\":\"subscribe\",\"channel\":\"" + HEARTBEATS + "\"}";
    }

    private static String frame(String type, String channel, List<String> productIds) {
        StringBuilder sb = new StringBuilder(64 + productIds.size() * 16);
        sb.append("{\"type\":\"").append(type).append("\",\"product_ids\":[");
        for (int i = 0; i < productIds.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"');
            JsonStringEncoder.getInstance().quoteAsString(productIds.get(i), sb);
            sb.append('"');
        }
        return sb.append("],\"channel\":\"").append(channel).append("\"}").toString();
    }
}
