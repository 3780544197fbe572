package io.ezthrottle.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * BENCHMARKS.md, shared with other harnesses: each owns some level-2 sections ({@code ## Title}). Writing a section
 * replaces that section only (its heading up to the next level-2 heading), or appends it when it is new; every other
 * section and the preamble stay byte for byte. Headings inside fenced code blocks do not count.
 */
public final class BenchmarksFile {

    static final String PREAMBLE = """
            # Benchmarks

            Every figure here is written by a harness, never by hand, and names the commit, the machine and the command
            that produced it. Sections belong to their harness: `bench/run.sh quick|full` writes Submission, Pacing,
            Retry storm and Scale; the [Delivery](#delivery) section belongs to the delivery benchmark.
            """;

    private BenchmarksFile() {
    }

    /** Writes {@code body} (without its heading) as section {@code title} of {@code file}, creating the file if needed. */
    public static void writeSection(Path file, String title, String body) {
        try {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : PREAMBLE;
            Files.writeString(file, replaceSection(text, title, body), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} with section {@code title} replaced by (or extended with) {@code body}. */
    public static String replaceSection(String text, String title, String body) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        String heading = "## " + title;
        int start = -1;
        int end = lines.size();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced || !line.startsWith("## ")) {
                continue;
            }
            if (start < 0 && line.trim().equals(heading)) {
                start = i;
            } else if (start >= 0) {
                end = i;
                break;
            }
        }
        List<String> section = new ArrayList<>();
        section.add(heading);
        section.add("");
        section.addAll(body.strip().lines().toList());
        section.add("");
        if (start < 0) {
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
            lines.add("");
            lines.addAll(section);
        } else {
            List<String> out = new ArrayList<>(lines.subList(0, start));
            out.addAll(section);
            out.addAll(lines.subList(end, lines.size()));
            lines = out;
        }
        return String.join("\n", lines).stripTrailing() + "\n";
    }
}
