package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.zip.CRC32;

/**
 * The frames and REST bodies of the simulated Crypto.com Exchange v1, written as the venue documents them and as the
 * live captures show: the push envelope {@code {"id":-1,"method":"subscribe","code":0,"result":{"instrument_name",
 * "subscription","channel",["depth"],"data":[..]}}} in the venue's fixed field order, level entries and trade/ticker
 * decimals as strings, {@code t}/{@code tt}/{@code u}/{@code pu}/{@code cs} as JSON numbers.
 */
final class CryptocomSimFrames {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A trade as the venue lists it. */
    record SimTrade(String id, String matchId, long time, BigDecimal price, BigDecimal quantity, boolean takerBuys) {
    }

    /** What a ticker shows of one instrument. */
    record TickerState(BigDecimal high, BigDecimal low, BigDecimal last, BigDecimal open, BigDecimal volume,
                       BigDecimal openInterest) {
    }

    private CryptocomSimFrames() {
    }

    static String snapshot(String symbol, int depth, CryptoPair pair, NavigableMap<BigDecimal, BigDecimal> bids,
                           NavigableMap<BigDecimal, BigDecimal> asks, long u, long now) {
        ObjectNode item = JSON.createObjectNode();
        levels(item.putArray("asks"), asks.entrySet(), pair);
        levels(item.putArray("bids"), bids.entrySet(), pair);
        item.put("t", now).put("tt", now).put("u", u).put("cs", checksum(bids, asks));
        return push(-1, symbol, "book." + symbol + "." + depth, "book", depth, item);
    }

    /**
     * A {@code book.update}: {@code asks}/{@code bids} are the changed levels, a zero size written {@code "0"} with
     * count {@code "0"} as the venue deletes; both may be empty (the idle delta, {@code u == pu}).
     */
    static String delta(String symbol, int depth, CryptoPair pair, Map<BigDecimal, BigDecimal> askChanges,
                        Map<BigDecimal, BigDecimal> bidChanges, long pu, long u, long checksum, long now) {
        ObjectNode item = JSON.createObjectNode();
        ObjectNode update = item.putObject("update");
        levels(update.putArray("asks"), askChanges.entrySet(), pair);
        levels(update.putArray("bids"), bidChanges.entrySet(), pair);
        item.put("t", now).put("tt", now).put("u", u).put("pu", pu).put("cs", checksum);
        return push(-1, symbol, "book." + symbol + "." + depth, "book.update", depth, item);
    }

    /** Newest first, as the venue's on-subscribe history of the last 50 trades comes. */
    static String trades(String symbol, List<SimTrade> newestFirst, CryptoPair pair) {
        ObjectNode result = result(symbol, "trade." + symbol, "trade");
        ArrayNode data = result.putArray("data");
        for (SimTrade trade : newestFirst) {
            data.addObject().put("d", trade.id()).put("t", trade.time())
                    .put("p", CryptoBook.fixed(trade.price(), pair.priceDecimals()))
                    .put("q", CryptoBook.fixed(trade.quantity(), pair.sizeDecimals()))
                    .put("s", trade.takerBuys() ? "BUY" : "SELL").put("i", symbol).put("m", trade.matchId());
        }
        return envelope(-1, result);
    }

    /** A ticker; {@code id} is -1, or the subscribe request's id on the first one after subscribing (as the venue). */
    static String ticker(long id, String symbol, CryptoPair pair, CryptoBook book, TickerState state, long now) {
        ObjectNode result = result(symbol, "ticker." + symbol, "ticker");
        ObjectNode item = result.putArray("data").addObject();
        int pd = pair.priceDecimals();
        int sd = pair.sizeDecimals();
        item.put("h", CryptoBook.fixed(state.high(), pd)).put("l", CryptoBook.fixed(state.low(), pd));
        if (state.last() == null) {
            item.putNull("a");
            item.putNull("c");
        } else {
            item.put("a", CryptoBook.fixed(state.last(), pd))
                    .put("c", CryptoBook.plain(state.last().subtract(state.open()).divide(state.open(), 6,
                            java.math.RoundingMode.HALF_EVEN)));
        }
        item.put("b", CryptoBook.fixed(book.bestBid(), pd)).put("bs", CryptoBook.fixed(book.bids().firstEntry().getValue(), sd))
                .put("k", CryptoBook.fixed(book.bestAsk(), pd)).put("ks", CryptoBook.fixed(book.asks().firstEntry().getValue(), sd))
                .put("i", symbol).put("v", CryptoBook.plain(state.volume()))
                .put("vv", CryptoBook.plain(state.volume().multiply(book.bestBid()).setScale(2, java.math.RoundingMode.DOWN)));
        if (state.openInterest() != null) {
            item.put("oi", CryptoBook.plain(state.openInterest()));
        }
        item.put("t", now);
        return envelope(id, result);
    }

    /** The ack of one channel: {@code {"id":n,"method":"subscribe","code":0,"channel":..}}. */
    static String ack(long id, String channel) {
        return JSON.createObjectNode().put("id", id).put("method", "subscribe").put("code", 0).put("channel", channel)
                .toString();
    }

    /** A refusal; {@code channel} may be null (the venue names none for 40107 or 42901). */
    static String refusal(long id, String method, int code, String channel, String message) {
        ObjectNode node = JSON.createObjectNode().put("id", id).put("method", method).put("code", code);
        if (channel != null) {
            node.put("channel", channel);
        }
        return node.put("message", message).toString();
    }

    /** A request the venue could not read: id -1, method ERROR, the request echoed in {@code original}. */
    static String unreadable(String original) {
        return JSON.createObjectNode().put("id", -1).put("method", "ERROR").put("code", 40001)
                .put("message", "BAD_REQUEST").put("original", original).toString();
    }

    static String heartbeat(long id) {
        return "{\"id\":" + id + ",\"method\":\"public/heartbeat\",\"code\":0}";
    }

    /** The REST envelope, {@code id} and {@code code} as strings as the venue's REST examples have them. */
    static String rest(String method, ArrayNode data) {
        ObjectNode body = JSON.createObjectNode().put("id", "-1").put("method", method).put("code", "0");
        body.putObject("result").set("data", data);
        return body.toString();
    }

    /** {@code public/get-instruments} data: spot pairs as {@code CCY_PAIR}, the perpetual as {@code PERPETUAL_SWAP}. */
    static ArrayNode instruments(List<CryptoSimVenue.Instrument> listed, java.util.function.Predicate<String> delisted) {
        ArrayNode data = JSON.createArrayNode();
        for (CryptoSimVenue.Instrument instrument : listed) {
            CryptoPair pair = instrument.pair();
            boolean perp = instrument.kind().equals(CryptocomSimulator.PERPETUAL);
            ObjectNode node = data.addObject().put("symbol", instrument.symbol())
                    .put("inst_type", perp ? CryptocomSimulator.PERPETUAL : "CCY_PAIR")
                    .put("display_name", perp ? instrument.symbol().replace("-PERP", " Perpetual")
                            : pair.base() + "/" + pair.quote())
                    .put("base_ccy", pair.base()).put("quote_ccy", pair.quote())
                    .put("quote_decimals", String.valueOf(pair.priceDecimals()))
                    .put("quantity_decimals", String.valueOf(pair.sizeDecimals()))
                    .put("price_tick_size", CryptoBook.plain(pair.tick())).put("qty_tick_size", CryptoBook.plain(pair.lot()))
                    .put("max_leverage", perp ? "50" : "1").put("tradable", !delisted.test(instrument.symbol())).put("expiry_timestamp_ms", "0")
                    .put("beta_product", false);
            if (perp) {
                node.put("underlying_symbol", pair.base() + pair.quote() + "-INDEX").put("contract_size", "1");
            }
        }
        return data;
    }

    /**
     * {@code public/get-tickers} data, of one instrument or all: the WebSocket ticker's fields without the sizes
     * ({@code bs}/{@code ks} are WebSocket-only), {@code t} a string as in the REST examples.
     */
    static ArrayNode tickers(List<CryptoSimVenue.Instrument> listed, Map<String, TickerState> states, String only, long now) {
        ArrayNode data = JSON.createArrayNode();
        for (CryptoSimVenue.Instrument instrument : listed) {
            if (only != null && !only.equals(instrument.symbol())) {
                continue;
            }
            String frame = ticker(-1, instrument.symbol(), instrument.pair(), instrument.book(),
                    states.get(instrument.symbol()), now);
            try {
                ObjectNode item = (ObjectNode) JSON.readTree(frame).path("result").path("data").get(0);
                item.remove("bs");
                item.remove("ks");
                item.put("t", Long.toString(now));
                data.add(item);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return data;
    }

    private static String push(long id, String symbol, String subscription, String channel, int depth, ObjectNode item) {
        ObjectNode result = result(symbol, subscription, channel);
        result.put("depth", depth);
        result.putArray("data").add(item);
        return envelope(id, result);
    }

    private static ObjectNode result(String symbol, String subscription, String channel) {
        return JSON.createObjectNode().put("instrument_name", symbol).put("subscription", subscription)
                .put("channel", channel);
    }

    private static String envelope(long id, ObjectNode result) {
        ObjectNode node = JSON.createObjectNode().put("id", id).put("method", "subscribe").put("code", 0);
        node.set("result", result);
        return node.toString();
    }

    private static void levels(ArrayNode array, Collection<Map.Entry<BigDecimal, BigDecimal>> levels, CryptoPair pair) {
        for (Map.Entry<BigDecimal, BigDecimal> level : levels) {
            boolean delete = level.getValue().signum() == 0;
            array.addArray().add(CryptoBook.fixed(level.getKey(), pair.priceDecimals()))
                    .add(delete ? "0" : CryptoBook.fixed(level.getValue(), pair.sizeDecimals()))
                    .add(delete ? "0" : String.valueOf(1 + Math.floorMod(level.getValue().hashCode(), 5)));
        }
    }

    /**
     * The venue's {@code cs} is a signed 32-bit checksum of an unpublished algorithm; the simulator sends a CRC32 of
     * its window so the field is there and varies, and no client can (or should) verify it.
     */
    static long checksum(NavigableMap<BigDecimal, BigDecimal> bids, NavigableMap<BigDecimal, BigDecimal> asks) {
        CRC32 crc = new CRC32();
        for (Map.Entry<BigDecimal, BigDecimal> level : bids.entrySet()) {
            crc.update((level.getKey().toPlainString() + level.getValue().toPlainString()).getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
        for (Map.Entry<BigDecimal, BigDecimal> level : asks.entrySet()) {
            crc.update((level.getKey().toPlainString() + level.getValue().toPlainString()).getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
        return (int) crc.getValue();
    }
}
