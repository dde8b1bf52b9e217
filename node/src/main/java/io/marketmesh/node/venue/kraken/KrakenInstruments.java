package io.marketmesh.node.venue.kraken;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.protocol.Decimals;
import java.io.IOException;
import java.util.List;

/**
 * The {@code instrument} channel's data: every asset and pair the venue lists, of which only each pair's
 * {@code price_precision} and {@code qty_precision} are kept (what the book checksum is written with). One large frame
 * per socket when it opens, then rare updates: read with the streaming parser, the rest skipped.
 */
final class KrakenInstruments {

    private KrakenInstruments() {
    }

    /** {@code {"assets": [...], "pairs": [{"symbol": "BTC/USD", "price_precision": 1, "qty_precision": 8, ...}]}}. */
    static void read(JsonParser p, List<KrakenMessage.Precision> into) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (!"pairs".equals(name) || v != JsonToken.START_ARRAY) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String symbol = null;
                long priceDecimals = -1;
                long qtyDecimals = -1;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "symbol" -> symbol = value == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                        case "price_precision" -> priceDecimals = precision(p, value);
                        case "qty_precision" -> qtyDecimals = precision(p, value);
                        default -> p.skipChildren();
                    }
                }
                if (symbol != null && priceDecimals >= 0 && priceDecimals <= Decimals.MAX_DECIMALS
                        && qtyDecimals >= 0 && qtyDecimals <= Decimals.MAX_DECIMALS) {
                    into.add(new KrakenMessage.Precision(symbol, (int) priceDecimals, (int) qtyDecimals));
                }
            }
        }
    }

    /** A precision: a small non-negative JSON integer; -1 for anything else. */
    private static long precision(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            p.skipChildren();
            return -1;
        }
        return p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : -1;
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }
}
