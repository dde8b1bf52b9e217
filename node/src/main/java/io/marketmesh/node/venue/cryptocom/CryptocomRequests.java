package io.marketmesh.node.venue.cryptocom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The requests one socket sends, in the venue's envelope {@code {"id":n,"method":..,"params":{..},"nonce":ms}} (ids
 * count from 1 per socket, the nonce is the clock in ms: the venue refuses one more than 60 s off), and which
 * markets each request carried, so a refusal that names no channel (40107, 42901) can still be pinned on them.
 *
 * <p>Every market is three channels: {@code book.{symbol}.{depth}} with {@code SNAPSHOT_AND_UPDATE} (a snapshot on
 * subscribe, then {@code book.update} deltas chained by {@code u}/{@code pu}), {@code trade.{symbol}} and
 * {@code ticker.{symbol}}. The book parameters sit inside {@code params}, next to {@code channels}, and apply to every
 * book channel of the frame.
 */
final class CryptocomRequests {

    private static final int REMEMBERED = 1024;

    private final CryptocomSettings settings;
    private final LongSupplier clock;
    private long nextId = 1;
    private final Map<Long, List<String>> symbolsById = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<String>> eldest) {
            return size() > REMEMBERED;
        }
    };

    CryptocomRequests(CryptocomSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Subscribe frames for these markets' three channels, at most {@code subscribe-batch-size} markets a frame. */
    List<String> subscribe(List<String> symbols) {
        return frames("subscribe", symbols, settings.subscribeBatchSize(), false);
    }

    /** Unsubscribe frames for these markets' three channels. */
    List<String> unsubscribe(List<String> symbols) {
        return frames("unsubscribe", symbols, settings.subscribeBatchSize(), false);
    }

    /** Unsubscribe then subscribe frames for these markets' book channels only: the venue's way to a new snapshot. */
    List<String> resubscribeBooks(List<String> symbols) {
        int perFrame = CryptocomSettings.MAX_CHANNELS_PER_FRAME;
        List<String> frames = new ArrayList<>(frames("unsubscribe", symbols, perFrame, true));
        frames.addAll(frames("subscribe", symbols, perFrame, true));
        return frames;
    }

    /** The answer the venue requires to its {@code public/heartbeat}, echoing its id, or it closes the socket. */
    static String respondHeartbeat(long id) {
        return "{\"id\":" + id + ",\"method\":\"public/respond-heartbeat\"}";
    }

    /** The markets a request of this id carried; empty when unknown (never ours, or long forgotten). */
    List<String> symbolsOf(long id) {
        return symbolsById.getOrDefault(id, List.of());
    }

    String bookChannel(String symbol) {
        return "book." + symbol + "." + settings.bookDepth();
    }

    /** The market a channel name is about ({@code book.BTC_USDT.50}, {@code trade.BTC_USDT}), or null. */
    static String symbolOf(String channel) {
        if (channel == null) {
            return null;
        }
        if (channel.startsWith("book.")) {
            int lastDot = channel.lastIndexOf('.');
            String rest = channel.substring(5);
            // book.{symbol}.{depth}; the depth-less book.{symbol} was retired in 2025 but may still be named.
            return lastDot > 4 && isDigits(channel, lastDot + 1) ? channel.substring(5, lastDot) : emptyToNull(rest);
        }
        if (channel.startsWith("trade.")) {
            return emptyToNull(channel.substring(6));
        }
        if (channel.startsWith("ticker.")) {
            return emptyToNull(channel.substring(7));
        }
        return null;
    }

    private List<String> frames(String method, List<String> symbols, int marketsPerFrame, boolean booksOnly) {
        List<String> frames = new ArrayList<>();
        for (int from = 0; from < symbols.size(); from += marketsPerFrame) {
            List<String> batch = List.copyOf(symbols.subList(from, Math.min(symbols.size(), from + marketsPerFrame)));
            long id = nextId++;
            symbolsById.put(id, batch);
            frames.add(frame(id, method, batch, booksOnly));
        }
        return frames;
    }

    private String frame(long id, String method, List<String> symbols, boolean booksOnly) {
        StringBuilder sb = new StringBuilder(64 + symbols.size() * 64);
        sb.append("{\"id\":").append(id).append(",\"method\":\"").append(method).append("\",\"params\":{\"channels\":[");
        boolean first = true;
        for (String symbol : symbols) {
            first = channel(sb, first, "book.", symbol, "." + settings.bookDepth());
            if (!booksOnly) {
                first = channel(sb, first, "trade.", symbol, "");
                first = channel(sb, first, "ticker.", symbol, "");
            }
        }
        sb.append(']');
        if (method.equals("subscribe")) {
            sb.append(",\"book_subscription_type\":\"SNAPSHOT_AND_UPDATE\",\"book_update_frequency\":")
                    .append(settings.bookUpdateFrequency());
        }
        sb.append("},\"nonce\":").append(clock.getAsLong()).append('}');
        return sb.toString();
    }

    private static boolean channel(StringBuilder sb, boolean first, String prefix, String symbol, String suffix) {
        if (!first) {
            sb.append(',');
        }
        sb.append('"').append(prefix);
        appendEscaped(sb, symbol);
        sb.append(suffix).append('"');
        return false;
    }

    /** Symbols come from configuration or the venue: escaped so that none can break the frame. */
    private static void appendEscaped(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
    }

    private static boolean isDigits(String s, int from) {
        if (from >= s.length()) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
