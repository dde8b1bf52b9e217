package io.marketmesh.node.venue.binance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to {@code GET /api/v3/depth}: {@code {"lastUpdateId":n,"bids":[["p","q"],...],"asks":[...]}}, bids
 * best first, asks best first, every level built from the size text exactly as sent.
 */
record DepthSnapshot(long lastUpdateId, List<PriceLevel> bids, List<PriceLevel> asks) {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * @throws IOException              when the body is not JSON
     * @throws IllegalArgumentException when it is JSON but not a depth snapshot (no {@code lastUpdateId}, bad levels,
     *                                  a decimal that cannot be held exactly)
     */
    static DepthSnapshot parse(String body) throws IOException {
        long lastUpdateId = Long.MIN_VALUE;
        List<PriceLevel> bids = null;
        List<PriceLevel> asks = null;
        CharWindow text = new CharWindow();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a depth snapshot is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "lastUpdateId" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            throw new IllegalArgumentException("lastUpdateId is " + value + ", not an integer");
                        }
                        lastUpdateId = p.getLongValue();
                    }
                    case "bids" -> bids = levels(p, value, text);
                    case "asks" -> asks = levels(p, value, text);
                    default -> p.skipChildren();
                }
            }
        }
        if (lastUpdateId == Long.MIN_VALUE || bids == null || asks == null) {
            throw new IllegalArgumentException("a depth snapshot needs lastUpdateId, bids and asks");
        }
        return new DepthSnapshot(lastUpdateId, bids, asks);
    }

    private static List<PriceLevel> levels(JsonParser p, JsonToken start, CharWindow text) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("levels are an array, not " + start);
        }
        List<PriceLevel> levels = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_ARRAY) {
            p.nextToken();
            long price = Decimals.parse(window(p, text));
            p.nextToken();
            levels.add(PriceLevel.parse(price, window(p, text)));
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new IllegalArgumentException("unterminated level");
                }
                p.skipChildren();
            }
        }
        if (t != JsonToken.END_ARRAY) {
            throw new IllegalArgumentException("levels are [price, size] pairs, not " + t);
        }
        return levels;
    }

    private static CharWindow window(JsonParser p, CharWindow text) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException("a level is [price, size] decimals, not " + t);
        }
        return text.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }
}
