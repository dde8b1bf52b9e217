package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.api.ApiTokens.Access;
import io.marketmesh.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokens file and the token matcher (docs/security.md). */
class ApiTokensTest {

    private static final String WRITER = "a3f1c9e07b5d42e8a3f1c9e07b5d42e8";
    private static final String READER = "rrrrrrrrrrrrrrrr-only.token_1234";

    @TempDir
    Path tmp;

    @Test
    void readsTokensCommentsAndBlankLines() {
        ApiTokens tokens = ApiTokens.parse(List.of("# operators", "", WRITER + " read-write",
                "   " + READER + "\tread-only   ", "  # dashboards"), "tokens");
        assertEquals(2, tokens.size());
        assertEquals(Access.READ_WRITE, tokens.check(WRITER));
        assertEquals(Access.READ_ONLY, tokens.check(READER));
        assertEquals(Access.NONE, tokens.check(WRITER.substring(0, 31)), "a prefix is not the token");
        assertEquals(Access.NONE, tokens.check(WRITER + "0"));
        assertEquals(Access.NONE, tokens.check(""));
        assertEquals(Access.NONE, tokens.check(null));
    }

    @Test
    void aMalformedLineNamesItsNumberButNeverItsText() {
        String secret = "s3cr3t-but-misspelled-access-0001";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiTokens.parse(
                List.of("# comment", WRITER + " read-write", secret + " read-wirte"), "tokens.txt"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        for (List<String> bad : List.of(List.of(secret), List.of(secret + " read-write extra"),
                List.of("short read-write"), List.of("with\"quote-0123456789 read-write"),
                List.of(WRITER + " read-write", WRITER + " read-only"))) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> ApiTokens.parse(bad, "tokens.txt"), bad.toString());
            assertTrue(refused.getMessage().contains("line " + bad.size()), refused.getMessage());
            for (String line : bad) {
                assertFalse(refused.getMessage().contains(line.split(" ")[0]), refused.getMessage());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ApiTokens.parse(List.of("# nothing"), "tokens.txt"),
                "an empty file would lock every client out");
    }

    @Test
    void everyEntryIsComparedWhereverTheMatchIs() {
        byte[][] known = {{1}, {2}, {3}, {4}};
        for (byte[] presented : new byte[][] {{1}, {3}, {4}, {9}}) {
            AtomicInteger comparisons = new AtomicInteger();
            int index = ApiTokens.matchingEntry(known, presented, (a, b) -> {
                comparisons.incrementAndGet();
                return java.util.Arrays.equals(a, b);
            });
            assertEquals(known.length, comparisons.get(), "no early exit for " + presented[0]);
            assertEquals(presented[0] == 9 ? -1 : presented[0] - 1, index);
        }
    }

    @Test
    void theNodeRefusesToStartOnAMalformedFile() throws Exception {
        Path file = tmp.resolve("tokens");
        String secret = "leaky-token-value-000000000000";
        Files.writeString(file, WRITER + " read-write\n\n" + secret + " admin\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.http.auth.tokens-file", file.toString())))));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.http.auth.tokens-file",
                        tmp.resolve("absent").toString())))));
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
        IllegalArgumentException readsWithoutTokens = assertThrows(IllegalArgumentException.class,
                () -> NodeConfig.validate(NodeConfig.load(ConfigFactory.parseMap(
                        Map.of("marketmesh.http.auth.protect-reads", true)))));
        assertTrue(readsWithoutTokens.getMessage().contains("tokens-file"), readsWithoutTokens.getMessage());
    }
}
