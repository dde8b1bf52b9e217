package io.marketmesh.node.testkit.fuzz;

import io.marketmesh.node.testkit.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the clean frame streams the fuzz tests start from, out of the captures in shared/fixtures/venues. */
public final class FuzzFrames {

    private FuzzFrames() {
    }

    /** The "data" of every "recv" record of a cryptofeed recording, in order: the venue's frames verbatim. */
    public static List<String> received(String venue, String recording) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> frames = new ArrayList<>();
        for (String line : Fixtures.lines(venue, recording)) {
            try {
                var record = json.readTree(line);
                if ("recv".equals(record.path("t").asText())) {
                    frames.add(record.get("data").asText());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return frames;
    }

    /** Every distinct capture group 1 of {@code regex} over {@code frames}, in order of appearance. */
    public static List<String> matches(List<String> frames, String regex) {
        Pattern p = Pattern.compile(regex);
        Set<String> out = new LinkedHashSet<>();
        for (String frame : frames) {
            Matcher m = p.matcher(frame);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return List.copyOf(out);
    }

    /** The first frame containing {@code marker} for each distinct capture group 1 of {@code key}, in order. */
    public static List<String> firstPer(List<String> frames, String marker, String key) {
        Pattern p = Pattern.compile(key);
        java.util.Map<String, String> first = new java.util.LinkedHashMap<>();
        for (String frame : frames) {
            if (frame.contains(marker)) {
                Matcher m = p.matcher(frame);
                if (m.find()) {
                    first.putIfAbsent(m.group(1), frame);
                }
            }
        }
        return List.copyOf(first.values());
    }
}
