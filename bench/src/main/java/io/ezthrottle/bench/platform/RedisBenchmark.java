package io.ezthrottle.bench.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's {@code redis-benchmark} (package redis-tools) against a server and reads its requests/second. */
public final class RedisBenchmark {

    private static final Pattern RPS = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) requests per second");
    private static final Pattern P50 = Pattern.compile("p50=([0-9.]+) msec");

    /** What one run printed: the command line, requests/s and median latency (ms, NaN when not printed). */
    public record Result(String command, double requestsPerSecond, double p50Millis) {
    }

    private RedisBenchmark() {
    }

    /**
     * {@code redis-benchmark -h 127.0.0.1 -p port <options> -q <command...>}; empty when the tool is missing or fails.
     */
    public static Optional<Result> run(int port, List<String> options, String... command) {
        List<String> line = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        line.addAll(options);
        line.add("-q");
        line.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            String text = new String(out, StandardCharsets.UTF_8);
            Matcher m = RPS.matcher(text);
            double rps = Double.NaN;
            while (m.find()) {
                rps = Double.parseDouble(m.group(1));
            }
            Matcher p50 = P50.matcher(text);
            double median = Double.NaN;
            while (p50.find()) {
                median = Double.parseDouble(p50.group(1));
            }
            String shown = String.join(" ", line).replace("-p " + port, "-p <port>").replace(" * ", " '*' ");
            return Double.isNaN(rps) ? Optional.empty() : Optional.of(new Result(shown, rps, median));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
