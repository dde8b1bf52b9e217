package io.marketmesh.node.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.ProtocolJson;
import java.util.List;

/**
 * The messages a client is sent. A data message is the market's record exactly as Kafka carries it (envelope and
 * payload, docs/kafka.md) with {@code "subscription"} and {@code "seq"} added; a snapshot also says whether the book is
 * {@code "stale"}. The record is written once per change (per window depth) and each client's fields appended to it.
 */
final class StreamMessages {

    private static final ObjectMapper JSON = ProtocolJson.mapper();

    private StreamMessages() {
    }

    /** The record's JSON without its closing brace, so each subscription's fields can follow. */
    static String record(MarketStream market, Channel channel, long receivedTimestamp, Object payload) {
        String json = ProtocolJson.encodeRecord(new MarketRecord<>(MarketRecord.VERSION, market.market.venue().id(),
                market.market.id(), channel, market.bookSequence, market.source, receivedTimestamp,
                System.currentTimeMillis(), payload));
        return json.substring(0, json.length() - 1);
    }

    /** The book as this hub holds it, top {@code depth} levels a side (0: all), flagged with its trust. */
    static String snapshot(MarketStream market, int depth) {
        BookSnapshot book = new BookSnapshot(market.market, market.bids(depth), market.asks(depth),
                market.venueSequence, market.venueTimestamp, market.receivedAt);
        String record = record(market, Channel.BOOK, market.receivedAt, book);
        return market.stale
                ? record + ",\"stale\":true,\"staleReason\":" + ProtocolJson.encode(market.staleReason)
                : record + ",\"stale\":false";
    }

    static String forSubscription(String record, Subscription subscription, long seq) {
        return new StringBuilder(record.length() + subscription.quotedName.length() + 32).append(record)
                .append(",\"subscription\":").append(subscription.quotedName)
                .append(",\"seq\":").append(seq).append('}').toString();
    }

    static Outgoing subscribed(String type, JsonNode id, List<String> channels) {
        ObjectNode reply = reply(type, id);
        ArrayNode list = reply.putArray("channels");
        channels.forEach(list::add);
        return Outgoing.reply(type, reply.toString());
    }

    static Outgoing pong(JsonNode id) {
        ObjectNode reply = reply("pong", id);
        reply.put("time", System.currentTimeMillis());
        return Outgoing.reply("pong", reply.toString());
    }

    /**
     * @param code a stable, machine-readable code: {@code bad_json}, {@code bad_request}, {@code unknown_op},
     *             {@code bad_channel}, {@code unknown_market}, {@code bad_depth}, {@code too_many_subscriptions},
     *             {@code already_subscribed}, {@code not_subscribed}, {@code message_too_large}
     */
    static Outgoing error(JsonNode id, String code, String message) {
        ObjectNode reply = reply("error", id);
        reply.put("error", code);
        reply.put("message", message);
        return Outgoing.reply("error", reply.toString());
    }

    private static ObjectNode reply(String type, JsonNode id) {
        ObjectNode reply = JSON.createObjectNode();
        reply.put("type", type);
        reply.set("id", id == null ? JSON.nullNode() : id);
        return reply;
    }
}
