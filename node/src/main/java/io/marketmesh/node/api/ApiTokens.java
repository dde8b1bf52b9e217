package io.marketmesh.node.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * The API tokens of {@code marketmesh.http.auth.tokens-file} (docs/security.md): one {@code <token> <access>} per line,
 * {@code #} comments and blank lines allowed. Only SHA-256 digests of the tokens are kept; a presented token is
 * hashed and compared with every digest, in constant time and with no early exit, so neither the answer's timing nor
 * its path tells an attacker how much of a guess was right or which entry matched.
 * <p>
 * Error messages name the file and the line number, never a line's text: a malformed line may hold a real token.
 */
public final class ApiTokens {

    /** What a presented token allows. */
    public enum Access {
        /** No token, or one not in the file. */
        NONE,
        READ_ONLY,
        READ_WRITE
    }

    /**
     * Characters a token may have: RFC 7230 token characters that survive a URL, a header and a WebSocket
     * subprotocol name unchanged (hex and base64url both fit). At least 16 of them: a short token is guessable.
     */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+-]{16,512}");

    private record Entry(byte[] digest, Access access) {
    }

    private final Entry[] entries;
    private final byte[][] digests;

    private ApiTokens(List<Entry> entries) {
        this.entries = entries.toArray(Entry[]::new);
        this.digests = entries.stream().map(Entry::digest).toArray(byte[][]::new);
    }

    /**
     * Reads the tokens file.
     *
     * @throws IllegalArgumentException when it cannot be read or a line is malformed (names the line number only)
     */
    public static ApiTokens load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("marketmesh.http.auth.tokens-file: cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        return parse(lines, file.toString());
    }

    /** The tokens of {@code lines}, as read from {@code source} (named in errors). */
    static ApiTokens parse(List<String> lines, String source) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "marketmesh.http.auth.tokens-file " + source + " line " + (i + 1) + ": ";
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException(where + "expected '<token> <read-only|read-write>', found "
                        + fields.length + " field(s)");
            }
            if (!TOKEN.matcher(fields[0]).matches()) {
                throw new IllegalArgumentException(where + "a token is 16 to 512 characters of A-Z a-z 0-9 . _ ~ + -"
                        + " (e.g. openssl rand -hex 32)");
            }
            Access access = switch (fields[1]) {
                case "read-only" -> Access.READ_ONLY;
                case "read-write" -> Access.READ_WRITE;
                default -> throw new IllegalArgumentException(where + "access must be read-only or read-write");
            };
            byte[] digest = sha256(fields[0]);
            for (Entry known : entries) {
                if (MessageDigest.isEqual(known.digest, digest)) {
                    throw new IllegalArgumentException(where + "this token is listed twice");
                }
            }
            entries.add(new Entry(digest, access));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("marketmesh.http.auth.tokens-file " + source + ": no token in the file"
                    + " (an empty file would lock every client out; unset the setting to turn authentication off)");
        }
        return new ApiTokens(entries);
    }

    /** How many tokens the file lists. */
    public int size() {
        return entries.length;
    }

    /**
     * What {@code presented} allows. Its digest is compared with every entry's, whatever matched before, with
     * {@link MessageDigest#isEqual} (constant time for arrays of equal length, which SHA-256 digests always are).
     */
    public Access check(String presented) {
        int entry = indexOf(presented);
        return entry < 0 ? Access.NONE : entries[entry].access;
    }

    /** What the token of entry {@code index} (from {@link #indexOf}) allows. */
    Access access(int index) {
        return index < 0 ? Access.NONE : entries[index].access;
    }

    /** Which entry a valid token is, for keying per-client state by token without keeping the token: -1 if none. */
    int indexOf(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 4096) {
            return -1;
        }
        return matchingEntry(digests, sha256(presented), MessageDigest::isEqual);
    }

    /**
     * The index of {@code digest} among {@code known} (-1 if absent), comparing it with every one of them, whatever
     * matched before: how long this takes does not depend on where, or whether, the digest is found.
     */
    static int matchingEntry(byte[][] known, byte[] digest, BiPredicate<byte[], byte[]> equal) {
        int matched = -1;
        for (int i = 0; i < known.length; i++) {
            boolean same = equal.test(known[i], digest);
            matched = same ? i : matched;
        }
        return matched;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
