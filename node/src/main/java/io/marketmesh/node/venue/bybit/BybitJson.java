package io.marketmesh.node.venue.bybit;

import java.io.IOException;

/**
 * A strict JSON cursor over one frame's text, for the hot path: Bybit's book deltas carry a dozen levels as
 * {@code ["price","size"]} string pairs, and reading them through a general tokenizer cost more than everything else a
 * frame needs. It reads in place: a string is the range {@code [start, end)} of its raw text, decoded only when asked
 * ({@link #decoded}); numbers are read as integers where the caller needs one; everything the caller skips is still
 * checked to be JSON. Anything else fails with an {@link IOException} saying where, so a malformed frame is a bad
 * frame, never a misread one. One instance per session, reused for every frame.
 */
final class BybitJson {

    /** Objects and arrays nested deeper than this are refused (a frame built to exhaust the stack). */
    static final int MAX_DEPTH = 32;

    private String text;
    private int pos;
    private int end;
    /** The raw range of the last string read, quotes excluded, and whether it held an escape. */
    int start;
    int stop;
    boolean escaped;

    void reset(String frame) {
        text = frame;
        pos = 0;
        end = frame.length();
    }

    String text() {
        return text;
    }

    // ---------------------------------------------------------------- structure

    /** Skips whitespace and returns the next character without taking it, or -1 at the end. */
    int peek() {
        while (pos < end) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c;
            }
            pos++;
        }
        return -1;
    }

    void expect(char c) throws IOException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** Takes {@code c} if it is next. */
    boolean take(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * Inside an object or array whose opening was taken: true when another member follows (its comma taken), false when
     * the closing {@code close} was taken. {@code first} says no member was read yet.
     */
    boolean more(char close, boolean first) throws IOException {
        int c = peek();
        if (c == close) {
            pos++;
            return false;
        }
        if (!first) {
            if (c != ',') {
                throw error("expected ',' or '" + close + "'");
            }
            pos++;
        }
        return true;
    }

    /** Reads an object member's name (into {@link #start}/{@link #stop}) and its colon. */
    void name() throws IOException {
        string();
        expect(':');
    }

    /** Whether the last string read is exactly {@code s} (an escaped one never is). */
    boolean is(String s) {
        return !escaped && stop - start == s.length() && text.regionMatches(start, s, 0, s.length());
    }

    void end() throws IOException {
        if (peek() != -1) {
            throw error("trailing content after the JSON object");
        }
    }

    // ---------------------------------------------------------------- values

    /** Reads a string value: its raw range goes to {@link #start}/{@link #stop}. */
    void string() throws IOException {
        if (peek() != '"') {
            throw error("expected a string");
        }
        int i = ++pos;
        boolean sawEscape = false;
        while (true) {
            if (i >= end) {
                throw error("unterminated string");
            }
            char c = text.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                sawEscape = true;
                i += escapeLength(i);
                continue;
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            i++;
        }
        start = pos;
        stop = i;
        escaped = sawEscape;
        pos = i + 1;
    }

    private int escapeLength(int at) throws IOException {
        if (at + 1 >= end) {
            throw error("unterminated escape");
        }
        char c = text.charAt(at + 1);
        if (c == 'u') {
            if (at + 6 > end) {
                throw error("short \\u escape");
            }
            for (int k = at + 2; k < at + 6; k++) {
                if (Character.digit(text.charAt(k), 16) < 0) {
                    throw error("bad \\u escape");
                }
            }
            return 6;
        }
        if ("\"\\/bfnrt".indexOf(c) < 0) {
            throw error("bad escape");
        }
        return 2;
    }

    /** The last string read, escapes decoded (allocates; for the few values kept as text). */
    String decoded() {
        if (!escaped) {
            return text.substring(start, stop);
        }
        StringBuilder sb = new StringBuilder(stop - start);
        for (int i = start; i < stop; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(text, i + 1, i + 5, 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    /**
     * Reads a string value, as {@link #string()}; any other value is skipped (checked to be JSON) and refused with an
     * {@link IllegalArgumentException} naming {@code what}: valid JSON, but not what Bybit sends there.
     */
    void stringValue(String what) throws IOException {
        if (peek() == '"') {
            string();
            return;
        }
        skip();
        throw new IllegalArgumentException(what + " is not a string");
    }

    /**
     * Reads a decimal: a string as Bybit sends it ({@code "0.5"}), or a bare JSON number, whose text is taken as it
     * is (never through a double); either way its text is {@link #start}..{@link #stop}. Another value is skipped
     * (checked to be JSON) and refused.
     */
    void decimalValue(String what) throws IOException {
        if (peek() == '"') {
            string();
            return;
        }
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
            int from = pos;
            number();
            start = from;
            stop = pos;
            return;
        }
        skip();
        throw new IllegalArgumentException(what + " is not a decimal");
    }

    /**
     * Reads an integer value: a JSON number without fraction or exponent, or such a number in a string. Another value
     * is skipped (checked to be JSON) and refused with a {@link NumberFormatException}.
     */
    long integer() throws IOException {
        int from;
        int to;
        if (peek() == '"') {
            string();
            from = start;
            to = stop;
        } else if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
            from = pos;
            number();
            to = pos;
        } else {
            skip();
            throw new NumberFormatException("integer expected");
        }
        boolean negative = from < to && text.charAt(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == to) {
            throw new NumberFormatException("integer expected");
        }
        long value = 0;
        for (; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || value > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw new NumberFormatException("not an integer of 63 bits: " + text.substring(from, to));
            }
            value = value * 10 + (c - '0');
        }
        return negative ? -value : value;
    }

    /** {@code true} → 1, {@code false} → 0, anything else (checked, skipped) → -1. */
    int bool() throws IOException {
        if (literal("true")) {
            return 1;
        }
        if (literal("false")) {
            return 0;
        }
        skip();
        return -1;
    }

    /** Whether the next value is {@code null} (then taken). */
    boolean isNull() throws IOException {
        return literal("null");
    }

    private boolean literal(String word) throws IOException {
        if (peek() == word.charAt(0) && text.startsWith(word, pos)) {
            pos += word.length();
            return true;
        }
        return false;
    }

    /** Skips one value of any kind, checking that it is JSON. */
    void skip() throws IOException {
        skip(0);
    }

    private void skip(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw error("nested too deep");
        }
        int c = peek();
        switch (c) {
            case '"' -> string();
            case '{' -> {
                pos++;
                for (boolean first = true; more('}', first); first = false) {
                    name();
                    skip(depth + 1);
                }
            }
            case '[' -> {
                pos++;
                for (boolean first = true; more(']', first); first = false) {
                    skip(depth + 1);
                }
            }
            case 't', 'f', 'n' -> {
                if (!literal("true") && !literal("false") && !literal("null")) {
                    throw error("unknown literal");
                }
            }
            default -> number();
        }
    }

    private void number() throws IOException {
        int i = pos;
        if (i < end && text.charAt(i) == '-') {
            i++;
        }
        int digits = i;
        while (i < end && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        if (i == digits) {
            throw error("expected a value");
        }
        if (i - digits > 1 && text.charAt(digits) == '0') {
            throw error("number with a leading zero");
        }
        if (i < end && text.charAt(i) == '.') {
            int fraction = ++i;
            while (i < end && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            if (i == fraction) {
                throw error("bad number");
            }
        }
        if (i < end && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponent = i;
            while (i < end && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            if (i == exponent) {
                throw error("bad number");
            }
        }
        pos = i;
    }

    IOException error(String what) {
        return new IOException(what + " at character " + pos);
    }
}
