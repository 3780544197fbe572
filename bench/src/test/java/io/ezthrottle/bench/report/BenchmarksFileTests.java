package io.ezthrottle.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchmarksFileTests {

    private static final String FILE = """
            # Benchmarks

            intro

            ## Submission

            old numbers

            ## Delivery

            theirs, with an example:

            ```
            ## not a heading
            ```

            ## Pacing

            old pacing
            """;

    @Test
    void replacesOnlyItsOwnSectionAndKeepsOthersByteForByte() {
        String out = BenchmarksFile.replaceSection(FILE, "Submission", "new numbers\n");
        assertThat(out).contains("## Submission\n\nnew numbers\n\n## Delivery\n").doesNotContain("old numbers");
        assertThat(out).contains("theirs, with an example:\n\n```\n## not a heading\n```\n");
        assertThat(out).contains("## Pacing\n\nold pacing\n");
    }

    @Test
    void appendsANewSectionAndIsIdempotent() {
        String once = BenchmarksFile.replaceSection(FILE, "Scale", "a million jobs");
        String twice = BenchmarksFile.replaceSection(once, "Scale", "a million jobs");
        assertThat(once).endsWith("## Pacing\n\nold pacing\n\n## Scale\n\na million jobs\n");
        assertThat(twice).isEqualTo(once);
    }

    @Test
    void lastSectionIsReplacedToTheEnd() {
        String out = BenchmarksFile.replaceSection(FILE, "Pacing", "new pacing");
        assertThat(out).endsWith("## Pacing\n\nnew pacing\n").doesNotContain("old pacing");
        assertThat(out).contains("## Delivery");
    }
}
