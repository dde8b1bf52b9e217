package io.marketmesh.node.venue.polymarket;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;

/**
 * The market channel's control frames. The first subscription on a socket must be the {@code "type":"market"}
 * form; sending it again is answered with {@code INVALID OPERATION}, so every later change uses
 * {@code "operation"}. {@code custom_feature_enabled} turns on best_bid_ask, new_market and market_resolved;
 * {@code initial_dump} asks for each asset's {@code book} at once (some clients saw none without it).
 * An empty {@code assets_ids} means "every market" to the venue, so callers never pass one.
 */
final class SubscriptionFrames {

    private SubscriptionFrames() {
    }

    static String initial(List<String> assetIds) {
        return frame(assetIds, "\"type\":\"market\",\"initial_dump\":true,\"custom_feature_enabled\":true");
    }

    static String subscribe(List<String> assetIds) {
        return frame(assetIds, "\"operation\":\"subscribe\",\"initial_dump\":true,\"custom_feature_enabled\":true");
    }

    static String unsubscribe(List<String> assetIds) {
        return frame(assetIds, "\"operation\":\"unsubscribe\"");
    }

    private static String frame(List<String> assetIds, String rest) {
        if (assetIds.isEmpty()) {
            throw new IllegalArgumentException("an empty assets_ids would mean every market");
        }
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        StringBuilder sb = new StringBuilder(32 + assetIds.size() * 82);
        sb.append("{\"assets_ids\":[");
        for (int i = 0; i < assetIds.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"');
            encoder.quoteAsString(assetIds.get(i), sb);
            sb.append('"');
        }
        return sb.append("],").append(rest).append('}').toString();
    }
}
