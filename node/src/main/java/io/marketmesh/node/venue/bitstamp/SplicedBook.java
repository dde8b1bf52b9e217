package io.marketmesh.node.venue.bitstamp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketmesh.node.venue.CharWindow;
import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A book rebuilt off the hot path: Bitstamp's REST order book ({@code GET /api/v2/order_book/{pair}/}, full depth,
 * with its {@code microtimestamp}) with the diffs that came after it applied. It seeds a book (sent whole as one
 * {@link io.marketmesh.protocol.BookSnapshot}) or, on a recheck, is what the book held by its MarketActor must equal:
 * its CRC32 under {@link #WHOLE_BOOK} goes there as a claim, verified where the book lives.
 */
final class SplicedBook {

    /**
     * Every level, bids best first then asks best first, each price and size in its shortest exact form, joined by
     * {@code :}. Not a Bitstamp checksum (Bitstamp sends none): the node's own fingerprint of a book.
     */
    static final ChecksumLayout WHOLE_BOOK = new ChecksumLayout(Integer.MAX_VALUE, ChecksumLayout.Order.BIDS_THEN_ASKS,
            ":", ChecksumLayout.Numbers.SHORTEST, 0, 0);

    private static final JsonFactory JSON = new JsonFactory();

    /** Price to level; a {@link Decimals} value orders as its {@code long}, so the natural order is the price's. */
    private final TreeMap<Long, PriceLevel> bids = new TreeMap<>(Collections.reverseOrder());
    private final TreeMap<Long, PriceLevel> asks = new TreeMap<>();
    /** The snapshot's {@code microtimestamp}: diffs at or before it are in it already. */
    final long microtimestamp;

    private SplicedBook(long microtimestamp) {
        this.microtimestamp = microtimestamp;
    }

    /**
     * Reads a REST order book body.
     *
     * @throws IOException when it is not an order book with a microtimestamp, or a level cannot be held exactly
     */
    static SplicedBook parse(String body) throws IOException {
        long micros = BitstampFrame.ABSENT;
        List<PriceLevel> bidLevels = new ArrayList<>();
        List<PriceLevel> askLevels = new ArrayList<>();
        CharWindow view = new CharWindow();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the order book is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "microtimestamp" -> micros = micros(p, value);
                    case "bids" -> levels(p, value, bidLevels, view);
                    case "asks" -> levels(p, value, askLevels, view);
                    default -> p.skipChildren();
                }
            }
        } catch (RuntimeException e) { // a number that cannot be held exactly
            throw new IOException("order book level not understood: " + e.getMessage(), e);
        }
        if (micros == BitstampFrame.ABSENT) {
            throw new IOException("the order book has no microtimestamp");
        }
        SplicedBook book = new SplicedBook(micros);
        bidLevels.forEach(level -> book.set(Side.BID, level));
        askLevels.forEach(level -> book.set(Side.ASK, level));
        return book;
    }

    private static long micros(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException("microtimestamp is not a number: " + value);
        }
        try {
            long micros = Long.parseLong(p.getText());
            if (micros < 0) {
                throw new IOException("microtimestamp is negative");
            }
            return micros;
        } catch (NumberFormatException e) {
            throw new IOException("microtimestamp is not a number: " + p.getText(), e);
        }
    }

    private static void levels(JsonParser p, JsonToken value, List<PriceLevel> out, CharWindow view) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new IOException("bids and asks are arrays");
        }
        while (p.nextToken() == JsonToken.START_ARRAY) {
            if (p.nextToken() == JsonToken.END_ARRAY) {
                throw new IOException("an empty level");
            }
            long price = Decimals.parse(view.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
            if (price <= 0 || p.nextToken() == JsonToken.END_ARRAY) {
                throw new IOException("a level without a positive price and an amount");
            }
            out.add(PriceLevel.parse(price, view.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())));
            while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new IOException("a level is not a [price, amount] array");
        }
    }

    /** Applies one diff's levels (absolute sizes, zero removes), in order. */
    void apply(List<LevelUpdate> updates) {
        for (int i = 0, n = updates.size(); i < n; i++) {
            LevelUpdate u = updates.get(i);
            set(u.side(), new PriceLevel(u.price(), u.size(), u.wideSize()));
        }
    }

    private void set(Side side, PriceLevel level) {
        TreeMap<Long, PriceLevel> levels = side == Side.BID ? bids : asks;
        if (level.size() == 0) {
            levels.remove(level.price());
        } else {
            levels.put(level.price(), level);
        }
    }

    /** Bids, best (highest) first. */
    List<PriceLevel> bids() {
        return List.copyOf(bids.values());
    }

    /** Asks, best (lowest) first. */
    List<PriceLevel> asks() {
        return List.copyOf(asks.values());
    }

    int depth() {
        return bids.size() + asks.size();
    }

    /** The unsigned CRC32 of this book written as {@link #WHOLE_BOOK} says. */
    long checksum() {
        StringBuilder text = new StringBuilder(64 * (depth() + 1));
        for (PriceLevel level : bids.values()) {
            append(text, level);
        }
        for (PriceLevel level : asks.values()) {
            append(text, level);
        }
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) text.charAt(i); // decimals are ASCII
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private static void append(StringBuilder text, PriceLevel level) {
        if (text.length() > 0) {
            text.append(WHOLE_BOOK.separator());
        }
        Decimals.appendTo(text, level.price());
        text.append(WHOLE_BOOK.separator());
        if (level.wideSize() == null) {
            Decimals.appendTo(text, level.size());
        } else {
            text.append(Decimals.toString(level.wideSize())); // the exact digits, as the MarketActor writes them
        }
    }
}
