package io.marketmesh.node.testkit.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * A lexical view of one frame's JSON text, enough to mutate it in place: where each string, number and literal is,
 * which strings are keys, and where each value (a scalar, or an object or array up to its matching bracket) ends.
 * Lenient on purpose: a frame that is not JSON still yields the tokens it has.
 */
final class JsonTokens {

    enum Type { STRING, NUMBER, LITERAL, OPEN, CLOSE, COLON, COMMA }

    /** {@code end} is exclusive; {@code key} marks a string followed by a colon. */
    record Token(Type type, int start, int end, boolean key) {
    }

    final String text;
    final List<Token> tokens = new ArrayList<>();

    JsonTokens(String text) {
        this.text = text;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                int j = i + 1;
                while (j < n && text.charAt(j) != '"') {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(j + 1, n);
                int k = end;
                while (k < n && Character.isWhitespace(text.charAt(k))) {
                    k++;
                }
                tokens.add(new Token(Type.STRING, i, end, k < n && text.charAt(k) == ':'));
                i = end;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int j = i + 1;
                while (j < n && "0123456789.eE+-".indexOf(text.charAt(j)) >= 0) {
                    j++;
                }
                tokens.add(new Token(Type.NUMBER, i, j, false));
                i = j;
            } else if (c == '{' || c == '[') {
                tokens.add(new Token(Type.OPEN, i, i + 1, false));
                i++;
            } else if (c == '}' || c == ']') {
                tokens.add(new Token(Type.CLOSE, i, i + 1, false));
                i++;
            } else if (c == ':') {
                tokens.add(new Token(Type.COLON, i, i + 1, false));
                i++;
            } else if (c == ',') {
                tokens.add(new Token(Type.COMMA, i, i + 1, false));
                i++;
            } else if (Character.isLetter(c)) {
                int j = i + 1;
                while (j < n && Character.isLetter(text.charAt(j))) {
                    j++;
                }
                tokens.add(new Token(Type.LITERAL, i, j, false));
                i = j;
            } else {
                i++;
            }
        }
    }

    /** Indexes of tokens that are values (not keys, not punctuation), scalars and containers alike. */
    List<Integer> values(boolean scalarsOnly) {
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t < tokens.size(); t++) {
            Token token = tokens.get(t);
            boolean scalar = (token.type == Type.STRING && !token.key) || token.type == Type.NUMBER
                    || token.type == Type.LITERAL;
            if (scalar || (!scalarsOnly && token.type == Type.OPEN)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Whether character {@code at} is inside a field name. */
    boolean inKey(int at) {
        for (Token token : tokens) {
            if (token.key && at >= token.start && at < token.end) {
                return true;
            }
        }
        return false;
    }

    List<Integer> keys() {
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t < tokens.size(); t++) {
            if (tokens.get(t).key) {
                out.add(t);
            }
        }
        return out;
    }

    /** The index of the last token of the value starting at token {@code t} (its matching bracket for a container). */
    int valueEnd(int t) {
        if (tokens.get(t).type != Type.OPEN) {
            return t;
        }
        int depth = 0;
        for (int u = t; u < tokens.size(); u++) {
            Type type = tokens.get(u).type;
            if (type == Type.OPEN) {
                depth++;
            } else if (type == Type.CLOSE && --depth == 0) {
                return u;
            }
        }
        return tokens.size() - 1;
    }

    /** The text of the value starting at token {@code t}. */
    String valueText(int t) {
        return text.substring(tokens.get(t).start, tokens.get(valueEnd(t)).end);
    }

    String tokenText(int t) {
        Token token = tokens.get(t);
        return text.substring(token.start, token.end);
    }

    /** Replaces the value starting at token {@code t} (all of it, for a container). */
    String replaceValue(int t, String with) {
        return text.substring(0, tokens.get(t).start) + with + text.substring(tokens.get(valueEnd(t)).end);
    }
}
