package io.marketmesh.node.market;

import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.Decimals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Checks a book against what its venue promised about it ({@link BookClaim}): the top of book, or a CRC32 over the
 * top levels written the venue's way ({@link ChecksumLayout}). Knows no venue: the venue package describes its rule
 * as data. Reuses its buffers and caches the text of each number it wrote, so a check of a book that moved a little
 * allocates only for the numbers that are new; owned by one MarketActor.
 */
public final class BookVerifier {

    /** 256 slots: OKX writes 100 numbers a check, Kraken 40; about 12 KB a market, made on its first checksum. */
    private static final int CACHE_BITS = 8;
    private static final int CACHE_SIZE = 1 << CACHE_BITS;

    private final CRC32 crc = new CRC32();
    /** The checksum text being built. */
    private byte[] out;
    private int length;
    private byte[] separator = new byte[0];
    private ChecksumLayout separatorOf;
    private final StringBuilder scratch = new StringBuilder(32);
    /** Direct-mapped cache of numbers' texts: value and format (numbers, decimals) to the bytes written. */
    private long[] cachedValue;
    private int[] cachedFormat;
    private byte[][] cachedText;

    /** @return null when the book keeps the promise, otherwise what differs (for the stale reason) */
    public String verify(BookClaim claim, OrderBook book) {
        if (claim instanceof BookClaim.TopOfBook top) {
            if (sideMatches(top.bestBid(), book.bestBid()) && sideMatches(top.bestAsk(), book.bestAsk())) {
                return null;
            }
            return "top of book disagrees with the venue: have " + describe(book.bestBid()) + "/"
                    + describe(book.bestAsk()) + ", venue says " + describe(top.bestBid()) + "/" + describe(top.bestAsk());
        }
        BookClaim.Checksum checksum = (BookClaim.Checksum) claim;
        long computed;
        try {
            computed = checksum(checksum.layout(), book);
        } catch (ArithmeticException e) {
            return "checksum cannot be computed: " + e.getMessage();
        }
        return computed == checksum.expected() ? null
                : ResyncRequest.CHECKSUM_MISMATCH + " over the top " + checksum.layout().levels() + " levels: computed " + computed
                + ", venue says " + checksum.expected();
    }

    /** The unsigned CRC32 of the book's checksum text under {@code layout}. */
    public long checksum(ChecksumLayout layout, OrderBook book) {
        if (out == null) {
            out = new byte[1024];
            cachedValue = new long[CACHE_SIZE];
            cachedFormat = new int[CACHE_SIZE];
            cachedText = new byte[CACHE_SIZE][];
        }
        length = 0;
        if (layout != separatorOf) {
            separator = layout.separator().getBytes(StandardCharsets.US_ASCII);
            separatorOf = layout;
        }
        int bids = Math.min(layout.levels(), book.bidDepth());
        int asks = Math.min(layout.levels(), book.askDepth());
        switch (layout.order()) {
            case ASKS_THEN_BIDS -> {
                for (int i = 0; i < asks; i++) {
                    level(layout, book.askPriceAt(i), book.askSizeAt(i), book.askWideSizeAt(i));
                }
                for (int i = 0; i < bids; i++) {
                    level(layout, book.bidPriceAt(i), book.bidSizeAt(i), book.bidWideSizeAt(i));
                }
            }
            case BIDS_THEN_ASKS -> {
                for (int i = 0; i < bids; i++) {
                    level(layout, book.bidPriceAt(i), book.bidSizeAt(i), book.bidWideSizeAt(i));
                }
                for (int i = 0; i < asks; i++) {
                    level(layout, book.askPriceAt(i), book.askSizeAt(i), book.askWideSizeAt(i));
                }
            }
            case INTERLEAVED_BID_FIRST -> {
                for (int i = 0; i < Math.max(bids, asks); i++) {
                    if (i < bids) {
                        level(layout, book.bidPriceAt(i), book.bidSizeAt(i), book.bidWideSizeAt(i));
                    }
                    if (i < asks) {
                        level(layout, book.askPriceAt(i), book.askSizeAt(i), book.askWideSizeAt(i));
                    }
                }
            }
        }
        crc.reset();
        crc.update(out, 0, length);
        return crc.getValue();
    }

    private void level(ChecksumLayout layout, long price, long size, BigDecimal wideSize) {
        number(layout, price, layout.priceDecimals());
        if (wideSize == null) {
            number(layout, size, layout.sizeDecimals());
        } else {
            separate();
            append(wideText(layout.numbers(), wideSize, layout.sizeDecimals()));
        }
    }

    /**
     * One number's text, from the cache when this value was written the same way before: the levels near the top of a
     * book keep their prices, and most of their sizes, from one change to the next, so nearly every number is a hit.
     */
    private void number(ChecksumLayout layout, long value, int decimals) {
        separate();
        int format = layout.numbers().ordinal() << 8 | (decimals & 0xFF);
        int slot = (int) ((value * 0x9E3779B97F4A7C15L) >>> (64 - CACHE_BITS)) ^ format & (CACHE_SIZE - 1);
        byte[] text = cachedText[slot];
        if (text == null || cachedValue[slot] != value || cachedFormat[slot] != format) {
            text = format(layout.numbers(), value, decimals);
            cachedText[slot] = text;
            cachedValue[slot] = value;
            cachedFormat[slot] = format;
        }
        append(text);
    }

    private void separate() {
        if (length > 0 && separator.length > 0) {
            append(separator);
        }
    }

    private void append(byte[] text) {
        if (length + text.length > out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, length + text.length));
        }
        System.arraycopy(text, 0, out, length, text.length);
        length += text.length;
    }

    private byte[] format(ChecksumLayout.Numbers numbers, long value, int decimals) {
        if (decimals < 0) {
            numbers = ChecksumLayout.Numbers.SHORTEST; // FIXED with -1: this field is written shortest
        }
        if (numbers != ChecksumLayout.Numbers.SHORTEST && !fitsInUnits(value, decimals)) {
            // 100000000000 at 8 decimals is 10^19 units, more than a long: written from its exact value instead.
            return wideText(numbers, Decimals.toBigDecimal(value), decimals);
        }
        scratch.setLength(0);
        switch (numbers) {
            case SHORTEST -> Decimals.appendTo(scratch, value);
            case FIXED_DIGITS -> scratch.append(Decimals.toUnits(value, decimals));
            case FIXED -> {
                long units = Decimals.toUnits(value, decimals);
                if (units < 0) {
                    scratch.append('-');
                    units = -units;
                }
                long scale = 1;
                for (int k = 0; k < decimals; k++) {
                    scale *= 10;
                }
                scratch.append(units / scale);
                if (decimals > 0) {
                    scratch.append('.');
                    String fraction = Long.toString(units % scale);
                    for (int k = fraction.length(); k < decimals; k++) {
                        scratch.append('0');
                    }
                    scratch.append(fraction);
                }
            }
        }
        return scratch.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the value as a count of 10^-decimals units surely fits a long: below 10^18 units. */
    private static boolean fitsInUnits(long value, int decimals) {
        return decimals > 18 || Math.abs(value) < Decimals.scaleByPowerOfTen(Decimals.ONE, 18 - decimals);
    }

    /** A number too wide for a long's units, written as the layout writes numbers (rare: never cached). */
    private static byte[] wideText(ChecksumLayout.Numbers numbers, BigDecimal value, int decimals) {
        String text = switch (decimals < 0 ? ChecksumLayout.Numbers.SHORTEST : numbers) {
            case SHORTEST -> Decimals.toString(value);
            case FIXED_DIGITS -> value.setScale(decimals, RoundingMode.UNNECESSARY).unscaledValue().toString();
            case FIXED -> value.setScale(decimals, RoundingMode.UNNECESSARY).toPlainString();
        };
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code 0} in a claim means "that side is empty"; {@link Decimals#NONE} means no claim. */
    private static boolean sideMatches(long expected, long actual) {
        if (expected == Decimals.NONE) {
            return true;
        }
        if (expected == 0) {
            return actual == Decimals.NONE;
        }
        return expected == actual;
    }

    private static String describe(long price) {
        return price == Decimals.NONE ? "none" : price == 0 ? "empty" : Decimals.toString(price);
    }
}
