package io.marketmesh.node.security;

import java.util.regex.Pattern;

/**
 * Text a client sent, made safe to write somewhere else: into a log line ({@link #forLog}) or an error message
 * ({@link #quote}). Every log call that writes request data goes through {@link #forLog}, so a client cannot forge a
 * log line (a CR/LF starting a fake entry, an ANSI escape rewriting a terminal).
 * <p>
 * And what a client may name ({@link #isSymbol}, {@link #isVenueId}): checked before the name reaches a venue (a
 * subscribe frame), a log line or a Kafka key.
 */
public final class ClientText {

    /** Longest symbol a client may name: the longest venue symbol (a Polymarket token id, 78 digits) with room. */
    public static final int MAX_SYMBOL_LENGTH = 128;
    /** Characters of every venue's symbols (Kraken's BTC/USD, Kalshi's KXBTCD-26MAY3017-T72999.99, OKX's BTC-USDT-SWAP). */
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9._:/@+-]{1," + MAX_SYMBOL_LENGTH + "}");
    private static final Pattern VENUE_ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    /** Characters of client text an error message quotes at most. */
    private static final int QUOTE_LENGTH = 80;
    /** Characters of client text a log line carries at most. */
    private static final int LOG_LENGTH = 200;

    private ClientText() {
    }

    /** Whether {@code symbol} may be a venue's market symbol. */
    public static boolean isSymbol(String symbol) {
        return symbol != null && SYMBOL.matcher(symbol).matches();
    }

    /** Whether {@code id} is shaped like a venue id (whether such a venue exists is the caller's check). */
    public static boolean isVenueId(String id) {
        return id != null && VENUE_ID.matcher(id).matches();
    }

    /** {@code text} for a log line: control characters escaped, at most 200 characters. */
    public static String forLog(String text) {
        return escape(text, LOG_LENGTH);
    }

    /** {@code text} for an error message sent back to the client: control characters escaped, at most 80 characters. */
    public static String quote(String text) {
        return escape(text, QUOTE_LENGTH);
    }

    /**
     * A whole error message (which may quote client text, already {@link #quote quoted} or not) for the client:
     * control characters escaped, backslashes left as they are (so a quoted value is not escaped twice), at most
     * {@code max} characters.
     */
    public static String message(String text, int max) {
        return escape(text, max, false);
    }

    /**
     * Escapes C0 and C1 control characters (CR, LF, ESC, NUL, DEL and the rest), the Unicode line and paragraph
     * separators, the bidirectional overrides (which can make a terminal show a line reordered) and surrogates (a
     * cut never leaves half a pair) as a backslash, u and four hex digits, and the backslash as a double backslash so
     * a client cannot write an escape that reads like one of ours; cuts the result at {@code max} characters of the
     * original with "...".
     */
    public static String escape(String text, int max) {
        return escape(text, max, true);
    }

    private static String escape(String text, int max, boolean backslash) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null;
        int length = Math.min(text.length(), max);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean unsafe = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                    || (backslash && c == '\\') || Character.isSurrogate(c) || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                    || (c >= '\u2066' && c <= '\u2069');
            if (unsafe && out == null) {
                out = new StringBuilder(length + 16).append(text, 0, i);
            }
            if (out != null) {
                if (c == '\\' && backslash) {
                    out.append("\\\\");
                } else if (unsafe) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        String safe = out == null ? text.substring(0, length) : out.toString();
        return text.length() > max ? safe + "..." : safe;
    }
}
