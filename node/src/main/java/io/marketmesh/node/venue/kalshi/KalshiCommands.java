package io.marketmesh.node.venue.kalshi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;

/** The client → venue commands of Kalshi WS v2, written as JSON text. */
final class KalshiCommands {

    private static final JsonFactory JSON = new JsonFactory();

    private KalshiCommands() {
    }

    static String subscribe(long id, Collection<String> channels, Collection<String> tickers) {
        return write(id, "subscribe", g -> {
            g.writeObjectFieldStart("params");
            writeStrings(g, "channels", channels);
            if (!tickers.isEmpty()) {
                writeStrings(g, "market_tickers", tickers);
            }
            g.writeEndObject();
        });
    }

    /** {@code action} is {@code add_markets} or {@code delete_markets}; Kalshi takes exactly one sid here. */
    static String updateSubscription(long id, long sid, String action, Collection<String> tickers) {
        return write(id, "update_subscription", g -> {
            g.writeObjectFieldStart("params");
            g.writeArrayFieldStart("sids");
            g.writeNumber(sid);
            g.writeEndArray();
            g.writeStringField("action", action);
            writeStrings(g, "market_tickers", tickers);
            g.writeEndObject();
        });
    }

    static String unsubscribe(long id, Collection<Long> sids) {
        return write(id, "unsubscribe", g -> {
            g.writeObjectFieldStart("params");
            g.writeArrayFieldStart("sids");
            for (long sid : sids) {
                g.writeNumber(sid);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static String listSubscriptions(long id) {
        return write(id, "list_subscriptions", g -> { });
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(long id, String cmd, Body params) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("id", id);
            g.writeStringField("cmd", cmd);
            params.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a Kalshi command", e);
        }
        return out.toString();
    }

    private static void writeStrings(JsonGenerator g, String field, Collection<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
