package io.marketmesh.node.venue.kraken;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Kraken's book checksum computed from a snapshot's own levels, so the session can tell, once per snapshot, with which
 * decimals the venue writes the numbers it checksums. The live venue prints every number at the pair's precision and
 * checksums that text, and the precisions the session already has reproduce the snapshot's checksum; a server that
 * prints shorter numbers than it checksums, with no {@code instrument} channel to say the precision, would otherwise
 * fail every checksum of the book forever. Off the hot path (snapshots only), so written plainly.
 */
final class KrakenChecksum {

    /** How far beyond the decimals seen on the wire a search for the venue's precision looks. */
    static final int SEARCH = 10;

    private KrakenChecksum() {
    }

    /** The decimals the snapshot's checksum was written with. */
    record Precision(int priceDecimals, int qtyDecimals) {
    }

    /**
     * The precision, from {@code first} on, that reproduces {@code expected} over the snapshot's top
     * {@value KrakenBooks#CHECKSUM_LEVELS} asks and bids: {@code first} itself when it does (the usual case, one CRC),
     * otherwise the first of a search of up to {@value #SEARCH} more decimals on each number; null when none does (the
     * snapshot then disagrees with its own checksum, which its market's verification will report).
     */
    static Precision calibrate(List<PriceLevel> bids, List<PriceLevel> asks, long expected, Precision first) {
        List<PriceLevel> topAsks = top(asks, Comparator.comparingLong(PriceLevel::price));
        List<PriceLevel> topBids = top(bids, Comparator.comparingLong(PriceLevel::price).reversed());
        if (crc(topAsks, topBids, first.priceDecimals(), first.qtyDecimals()) == expected) {
            return first;
        }
        int maxPrice = Math.min(Decimals.MAX_DECIMALS, first.priceDecimals() + SEARCH);
        int maxQty = Math.min(Decimals.MAX_DECIMALS, first.qtyDecimals() + SEARCH);
        for (int p = first.priceDecimals(); p <= maxPrice; p++) {
            for (int q = first.qtyDecimals(); q <= maxQty; q++) {
                if (crc(topAsks, topBids, p, q) == expected) {
                    return new Precision(p, q);
                }
            }
        }
        return null;
    }

    /** The unsigned CRC32 of the levels written Kraken's way at these decimals; -1 when a number has more decimals. */
    static long crc(List<PriceLevel> asks, List<PriceLevel> bids, int priceDecimals, int qtyDecimals) {
        StringBuilder text = new StringBuilder(512);
        try {
            for (List<PriceLevel> side : List.of(asks, bids)) {
                for (PriceLevel level : side) {
                    digits(text, Decimals.toBigDecimal(level.price()), priceDecimals);
                    digits(text, level.exactSize(), qtyDecimals);
                }
            }
        } catch (ArithmeticException moreDecimalsThanThat) {
            return -1;
        }
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    /** {@code 0.00100000} at 8 → {@code 100000}: the number at those decimals, point and leading zeros removed. */
    private static void digits(StringBuilder into, BigDecimal value, int decimals) {
        into.append(value.setScale(decimals, RoundingMode.UNNECESSARY).unscaledValue());
    }

    private static List<PriceLevel> top(List<PriceLevel> side, Comparator<PriceLevel> bestFirst) {
        List<PriceLevel> sorted = new ArrayList<>(side);
        sorted.removeIf(level -> level.size() == 0);
        sorted.sort(bestFirst);
        return sorted.subList(0, Math.min(KrakenBooks.CHECKSUM_LEVELS, sorted.size()));
    }
}
