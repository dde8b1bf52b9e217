package io.marketmesh.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stream benchmark's clients read only a few fields of each message, straight from its bytes: they must read
 * them from records as the node writes them (the Kafka record's JSON, then the stream's {@code subscription} and
 * {@code seq}), so that a change of the format fails here rather than skewing the benchmark's figures.
 */
class SwarmMessageTest {

    private static final MarketKey MARKET = MarketKey.of(Venue.KALSHI, "KXSIM-26DEC31-T100.99");

    @Test
    void readsTheTimestampsTypeSubscriptionAndSeqOfARecordAsTheNodeWritesIt() {
        BookDelta delta = new BookDelta(MARKET, BookDelta.Mode.ABSOLUTE,
                List.of(new LevelUpdate(Side.ASK, Decimals.of(56, 2), Decimals.of(308, 0))), 7, 1795432490917L,
                1795432490980L);
        SwarmMessage message = new SwarmMessage();

        assertTrue(read(message, streamed(delta, 1795432490980L, 1795432490983L, "", "book:kalshi:*", 42)));
        assertEquals(1795432490980L, message.receivedMs);
        assertEquals(1795432490983L, message.publishedMs);
        assertEquals('d', message.kind);
        assertEquals(42, message.seq);
        long wildcard = message.subscriptionHash;

        BookSnapshot snapshot = new BookSnapshot(MARKET, List.of(new PriceLevel(Decimals.of(52, 2), Decimals.of(3985, 0))),
                List.of(), 1, 0, 1795432490895L);
        assertTrue(read(message, streamed(snapshot, 1795432490895L, 1795432494076L, ",\"stale\":false",
                "book:kalshi:" + MARKET.symbol(), 1)));
        assertEquals('s', message.kind);
        assertEquals(1, message.seq);
        assertNotEquals(wildcard, message.subscriptionHash);
    }

    @Test
    void refusesWhatItCannotRead() {
        SwarmMessage message = new SwarmMessage();
        assertFalse(read(message, "{\"type\":\"pong\",\"id\":1,\"time\":1795432490983}"));
        assertFalse(read(message, "{\"version\":1,\"venue\":\"kalshi\",\"market\":\"kalshi:X\",\"channel\":\"book\","
                + "\"receivedTimestamp\":1795432490980,\"payload\":{}}"));
    }

    /** The record as the stream sends it: its JSON without the closing brace, then the stream's own fields. */
    private static String streamed(Object payload, long received, long published, String extra, String subscription,
                                   long seq) {
        String record = ProtocolJson.encodeRecord(new MarketRecord<>(MarketRecord.VERSION, MARKET.venue().id(),
                MARKET.id(), Channel.BOOK, 3, "127.0.0.1:7355", received, published, payload));
        return record.substring(0, record.length() - 1) + extra + ",\"subscription\":" + ProtocolJson.encode(subscription)
                + ",\"seq\":" + seq + "}";
    }

    private static boolean read(SwarmMessage message, String json) {
        byte[] bytes = ("xx" + json).getBytes(StandardCharsets.UTF_8);
        return message.read(bytes, 2, bytes.length);
    }
}
