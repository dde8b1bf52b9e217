package io.marketmesh.node.venue.okx;

import java.io.IOException;

/**
 * A strict JSON scanner over one frame's characters, for {@link OkxFrameReader}: no tokens, no copies, values handed
 * on as windows on the frame itself. OKX's book frames are mostly arrays of short quoted numbers; a general streaming
 * parser spends several token objects and a character copy on each of them, this reads them in place (about twice as
 * fast on a 20-level update). Anything that is not JSON is refused with {@link Malformed}, so a truncated or garbled
 * frame is a bad frame, never half read.
 */
final class OkxJson {

    /** The frame is not valid JSON. */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message, null);
        }
    }

    /** What a scalar turned out to be. */
    enum Kind {
        STRING, NUMBER, NULL, OTHER
    }

    /** A window on the frame's characters (or on the unescaped copy of a string that had escapes). */
    static final class Text implements CharSequence {
        private char[] chars = new char[0];
        private int offset;
        private int length;

        void set(char[] chars, int offset, int length) {
            this.chars = chars;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return chars[offset + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(chars, offset + start, end - start);
        }

        boolean is(String s) {
            if (s.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (chars[offset + i] != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return new String(chars, offset, length);
        }
    }

    /** The frame's characters, copied once per frame into a buffer reused frame after frame. */
    private char[] s = new char[1024];
    private int pos;
    private int end;
    /** The last string or number read, or the last field name. */
    final Text text = new Text();

    void reset(String frame) {
        int n = frame.length();
        if (s.length < n) {
            s = new char[Math.max(n, s.length * 2)];
        }
        frame.getChars(0, n, s, 0);
        pos = 0;
        end = n;
    }

    /** Where the scanner stands. */
    int position() {
        return pos;
    }

    /** Goes back to a position {@link #position()} gave (to read a value again). */
    void seek(int position) {
        pos = position;
    }

    private void skipWhitespace() {
        while (pos < end) {
            char c = s[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    char peek() throws Malformed {
        skipWhitespace();
        if (pos >= end) {
            throw new Malformed("unexpected end of the frame");
        }
        return s[pos];
    }

    void expect(char c) throws Malformed {
        if (peek() != c) {
            throw unexpected("'" + c + "'");
        }
        pos++;
    }

    /** Only whitespace is left. */
    boolean atEnd() {
        skipWhitespace();
        return pos >= end;
    }

    /**
     * After {@code {}: the next field's name, in {@link #text}, with its colon consumed; false at the closing brace
     * (consumed). {@code first} is whether no field was read in this object yet.
     */
    boolean nextField(boolean first) throws Malformed {
        char c = peek();
        if (c == '}') {
            pos++;
            return false;
        }
        if (!first) {
            if (c != ',') {
                throw unexpected("',' or '}'");
            }
            pos++;
            c = peek();
        }
        if (c != '"') {
            throw unexpected("a field name");
        }
        readString();
        expect(':');
        return true;
    }

    /** After {@code [}: true before the next element, false at the closing bracket (consumed). */
    boolean nextElement(boolean first) throws Malformed {
        char c = peek();
        if (c == ']') {
            pos++;
            return false;
        }
        if (!first) {
            if (c != ',') {
                throw unexpected("',' or ']'");
            }
            pos++;
        }
        return true;
    }

    /** Reads a scalar into {@link #text}; anything else (object, array) is skipped and reported as {@link Kind#OTHER}. */
    Kind scalar() throws Malformed {
        char c = peek();
        if (c == '"') {
            readString();
            return Kind.STRING;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            readNumber();
            return Kind.NUMBER;
        }
        if (c == 'n') {
            literal("null");
            return Kind.NULL;
        }
        skipValue();
        return Kind.OTHER;
    }

    /**
     * How deep a skipped value may nest: Jackson's default limit ({@code StreamReadConstraints}), which the other
     * venues' parsers keep. A frame of thousands of {@code [} would otherwise overflow the stack of the connection's
     * thread and fail the socket instead of counting one bad frame.
     */
    static final int MAX_DEPTH = 1000;

    /** Skips one value of any kind. */
    void skipValue() throws Malformed {
        skipValue(1);
    }

    private void skipValue(int depth) throws Malformed {
        char c = peek();
        if ((c == '{' || c == '[') && depth > MAX_DEPTH) {
            throw new Malformed("nested deeper than " + MAX_DEPTH + " at char " + pos);
        }
        switch (c) {
            case '"' -> readString();
            case '{' -> {
                pos++;
                boolean first = true;
                while (nextField(first)) {
                    first = false;
                    skipValue(depth + 1);
                }
            }
            case '[' -> {
                pos++;
                boolean first = true;
                while (nextElement(first)) {
                    first = false;
                    skipValue(depth + 1);
                }
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    readNumber();
                } else {
                    throw unexpected("a value");
                }
            }
        }
    }

    /** At a quote: the string's content into {@link #text} (unescaped into a copy when it has escapes). */
    private void readString() throws Malformed {
        int start = ++pos;
        for (int i = start; i < end; i++) {
            char c = s[i];
            if (c == '"') {
                text.set(s, start, i - start);
                pos = i + 1;
                return;
            }
            if (c == '\\') {
                readEscapedString(start);
                return;
            }
            if (c < 0x20) {
                throw new Malformed("control character in a string at char " + i);
            }
        }
        throw new Malformed("unterminated string at char " + (start - 1));
    }

    private void readEscapedString(int start) throws Malformed {
        StringBuilder out = new StringBuilder();
        int i = start;
        while (true) {
            if (i >= end) {
                throw new Malformed("unterminated string at char " + (start - 1));
            }
            char c = s[i++];
            if (c == '"') {
                break;
            }
            if (c < 0x20) {
                throw new Malformed("control character in a string at char " + (i - 1));
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i >= end) {
                throw new Malformed("unterminated escape at char " + (i - 1));
            }
            char e = s[i++];
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (i + 4 > end) {
                        throw new Malformed("short \\u escape at char " + (i - 2));
                    }
                    int code = 0;
                    for (int k = 0; k < 4; k++) {
                        int digit = Character.digit(s[i++], 16);
                        if (digit < 0) {
                            throw new Malformed("bad \\u escape at char " + (i - 1));
                        }
                        code = code * 16 + digit;
                    }
                    out.append((char) code);
                }
                default -> throw new Malformed("bad escape '\\" + e + "' at char " + (i - 2));
            }
        }
        char[] unescaped = new char[out.length()];
        out.getChars(0, unescaped.length, unescaped, 0);
        text.set(unescaped, 0, unescaped.length);
        pos = i;
    }

    /** A JSON number into {@link #text}: {@code -?digits(.digits)?([eE][+-]?digits)?}. */
    private void readNumber() throws Malformed {
        int start = pos;
        if (s[pos] == '-') {
            pos++;
        }
        int first = pos;
        int digits = digits();
        if (digits == 0) {
            throw unexpected("a digit");
        }
        if (digits > 1 && s[first] == '0') {
            // JSON has no leading zeros: "00012" is not a number a venue's encoder writes.
            throw new Malformed("a number with a leading zero at char " + first);
        }
        if (pos < end && s[pos] == '.') {
            pos++;
            if (digits() == 0) {
                throw unexpected("a digit after the point");
            }
        }
        if (pos < end && (s[pos] == 'e' || s[pos] == 'E')) {
            pos++;
            if (pos < end && (s[pos] == '+' || s[pos] == '-')) {
                pos++;
            }
            if (digits() == 0) {
                throw unexpected("a digit in the exponent");
            }
        }
        text.set(s, start, pos - start);
    }

    private int digits() {
        int start = pos;
        while (pos < end) {
            char c = s[pos];
            if (c < '0' || c > '9') {
                break;
            }
            pos++;
        }
        return pos - start;
    }

    private void literal(String word) throws Malformed {
        int n = word.length();
        if (pos + n > end) {
            throw unexpected("'" + word + "'");
        }
        for (int i = 0; i < n; i++) {
            if (s[pos + i] != word.charAt(i)) {
                throw unexpected("'" + word + "'");
            }
        }
        pos += n;
    }

    private Malformed unexpected(String wanted) {
        if (pos >= end) {
            return new Malformed("unexpected end of the frame, wanted " + wanted);
        }
        return new Malformed("unexpected '" + s[pos] + "' at char " + pos + ", wanted " + wanted);
    }
}
