package io.ezthrottle.bench.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.ezthrottle.bench.stub.Arrivals;

/** Raw measurements written next to the service logs, for a look beyond the summary (not committed). */
final class RawData {

    private RawData() {
    }

    /** One line per destination and arrival: port, ms since the first arrival of that port, gap to the previous. */
    static void arrivalsByPort(Path file, java.util.Map<Integer, Arrivals> byPort) {
        List<String> lines = new ArrayList<>(List.of("port,ms_since_first,gap_ms"));
        byPort.forEach((port, arrivals) -> {
            long[] nanos = arrivals.sortedNanos();
            for (int i = 0; i < nanos.length; i++) {
                lines.add(String.format(java.util.Locale.ROOT, "%d,%.3f,%.3f", port, (nanos[i] - nanos[0]) / 1e6,
                        i == 0 ? 0.0 : (nanos[i] - nanos[i - 1]) / 1e6));
            }
        });
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line per arrival: milliseconds since the first arrival, and the gap to the previous one. */
    static void arrivals(Path file, Arrivals arrivals) {
        long[] nanos = arrivals.sortedNanos();
        List<String> lines = new ArrayList<>(List.of("ms_since_first,gap_ms"));
        for (int i = 0; i < nanos.length; i++) {
            lines.add(String.format(java.util.Locale.ROOT, "%.3f,%.3f", (nanos[i] - nanos[0]) / 1e6,
                    i == 0 ? 0.0 : (nanos[i] - nanos[i - 1]) / 1e6));
        }
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
