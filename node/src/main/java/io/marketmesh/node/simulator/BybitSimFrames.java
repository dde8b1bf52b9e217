package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The simulated Bybit's data frames, shaped as the captured live ones: key order per socket kind (spot writes
 * {@code ts} before {@code type}, linear after), linear prices and sizes at the instrument's fixed decimals
 * ({@code "65114.20"}, {@code "0.004"}), spot ones in their shortest form ({@code "65140"}), deletes as {@code "0"}.
 */
final class BybitSimFrames {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BybitSimFrames() {
    }

    static String price(boolean linear, CryptoPair pair, BigDecimal price) {
        return linear ? CryptoBook.fixed(price, pair.priceDecimals()) : CryptoBook.plain(price);
    }

    static String size(boolean linear, CryptoPair pair, BigDecimal size) {
        if (size.signum() == 0) {
            return "0";
        }
        return linear ? CryptoBook.fixed(size, pair.sizeDecimals()) : CryptoBook.plain(size);
    }

    /** An {@code orderbook.{depth}} snapshot or delta; levels best first. */
    static String book(boolean linear, String topic, String type, CryptoSimVenue.Instrument instrument,
                       List<Map.Entry<BigDecimal, BigDecimal>> bids, List<Map.Entry<BigDecimal, BigDecimal>> asks,
                       long u, long seq) {
        long now = System.currentTimeMillis();
        ObjectNode frame = head(linear, topic, type, now);
        ObjectNode data = frame.putObject("data").put("s", BybitSimulator.venueSymbol(instrument.symbol()));
        levels(data.putArray("b"), bids, linear, instrument.pair());
        levels(data.putArray("a"), asks, linear, instrument.pair());
        data.put("u", u).put("seq", seq);
        return frame.put("cts", now - 1).toString();
    }

    private static void levels(ArrayNode into, List<Map.Entry<BigDecimal, BigDecimal>> levels, boolean linear,
                               CryptoPair pair) {
        for (Map.Entry<BigDecimal, BigDecimal> level : levels) {
            into.addArray().add(price(linear, pair, level.getKey())).add(size(linear, pair, level.getValue()));
        }
    }

    private static ObjectNode head(boolean linear, String topic, String type, long ts) {
        ObjectNode frame = JSON.createObjectNode().put("topic", topic);
        return linear ? frame.put("type", type).put("ts", ts) : frame.put("ts", ts).put("type", type);
    }

    /** One {@code publicTrade} at the touch: a taker buy lifts the best ask, a taker sell hits the best bid. */
    static String trade(boolean linear, CryptoSimVenue.Instrument instrument, boolean takerBuys, int lots, long seq,
                        long tradeId) {
        long now = System.currentTimeMillis();
        CryptoPair pair = instrument.pair();
        BigDecimal price = takerBuys ? instrument.book().bestAsk() : instrument.book().bestBid();
        String symbol = BybitSimulator.venueSymbol(instrument.symbol());
        ObjectNode frame = head(linear, "publicTrade." + symbol, "snapshot", now);
        ObjectNode trade = frame.putArray("data").addObject();
        trade.put("T", now).put("s", symbol).put("S", takerBuys ? "Buy" : "Sell")
                .put("v", size(linear, pair, pair.lot().multiply(BigDecimal.valueOf(lots))))
                .put("p", price(linear, pair, price));
        if (linear) {
            trade.put("L", takerBuys ? "PlusTick" : "MinusTick").put("i", UUID.randomUUID().toString());
        } else {
            trade.put("i", Long.toString(tradeId));
        }
        trade.put("BT", false).put("RPI", false).put("seq", seq);
        return frame.toString();
    }

    /**
     * A {@code tickers} frame. Spot sends snapshots of its 24-hour figures and no book top; linear a snapshot of every
     * field, then deltas of the book top only.
     */
    static String ticker(boolean linear, CryptoSimVenue.Instrument instrument, boolean snapshot, long seq) {
        long now = System.currentTimeMillis();
        CryptoPair pair = instrument.pair();
        CryptoBook book = instrument.book();
        String symbol = BybitSimulator.venueSymbol(instrument.symbol());
        ObjectNode frame = JSON.createObjectNode().put("topic", "tickers." + symbol);
        ObjectNode data;
        if (!linear) {
            frame.put("ts", now).put("type", "snapshot").put("cs", seq);
            data = frame.putObject("data").put("symbol", symbol);
            data.put("lastPrice", price(false, pair, book.bestBid())).put("highPrice24h", price(false, pair, book.bestAsk()))
                    .put("lowPrice24h", price(false, pair, book.bestBid()))
                    .put("prevPrice24h", price(false, pair, pair.mid())).put("volume24h", "123456789012.12345678")
                    .put("turnover24h", "98765.4321").put("price24hPcnt", "0.0015");
            return frame.toString();
        }
        frame.put("type", snapshot ? "snapshot" : "delta");
        data = frame.putObject("data").put("symbol", symbol);
        if (snapshot) {
            data.put("tickDirection", "PlusTick").put("lastPrice", price(true, pair, book.bestBid()))
                    .put("markPrice", price(true, pair, book.bestBid())).put("openInterest", "59891.732")
                    .put("turnover24h", "1142118412.9021").put("volume24h", "17573.9120").put("fundingRate", "0.0001");
        }
        data.put("bid1Price", price(true, pair, book.bestBid()))
                .put("bid1Size", size(true, pair, book.bids().firstEntry().getValue()))
                .put("ask1Price", price(true, pair, book.bestAsk()))
                .put("ask1Size", size(true, pair, book.asks().firstEntry().getValue()));
        return frame.put("cs", seq).put("ts", now).toString();
    }
}
