package io.marketmesh.node.market;

import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.Decimals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.zip.CRC32;

/**
 * Checks a book against what its venue promised about it ({@link BookClaim}): the top of book, or a CRC32 over the
 * top levels written the venue's way ({@link ChecksumLayout}). Knows no venue: the venue package describes its rule
 * as data. Reuses its buffers, so a check allocates nothing once they have grown; owned by one MarketActor.
 */
public final class BookVerifier {

    private final StringBuilder text = new StringBuilder(1024);
    private byte[] bytes = new byte[1024];
    private final CRC32 crc = new CRC32();

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
        text.setLength(0);
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
        int n = text.length();
        if (bytes.length < n) {
            bytes = new byte[Math.max(n, bytes.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) text.charAt(i);
        }
        crc.reset();
        crc.update(bytes, 0, n);
        return crc.getValue();
    }

    private void level(ChecksumLayout layout, long price, long size, BigDecimal wideSize) {
        number(layout, price, layout.priceDecimals());
        if (wideSize == null) {
            number(layout, size, layout.sizeDecimals());
        } else {
            wideNumber(layout, wideSize, layout.sizeDecimals());
        }
    }

    /** A size wider than a long, written as the layout writes numbers (rare: no effort to avoid allocation). */
    private void wideNumber(ChecksumLayout layout, BigDecimal value, int decimals) {
        if (text.length() > 0) {
            text.append(layout.separator());
        }
        switch (layout.numbers()) {
            case SHORTEST -> text.append(Decimals.toString(value));
            case FIXED_DIGITS -> text.append(value.setScale(decimals, RoundingMode.UNNECESSARY).unscaledValue());
            case FIXED -> text.append(value.setScale(decimals, RoundingMode.UNNECESSARY).toPlainString());
        }
    }

    private void number(ChecksumLayout layout, long value, int decimals) {
        if (text.length() > 0) {
            text.append(layout.separator());
        }
        switch (layout.numbers()) {
            case SHORTEST -> Decimals.appendTo(text, value);
            case FIXED_DIGITS -> text.append(Decimals.toUnits(value, decimals));
            case FIXED -> {
                long units = Decimals.toUnits(value, decimals);
                if (units < 0) {
                    text.append('-');
                    units = -units;
                }
                long scale = 1;
                for (int k = 0; k < decimals; k++) {
                    scale *= 10;
                }
                text.append(units / scale);
                if (decimals > 0) {
                    text.append('.');
                    String fraction = Long.toString(units % scale);
                    for (int k = fraction.length(); k < decimals; k++) {
                        text.append('0');
                    }
                    text.append(fraction);
                }
            }
        }
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
