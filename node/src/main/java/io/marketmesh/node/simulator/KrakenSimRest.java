package io.marketmesh.node.simulator;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The two REST endpoints of the simulated Kraken that discovery reads, in the live API's shape: {@code AssetPairs}
 * (keyed by REST pair names such as {@code XXBTZUSD}, {@code wsname} in v1 naming: {@code XBT/USD}, {@code XDG/USD};
 * legacy asset codes {@code XXBT}, {@code ZUSD}) and {@code Ticker} (24-hour volume {@code v} and VWAP {@code p}).
 */
final class KrakenSimRest {

    private KrakenSimRest() {
    }

    static String assetPairs(List<CryptoSimVenue.Instrument> listed) {
        StringBuilder out = new StringBuilder("{\"error\":[],\"result\":{");
        for (CryptoSimVenue.Instrument instrument : listed) {
            CryptoPair pair = instrument.pair();
            String wsname = v1(pair.base()) + "/" + v1(pair.quote());
            out.append(out.charAt(out.length() - 1) == '{' ? "" : ",").append('"').append(restName(pair))
                    .append("\":{\"altname\":\"").append(v1(pair.base())).append(v1(pair.quote()))
                    .append("\",\"wsname\":\"").append(wsname).append("\",\"aclass_base\":\"currency\",\"base\":\"")
                    .append(legacy(pair.base())).append("\",\"aclass_quote\":\"currency\",\"quote\":\"")
                    .append(legacy(pair.quote())).append("\",\"lot\":\"unit\",\"cost_decimals\":5,\"pair_decimals\":")
                    .append(pair.priceDecimals()).append(",\"lot_decimals\":").append(pair.sizeDecimals())
                    .append(",\"lot_multiplier\":1,\"ordermin\":\"").append(pair.lot().toPlainString())
                    .append("\",\"costmin\":\"0.5\",\"tick_size\":\"").append(pair.tick().toPlainString())
                    .append("\",\"status\":\"online\"}");
        }
        return out.append("}}").toString();
    }

    /** Every pair's 24-hour volume: the base volume traded here so far plus a per-pair baseline, so ranks differ. */
    static String tickers(List<CryptoSimVenue.Instrument> listed, Map<String, BigDecimal> lastTrade,
                          Map<String, BigDecimal> volume) {
        StringBuilder out = new StringBuilder("{\"error\":[],\"result\":{");
        int rank = listed.size();
        for (CryptoSimVenue.Instrument instrument : listed) {
            CryptoPair pair = instrument.pair();
            BigDecimal base = pair.lot().multiply(BigDecimal.valueOf(pair.maxLots())).multiply(BigDecimal.valueOf(rank--))
                    .add(volume.getOrDefault(instrument.symbol(), BigDecimal.ZERO));
            String last = CryptoBook.fixed(lastTrade.getOrDefault(instrument.symbol(), pair.mid()), pair.priceDecimals());
            String vol = CryptoBook.fixed(base, pair.sizeDecimals());
            out.append(out.charAt(out.length() - 1) == '{' ? "" : ",").append('"').append(restName(pair))
                    .append("\":{\"a\":[\"").append(CryptoBook.fixed(instrument.book().bestAsk(), pair.priceDecimals()))
                    .append("\",\"1\",\"1.000\"],\"b\":[\"")
                    .append(CryptoBook.fixed(instrument.book().bestBid(), pair.priceDecimals()))
                    .append("\",\"1\",\"1.000\"],\"c\":[\"").append(last).append("\",\"")
                    .append(CryptoBook.fixed(pair.lot(), pair.sizeDecimals())).append("\"],\"v\":[\"").append(vol)
                    .append("\",\"").append(vol).append("\"],\"p\":[\"").append(last).append("\",\"").append(last)
                    .append("\"],\"t\":[1,1],\"l\":[\"").append(last).append("\",\"").append(last).append("\"],\"h\":[\"")
                    .append(last).append("\",\"").append(last).append("\"],\"o\":\"").append(last).append("\"}");
        }
        return out.append("}}").toString();
    }

    /** The v1 (and REST) name of an asset: Kraken calls bitcoin XBT and dogecoin XDG there. */
    static String v1(String asset) {
        return switch (asset) {
            case "BTC" -> "XBT";
            case "DOGE" -> "XDG";
            default -> asset;
        };
    }

    /** Kraken's legacy asset codes in AssetPairs' base/quote: XXBT, XETH, XXDG, ZUSD, ZEUR; others as they are. */
    private static String legacy(String asset) {
        return switch (asset) {
            case "BTC", "ETH", "DOGE", "XRP" -> "X" + v1(asset);
            case "USD", "EUR" -> "Z" + asset;
            default -> asset;
        };
    }

    private static String restName(CryptoPair pair) {
        String base = legacy(pair.base());
        String quote = legacy(pair.quote());
        boolean legacyPair = base.length() == 4 && base.startsWith("X") && quote.length() == 4;
        return legacyPair ? base + quote : v1(pair.base()) + v1(pair.quote());
    }
}
