package io.marketmesh.node.simulator;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The messages {@link KrakenSimulator} sends, written as Kraken's v2 docs and captures show them: bare JSON numbers at
 * the pair's precision ({@code 0.12290}, {@code 600.00000000}), RFC 3339 times with microseconds, and the book checksum.
 */
final class KrakenSimFrames {

    static final int CHECKSUM_LEVELS = 10;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private KrakenSimFrames() {
    }

    /** A book update of the levels given as {side "b"/"a", price, qty}. */
    static String bookUpdate(String symbol, List<String[]> levels, long checksum) {
        StringBuilder bids = new StringBuilder();
        StringBuilder asks = new StringBuilder();
        for (String[] level : levels) {
            StringBuilder side = level[0].equals("b") ? bids : asks;
            side.append(side.length() == 0 ? "" : ",").append("{\"price\":").append(level[1]).append(",\"qty\":")
                    .append(level[2]).append('}');
        }
        return "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + symbol + "\",\"bids\":[" + bids
                + "],\"asks\":[" + asks + "],\"checksum\":" + checksum + ",\"timestamp\":\"" + now() + "\"}]}";
    }

    /** A trade; {@code takerBought} is the taker's side ({@code buy}: an ask was lifted). */
    static String trade(CryptoSimVenue.Instrument instrument, boolean takerBought, BigDecimal price, BigDecimal qty,
                        long tradeId) {
        CryptoPair pair = instrument.pair();
        return "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + instrument.symbol()
                + "\",\"side\":\"" + (takerBought ? "buy" : "sell") + "\",\"price\":"
                + CryptoBook.fixed(price, pair.priceDecimals()) + ",\"qty\":" + CryptoBook.fixed(qty, pair.sizeDecimals())
                + ",\"ord_type\":\"market\",\"trade_id\":" + tradeId + ",\"timestamp\":\"" + now() + "\"}]}";
    }

    /** The status message: first on every socket, and on every change of the venue's {@code system}. */
    static String status(String system, long connectionId) {
        return "{\"channel\":\"status\",\"data\":[{\"api_version\":\"v2\",\"connection_id\":"
                + Long.toUnsignedString(connectionId) + ",\"system\":\"" + system
                + "\",\"version\":\"2.0.8\"}],\"type\":\"update\"}";
    }

    static Map<BigDecimal, BigDecimal> top(NavigableMap<BigDecimal, BigDecimal> side, int depth) {
        Map<BigDecimal, BigDecimal> top = new LinkedHashMap<>();
        for (Iterator<Map.Entry<BigDecimal, BigDecimal>> it = side.entrySet().iterator(); it.hasNext() && top.size() < depth; ) {
            Map.Entry<BigDecimal, BigDecimal> level = it.next();
            top.put(level.getKey(), level.getValue());
        }
        return top;
    }

    static String bookSnapshot(CryptoSimVenue.Instrument instrument, int depth) {
        CryptoPair pair = instrument.pair();
        return "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"" + instrument.symbol()
                + "\",\"bids\":[" + levels(top(instrument.book().bids(), depth), pair) + "],\"asks\":["
                + levels(top(instrument.book().asks(), depth), pair) + "],\"checksum\":" + checksum(instrument)
                + ",\"timestamp\":\"" + now() + "\"}]}";
    }

    private static String levels(Map<BigDecimal, BigDecimal> levels, CryptoPair pair) {
        StringBuilder out = new StringBuilder();
        levels.forEach((price, size) -> out.append(out.length() == 0 ? "" : ",").append("{\"price\":")
                .append(CryptoBook.fixed(price, pair.priceDecimals())).append(",\"qty\":")
                .append(CryptoBook.fixed(size, pair.sizeDecimals())).append('}'));
        return out.toString();
    }

    /** Kraken's book checksum: CRC32 of the top 10 asks (lowest first) then bids, digits only, no leading zeros. */
    static long checksum(CryptoSimVenue.Instrument instrument) {
        CryptoPair pair = instrument.pair();
        StringBuilder text = new StringBuilder();
        for (NavigableMap<BigDecimal, BigDecimal> side : List.of(instrument.book().asks(), instrument.book().bids())) {
            top(side, CHECKSUM_LEVELS).forEach((price, size) -> text
                    .append(digits(CryptoBook.fixed(price, pair.priceDecimals())))
                    .append(digits(CryptoBook.fixed(size, pair.sizeDecimals()))));
        }
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    private static String digits(String number) {
        String digits = number.replace(".", "");
        int first = 0;
        while (first < digits.length() - 1 && digits.charAt(first) == '0') {
            first++;
        }
        return digits.substring(first);
    }

    static String ticker(CryptoSimVenue.Instrument instrument, String type, BigDecimal last, BigDecimal volume) {
        CryptoPair pair = instrument.pair();
        CryptoBook book = instrument.book();
        String lastText = CryptoBook.fixed(last, pair.priceDecimals());
        return "{\"channel\":\"ticker\",\"type\":\"" + type + "\",\"data\":[{\"symbol\":\"" + instrument.symbol()
                + "\",\"bid\":" + CryptoBook.fixed(book.bestBid(), pair.priceDecimals())
                + ",\"bid_qty\":" + CryptoBook.fixed(book.bids().firstEntry().getValue(), pair.sizeDecimals())
                + ",\"ask\":" + CryptoBook.fixed(book.bestAsk(), pair.priceDecimals())
                + ",\"ask_qty\":" + CryptoBook.fixed(book.asks().firstEntry().getValue(), pair.sizeDecimals())
                + ",\"last\":" + lastText + ",\"volume\":"
                + CryptoBook.fixed(volume, pair.sizeDecimals())
                + ",\"vwap\":" + lastText + ",\"low\":" + lastText + ",\"high\":" + lastText
                + ",\"change\":0.0,\"change_pct\":0.00,\"timestamp\":\"" + now() + "\"}]}";
    }

    static String instrumentSnapshot(List<CryptoSimVenue.Instrument> listed) {
        StringBuilder pairs = new StringBuilder();
        Set<String> assets = new LinkedHashSet<>();
        for (CryptoSimVenue.Instrument instrument : listed) {
            CryptoPair pair = instrument.pair();
            assets.add(pair.base());
            assets.add(pair.quote());
            pairs.append(pairs.length() == 0 ? "" : ",").append("{\"symbol\":\"").append(instrument.symbol())
                    .append("\",\"base\":\"").append(pair.base()).append("\",\"quote\":\"").append(pair.quote())
                    .append("\",\"status\":\"online\",\"qty_precision\":").append(pair.sizeDecimals())
                    .append(",\"qty_increment\":").append(pair.lot().toPlainString())
                    .append(",\"price_precision\":").append(pair.priceDecimals())
                    .append(",\"cost_precision\":5,\"marginable\":false,\"has_index\":true,\"cost_min\":0.5")
                    .append(",\"tick_size\":").append(pair.tick().toPlainString())
                    .append(",\"price_increment\":").append(pair.tick().toPlainString())
                    .append(",\"qty_min\":").append(pair.lot().toPlainString()).append('}');
        }
        StringBuilder assetList = new StringBuilder();
        for (String asset : assets) {
            assetList.append(assetList.length() == 0 ? "" : ",").append("{\"id\":\"").append(asset)
                    .append("\",\"status\":\"enabled\",\"precision\":10,\"precision_display\":5,\"borrowable\":false,"
                            + "\"collateral_value\":0.0,\"margin_rate\":0.0}");
        }
        return "{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"assets\":[" + assetList + "],\"pairs\":["
                + pairs + "]}}";
    }

    static String ack(String method, String result, String reqId) {
        return "{\"method\":\"" + method + "\",\"result\":" + result + ",\"success\":true" + times() + reqId + "}";
    }

    static String times() {
        String now = now();
        return ",\"time_in\":\"" + now + "\",\"time_out\":\"" + now + "\"";
    }

    static String now() {
        return TIME.format(Instant.now());
    }

    /**
     * The levels of the window ({@code depth} a side) that the change altered, as {side, price, qty}: levels whose
     * size changed or that entered the window, and the changed level with qty 0 if it was removed. A level pushed out
     * of the window by an insert is not among them: the venue does not say.
     */
    static List<String[]> visibleChanges(CryptoSimVenue.Instrument instrument, CryptoBook.LevelChange change, int depth) {
        NavigableMap<BigDecimal, BigDecimal> side = change.bid() ? instrument.book().bids() : instrument.book().asks();
        Map<BigDecimal, BigDecimal> after = top(side, depth);
        TreeMap<BigDecimal, BigDecimal> before = new TreeMap<>(side.comparator());
        before.putAll(top(side, depth + 1));
        if (change.oldSize().signum() == 0) {
            before.remove(change.price());
        } else {
            before.put(change.price(), change.oldSize());
        }
        Map<BigDecimal, BigDecimal> beforeWindow = top(before, depth);
        CryptoPair pair = instrument.pair();
        String s = change.bid() ? "b" : "a";
        List<String[]> changes = new ArrayList<>();
        after.forEach((price, size) -> {
            BigDecimal was = beforeWindow.get(price);
            if (was == null || was.compareTo(size) != 0) {
                changes.add(new String[] {s, CryptoBook.fixed(price, pair.priceDecimals()),
                        CryptoBook.fixed(size, pair.sizeDecimals())});
            }
        });
        if (change.newSize().signum() == 0 && beforeWindow.containsKey(change.price())) {
            changes.add(new String[] {s, CryptoBook.fixed(change.price(), pair.priceDecimals()),
                    CryptoBook.fixed(BigDecimal.ZERO, pair.sizeDecimals())});
        }
        return changes;
    }
}
