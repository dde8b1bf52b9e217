package io.marketmesh.node.venue.polymarket;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
import java.util.Arrays;

/**
 * The fields of one market-channel JSON object, filled by {@link WireReader} and reused for every object
 * (fields arrive in any order: a {@code book}'s {@code asset_id} may follow its levels). Prices and sizes are
 * already exact decimals ({@link Decimals}); {@link Decimals#NONE} marks a field that was absent.
 */
final class WireMessage {

    /** {@code best_bid}/{@code best_ask} sent as an empty string (the venue's way of saying "no such side"). */
    static final long EMPTY = Long.MIN_VALUE + 1;

    /** Null when the object had no {@code event_type}. */
    EventType type;
    String unknownType;
    /** Null when absent; {@link Asset#FOREIGN} when not a token of this socket. */
    Asset asset;
    long timestamp;
    long price;
    long size;
    Side side;
    long bestBid;
    long bestAsk;
    final StringBuilder hash = new StringBuilder(66);
    final StringBuilder oldTickSize = new StringBuilder(8);
    final StringBuilder newTickSize = new StringBuilder(8);
    final StringBuilder winningOutcome = new StringBuilder(16);
    final Levels bids = new Levels();
    final Levels asks = new Levels();
    /** Current format: {@code price_changes[]}, each item naming its own token. */
    boolean hasPriceChanges;
    /** Older legacy format: {@code changes[]} for the top-level token. */
    boolean hasLegacyChanges;
    final Items items = new Items();
    /** Tokens of this socket named by {@code assets_ids} (or {@code clob_token_ids}); foreign ones are left out. */
    Asset[] tokens = new Asset[4];
    int tokenCount;
    /** 0 none, 1 from clob_token_ids, 2 from assets_ids (which wins). */
    int tokenSource;
    /** The first thing wrong with this object; the whole object is rejected when set. */
    String error;

    void reset() {
        type = null;
        unknownType = null;
        asset = null;
        timestamp = 0;
        price = Decimals.NONE;
        size = Decimals.NONE;
        side = null;
        bestBid = Decimals.NONE;
        bestAsk = Decimals.NONE;
        hash.setLength(0);
        oldTickSize.setLength(0);
        newTickSize.setLength(0);
        winningOutcome.setLength(0);
        bids.clear();
        asks.clear();
        hasPriceChanges = false;
        hasLegacyChanges = false;
        items.clear();
        Arrays.fill(tokens, 0, tokenCount, null);
        tokenCount = 0;
        tokenSource = 0;
        error = null;
    }

    void fail(String reason) {
        if (error == null) {
            error = reason;
        }
    }

    void addToken(Asset a) {
        if (tokenCount == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokenCount * 2);
        }
        tokens[tokenCount++] = a;
    }

    /** Book levels in wire order. */
    static final class Levels {
        boolean present;
        long[] prices = new long[16];
        long[] sizes = new long[16];
        int count;

        void add(long price, long size) {
            if (count == prices.length) {
                prices = Arrays.copyOf(prices, count * 2);
                sizes = Arrays.copyOf(sizes, count * 2);
            }
            prices[count] = price;
            sizes[count] = size;
            count++;
        }

        void clear() {
            present = false;
            count = 0;
        }
    }

    /** Level changes in wire order, each with its token and the venue's claimed top of book after it. */
    static final class Items {
        Asset[] assets = new Asset[8];
        Side[] sides = new Side[8];
        long[] prices = new long[8];
        long[] sizes = new long[8];
        long[] bestBids = new long[8];
        long[] bestAsks = new long[8];
        int count;

        void add(Asset asset, Side side, long price, long size, long bestBid, long bestAsk) {
            if (count == prices.length) {
                int n = count * 2;
                assets = Arrays.copyOf(assets, n);
                sides = Arrays.copyOf(sides, n);
                prices = Arrays.copyOf(prices, n);
                sizes = Arrays.copyOf(sizes, n);
                bestBids = Arrays.copyOf(bestBids, n);
                bestAsks = Arrays.copyOf(bestAsks, n);
            }
            assets[count] = asset;
            sides[count] = side;
            prices[count] = price;
            sizes[count] = size;
            bestBids[count] = bestBid;
            bestAsks[count] = bestAsk;
            count++;
        }

        void clear() {
            Arrays.fill(assets, 0, count, null);
            count = 0;
        }
    }
}
