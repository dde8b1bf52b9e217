package io.marketmesh.node.testkit.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes hostile variants of real captured frames: each call picks one kind of damage and applies it at a random
 * place. A mutation is {@code strict} when no honest venue frame could look like it (a cut-off frame, a size that is
 * {@code null} or {@code NaN}, nesting thousands deep): a session must never let such a frame change a live book.
 * The others (a flipped digit, a field taken from another message, a duplicated key) can produce a frame that is
 * valid and merely says something else, which a venue without checksums cannot tell from the truth.
 */
public final class FrameMutator {

    public enum Kind {
        TRUNCATE, BYTE_FLIP, WRONG_TYPE, EXTREME_NUMBER, DEEP_NESTING, UNKNOWN_FIELD, DUPLICATE_KEY, REMOVE_FIELD,
        SWAP_FIELD, EMPTY_STRING, UNICODE
    }

    /** One mutated frame: what was done ({@code detail}) and whether a live book may follow it. */
    public record Mutation(Kind kind, String frame, boolean strict, String detail) {
    }

    private static final Kind[] KINDS = Kind.values();

    /** Numbers no venue sends in a book, each written bare or quoted as the original was. */
    private static final String[] EXTREME = {
        "1e309", "-1e309", "-1", "-0.5", "99999999999999999999999", "NaN", "Infinity", "-Infinity", "1e-30",
        "0.123456789012345678901234567890", "123456789012345678901234567890.123456789", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "1E+400", "0e0", "00012", ".5", "1.", "+1", "0x10", "1_000",
        "1e18", "-0", "4.9e-324", "1.7976931348623157e308", "1e-7", "100000000000000000.1",
        // Past Jackson's default number length (1000 characters): refused by its parser, to be counted as a bad frame.
        "1" + "0".repeat(1200), "0." + "1".repeat(1200)
    };

    private static final java.util.Set<String> NOT_FINITE = java.util.Set.of(
            "1e309", "-1e309", "NaN", "Infinity", "-Infinity", "1E+400", "0x10", "1_000");

    private static final String[] UNICODE = {
        "\u00e9t\u00e9", "\ud834\udd1e", "\\u0000", "\\ud800", "\u202eevil", "\ufeff", "\u0663", "\uff11",
        "\u0661.\u0665", "\\n\\r", "\u0000", "\ud800", "\u00a0", "\u200b1"
    };

    private static final String[] DEPTHS_HINT = {"600", "1001", "3000", "10000"};

    private final SplittableRandom random;

    public FrameMutator(SplittableRandom random) {
        this.random = random;
    }

    /** A mutation of {@code frame}; {@code other} is another frame of the same capture, for swapped fields. */
    public Mutation mutate(String frame, String other) {
        Kind kind = KINDS[random.nextInt(KINDS.length)];
        // Huge frames (a 46,000-level snapshot) are only cut or flipped: tokenizing them each time is too slow.
        if (frame.length() > 100_000 && kind != Kind.BYTE_FLIP) {
            kind = Kind.TRUNCATE;
        }
        Mutation m = apply(kind, frame, other);
        if (m == null || m.frame.equals(frame)) {
            return truncate(frame);
        }
        return m;
    }

    private Mutation apply(Kind kind, String frame, String other) {
        return switch (kind) {
            case TRUNCATE -> truncate(frame);
            case BYTE_FLIP -> byteFlip(frame);
            case DEEP_NESTING -> deepNesting(frame);
            default -> {
                JsonTokens json = new JsonTokens(frame);
                yield switch (kind) {
                    case WRONG_TYPE -> wrongType(json);
                    case EXTREME_NUMBER -> extremeNumber(json);
                    case UNKNOWN_FIELD -> unknownField(json);
                    case DUPLICATE_KEY -> duplicateKey(json);
                    case REMOVE_FIELD -> removeField(json);
                    case SWAP_FIELD -> swapField(json, new JsonTokens(other));
                    case EMPTY_STRING -> emptyString(json);
                    case UNICODE -> unicode(json);
                    default -> throw new IllegalStateException(kind.name());
                };
            }
        };
    }

    private Mutation truncate(String frame) {
        int at = frame.isEmpty() ? 0 : random.nextInt(frame.length());
        return new Mutation(Kind.TRUNCATE, frame.substring(0, at), true, "cut at " + at + " of " + frame.length());
    }

    private Mutation byteFlip(String frame) {
        if (frame.isEmpty()) {
            return null;
        }
        char[] chars = frame.toCharArray();
        int flips = 1 + random.nextInt(3);
        StringBuilder detail = new StringBuilder();
        boolean validLooking = false;
        JsonTokens json = frame.length() > 100_000 ? null : new JsonTokens(frame);
        for (int f = 0; f < flips; f++) {
            int at = random.nextInt(chars.length);
            // A garbled field name is a field removed and an unknown one added: valid-looking, like each of those.
            validLooking |= json != null && json.inKey(at);
            char before = chars[at];
            char after = (char) (before ^ (1 << random.nextInt(7)));
            chars[at] = after;
            validLooking |= before >= '0' && before <= '9' && after >= '0' && after <= '9';
            detail.append(at).append(':').append(before).append("->").append(after).append(' ');
        }
        // A digit flipped into another digit may make a valid frame saying something else: not strict.
        return new Mutation(Kind.BYTE_FLIP, new String(chars), !validLooking, detail.toString().trim());
    }

    private Mutation deepNesting(String frame) {
        int depth = Integer.parseInt(DEPTHS_HINT[random.nextInt(DEPTHS_HINT.length)]);
        String open = "[".repeat(depth);
        String nested = switch (random.nextInt(3)) {
            case 0 -> open + "1" + "]".repeat(depth);
            case 1 -> open;
            default -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        };
        JsonTokens json = new JsonTokens(frame);
        List<Integer> values = json.values(false);
        String mutated = values.isEmpty() || random.nextInt(4) == 0 ? nested : json.replaceValue(pick(values), nested);
        return new Mutation(Kind.DEEP_NESTING, mutated, true, "nesting " + depth + " deep");
    }

    private Mutation wrongType(JsonTokens json) {
        List<Integer> values = json.values(false);
        if (values.isEmpty()) {
            return null;
        }
        int t = pick(values);
        String original = json.valueText(t);
        String unquoted = original.startsWith("\"") && original.length() >= 2 ? original.substring(1, original.length() - 1)
                : original;
        // null or [] for a list (of levels, say) may be how a venue writes an empty one; for anything else, and every
        // other swap of type, no honest frame looks like it.
        boolean list = original.startsWith("[");
        return switch (random.nextInt(8)) {
            case 0 -> new Mutation(Kind.WRONG_TYPE, json.replaceValue(t, "null"), !list, original + " -> null");
            case 1 -> new Mutation(Kind.WRONG_TYPE, json.replaceValue(t, "[]"), !list, original + " -> []");
            case 2 -> new Mutation(Kind.WRONG_TYPE, json.replaceValue(t, "{}"), true, original + " -> {}");
            case 3 -> new Mutation(Kind.WRONG_TYPE, json.replaceValue(t, "true"), true, original + " -> true");
            case 4 -> new Mutation(Kind.WRONG_TYPE, json.replaceValue(t, "\"x\""), true, original + " -> \"x\"");
            case 5 -> new Mutation(Kind.WRONG_TYPE, json.replaceValue(t, "[" + original + "]"), true,
                    original + " -> [" + original + "]");
            // The same text as a number or as a string: a venue may legitimately be read either way.
            case 6 -> new Mutation(Kind.WRONG_TYPE, json.replaceValue(t, "\"" + unquoted + "\""), false,
                    original + " -> quoted");
            default -> new Mutation(Kind.WRONG_TYPE, json.replaceValue(t, unquoted), false, original + " -> unquoted");
        };
    }

    private Mutation extremeNumber(JsonTokens json) {
        List<Integer> values = json.values(true);
        values.removeIf(t -> {
            String text = json.tokenText(t);
            return json.tokens.get(t).type() == JsonTokens.Type.LITERAL
                    || (text.startsWith("\"") && !text.matches("\"-?[0-9.eE+]+\""));
        });
        if (values.isEmpty()) {
            return null;
        }
        int t = pick(values);
        String original = json.tokenText(t);
        String number = EXTREME[random.nextInt(EXTREME.length)];
        String with = original.startsWith("\"") ? "\"" + number + "\"" : number;
        // Not numbers at all, or not finite: no honest frame holds them. The rest (negative, huge, tiny, long) may be
        // what a venue says; their results are checked for exactness and sign instead.
        boolean strict = NOT_FINITE.contains(number);
        return new Mutation(Kind.EXTREME_NUMBER, json.replaceValue(t, with), strict, original + " -> " + with);
    }

    private Mutation unknownField(JsonTokens json) {
        for (int tries = 0; tries < 20 && !json.tokens.isEmpty(); tries++) {
            JsonTokens.Token token = json.tokens.get(random.nextInt(json.tokens.size()));
            if (token.type() == JsonTokens.Type.OPEN && json.text.charAt(token.start()) == '{') {
                String value = switch (random.nextInt(4)) {
                    case 0 -> "\"zz\"";
                    case 1 -> "[1,{\"b\":null}]";
                    case 2 -> "-12.5e3";
                    default -> "{\"nested\":{\"deeper\":[\"x\"]}}";
                };
                boolean empty = json.text.charAt(token.end()) == '}';
                String field = "\"zz_unknown_field\":" + value + (empty ? "" : ",");
                return new Mutation(Kind.UNKNOWN_FIELD, json.text.substring(0, token.end()) + field
                        + json.text.substring(token.end()), true, "added " + field);
            }
        }
        return null;
    }

    private Mutation duplicateKey(JsonTokens json) {
        List<Integer> keys = json.keys();
        if (keys.isEmpty()) {
            return null;
        }
        int k = pick(keys);
        int valueToken = k + 2;
        if (valueToken >= json.tokens.size()) {
            return null;
        }
        String key = json.tokenText(k);
        String value = json.valueText(valueToken);
        List<Integer> values = json.values(true);
        String otherValue = values.isEmpty() ? "0" : json.valueText(pick(values));
        String copy = key + ":" + (random.nextBoolean() ? value : otherValue);
        int end = json.tokens.get(json.valueEnd(valueToken)).end();
        boolean before = random.nextBoolean();
        String mutated = before
                ? json.text.substring(0, json.tokens.get(k).start()) + copy + "," + json.text.substring(json.tokens.get(k).start())
                : json.text.substring(0, end) + "," + copy + json.text.substring(end);
        return new Mutation(Kind.DUPLICATE_KEY, mutated, false, "duplicated " + key + (before ? " before" : " after"));
    }

    private Mutation removeField(JsonTokens json) {
        // A member of an object (key and value) or an element of an array (a level, say).
        List<Integer> values = json.values(false);
        if (values.isEmpty()) {
            return null;
        }
        int t = pick(values);
        int first = t > 1 && json.tokens.get(t - 1).type() == JsonTokens.Type.COLON ? t - 2 : t;
        int last = json.valueEnd(t);
        int start = json.tokens.get(first).start();
        int end = json.tokens.get(last).end();
        // Take one adjoining comma with it, so the rest stays valid JSON.
        if (last + 1 < json.tokens.size() && json.tokens.get(last + 1).type() == JsonTokens.Type.COMMA) {
            end = json.tokens.get(last + 1).end();
        } else if (first > 0 && json.tokens.get(first - 1).type() == JsonTokens.Type.COMMA) {
            start = json.tokens.get(first - 1).start();
        }
        return new Mutation(Kind.REMOVE_FIELD, json.text.substring(0, start) + json.text.substring(end), false,
                "removed " + abbreviate(json.text.substring(json.tokens.get(first).start(), json.tokens.get(last).end())));
    }

    private Mutation swapField(JsonTokens json, JsonTokens other) {
        List<Integer> keys = json.keys();
        List<Integer> otherKeys = other.keys();
        if (keys.isEmpty() || otherKeys.isEmpty()) {
            return null;
        }
        // Prefer the same key in the other message (its value there), else any of its values.
        int k = pick(keys);
        String key = json.tokenText(k);
        int source = -1;
        for (int o : otherKeys) {
            if (other.tokenText(o).equals(key) && o + 2 < other.tokens.size()) {
                source = o + 2;
                break;
            }
        }
        if (source < 0) {
            int o = pick(otherKeys);
            source = o + 2 < other.tokens.size() ? o + 2 : -1;
        }
        if (source < 0 || k + 2 >= json.tokens.size()) {
            return null;
        }
        String with = other.valueText(source);
        if (with.length() > 20_000) {
            return null;
        }
        return new Mutation(Kind.SWAP_FIELD, json.replaceValue(k + 2, with), false,
                key + " <- " + abbreviate(with) + " from another message");
    }

    private Mutation emptyString(JsonTokens json) {
        List<Integer> values = json.values(true);
        if (values.isEmpty()) {
            return null;
        }
        int t = pick(values);
        return new Mutation(Kind.EMPTY_STRING, json.replaceValue(t, "\"\""), true, json.tokenText(t) + " -> \"\"");
    }

    private Mutation unicode(JsonTokens json) {
        List<Integer> values = json.values(true);
        if (values.isEmpty()) {
            return null;
        }
        int t = pick(values);
        String original = json.tokenText(t);
        String u = UNICODE[random.nextInt(UNICODE.length)];
        String with;
        if (original.startsWith("\"") && original.length() >= 2 && random.nextBoolean()) {
            // Into the string: a digit replaced by a non-ASCII digit, or text inserted.
            String inner = original.substring(1, original.length() - 1);
            int at = inner.isEmpty() ? 0 : random.nextInt(inner.length() + 1);
            with = "\"" + inner.substring(0, at) + u + inner.substring(Math.min(inner.length(), at + (random.nextBoolean() ? 1 : 0))) + "\"";
        } else {
            with = random.nextBoolean() ? "\"" + u + "\"" : u;
        }
        return new Mutation(Kind.UNICODE, json.replaceValue(t, with), true, original + " -> " + with);
    }

    private int pick(List<Integer> from) {
        return from.get(random.nextInt(from.size()));
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
