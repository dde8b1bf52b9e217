package io.marketmesh.node.venue.kraken;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.Side;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * One incoming Kraken v2 frame as {@link KrakenReader} leaves it: reusable, overwritten by every frame. Every field any
 * message may carry is collected whatever the channel, so the order of the keys in the frame does not matter (the
 * status frame, for one, sends {@code type} after {@code data}).
 */
final class KrakenMessage {

    /** Marks a number the frame did not carry. */
    static final long ABSENT = Decimals.NONE;

    enum Channel {
        BOOK("book"), TRADE("trade"), TICKER("ticker"), STATUS("status"), HEARTBEAT("heartbeat"),
        INSTRUMENT("instrument"),
        /** A channel this session does not know; its name is in {@link #unknownChannel}. */
        UNKNOWN(null),
        /** No {@code channel} key (a method answer, or not a v2 message). */
        NONE(null);

        final String wire;

        Channel(String wire) {
            this.wire = wire;
        }
    }

    enum Type {
        SNAPSHOT, UPDATE, OTHER, NONE
    }

    /** One element of {@code data}: a book, a trade, a ticker or a status, whichever the channel says. */
    static final class Item {
        String symbol;
        /** Why a value of this item could not be read; null when all could. */
        String bad;

        // book: both sides' levels in arrival order (bids first when the frame sends them first), sizes exact
        final ArrayList<LevelUpdate> levels = new ArrayList<>(32);
        int bidCount;
        int askCount;
        /** Most decimals any price / qty of this item was written with (the pair's precision on the wire); -1 = none. */
        int priceDecimals;
        int qtyDecimals;
        /** The CRC32 the venue sent, unsigned; -1 when absent. */
        long checksum;
        long timestamp;

        // trade
        Side side;
        String sideText;
        long price;
        /** Exact at any width (a trade of a micro-priced token can need more than 17 digits). */
        BigDecimal qty;
        String tradeId;

        // ticker
        long bid;
        BigDecimal bidQty;
        long ask;
        BigDecimal askQty;
        long last;
        BigDecimal volume;

        // status
        String system;

        void reset() {
            symbol = null;
            bad = null;
            levels.clear();
            bidCount = 0;
            askCount = 0;
            priceDecimals = -1;
            qtyDecimals = -1;
            checksum = -1;
            timestamp = 0;
            side = null;
            sideText = null;
            price = ABSENT;
            qty = null;
            tradeId = null;
            bid = ABSENT;
            bidQty = null;
            ask = ABSENT;
            askQty = null;
            last = ABSENT;
            volume = null;
            system = null;
        }

        void fail(String reason) {
            if (bad == null) {
                bad = reason;
            }
        }
    }

    /** A pair's precisions from the {@code instrument} channel. */
    record Precision(String symbol, int priceDecimals, int qtyDecimals) {
    }

    Channel channel;
    String unknownChannel;
    Type type;
    String typeText;
    /** {@code method} of a request answer ({@code subscribe}, {@code unsubscribe}, {@code pong}); null otherwise. */
    String method;
    /** {@code success} of an answer: null when absent. */
    Boolean success;
    String error;
    long reqId;
    String resultChannel;
    String resultSymbol;
    /** {@code event} of a WebSocket v1 message (which this v2 session does not speak); null otherwise. */
    String v1Event;

    private final List<Item> pool = new ArrayList<>();
    int itemCount;
    final List<Precision> precisions = new ArrayList<>();

    void reset() {
        channel = Channel.NONE;
        unknownChannel = null;
        type = Type.NONE;
        typeText = null;
        method = null;
        success = null;
        error = null;
        reqId = -1;
        resultChannel = null;
        resultSymbol = null;
        v1Event = null;
        itemCount = 0;
        precisions.clear();
    }

    Item item(int i) {
        return pool.get(i);
    }

    Item nextItem() {
        if (itemCount == pool.size()) {
            pool.add(new Item());
        }
        Item item = pool.get(itemCount++);
        item.reset();
        return item;
    }
}
