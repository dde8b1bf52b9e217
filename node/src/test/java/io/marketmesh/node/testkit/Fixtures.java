package io.marketmesh.node.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the real captured venue messages in shared/fixtures/venues (never edited to make a test pass). */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path dir(String venue) {
        String root = System.getProperty("marketmesh.fixtures", "../../shared/fixtures/venues");
        Path dir = Path.of(root, venue);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("captured venue fixtures not found at " + dir.toAbsolutePath()
                    + " (shared/ must sit beside the repository)");
        }
        return dir;
    }

    public static String read(String venue, String file) {
        try {
            return Files.readString(dir(venue).resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Non-blank lines of a .jsonl capture, one raw frame each. */
    public static List<String> lines(String venue, String file) {
        return read(venue, file).lines().filter(l -> !l.isBlank()).toList();
    }

    public static List<Path> all(String venue) {
        try (var s = Files.list(dir(venue))) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
