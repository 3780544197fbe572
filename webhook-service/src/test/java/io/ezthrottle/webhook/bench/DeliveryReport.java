package io.ezthrottle.webhook.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes the "Delivery" section of BENCHMARKS.md from a benchmark run, replacing only that section (the file's
 * other sections belong to other harnesses): figures are never copied by hand.
 */
final class DeliveryReport {

    private final StringBuilder results = new StringBuilder();
    private final String startedAt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now());
    private final String loadAtStart = loadAverage();

    void add(String markdown) {
        results.append(markdown).append('\n');
    }

    /** Replaces (or appends) the {@code ## Delivery} section of {@code file}. */
    void write(Path file, String command, boolean goalMet) {
        String section = "## Delivery\n\n"
                + "_Measured " + startedAt + " by `DeliveryBenchmark` at commit `" + commit() + "`; machine: "
                + machine() + "; load average (1/5/15 min) at the start: " + loadAtStart + "._\n\n"
                + "Command (from the repository root):\n\n```bash\n" + command + "\n```\n\n"
                + "The real webhook dispatcher (`WebhookApplication`, default settings except the receiver pace, lifted "
                + "because one loopback receiver is the whole audience) against an embedded redis-server of its own, "
                + "and a Reactor Netty receiver on loopback in the same JVM that checks every signature with its own "
                + "HMAC code. Finished job records are written beforehand, as a worker writes them; the clock starts "
                + "when the job id is appended to the results stream (the worker's last step after the upstream "
                + "answered) and stops when the receiver has the signed webhook. Throughput: all results published at "
                + "once after a warm-up, deliveries per second until the last arrives. Latency: results published at a "
                + "steady rate.\n\n"
                + "**Goal:** ≥ 5,000 signed deliveries/s and p99 ≤ 20 ms from result to webhook — **"
                + (goalMet ? "met" : "missed") + "**.\n\n"
                + results + "\nLoad average (1/5/15 min) at the end: " + loadAverage()
                + ". The CPU-per-delivery row counts only what this run consumed, so it holds even when other processes"
                + " share the cores; throughput and latency vary by about ±10 % between runs on this machine.\n\n";
        try {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n\n";
            int start = text.indexOf("\n## Delivery\n");
            String updated;
            if (start < 0) {
                updated = text.stripTrailing() + "\n\n" + section;
            } else {
                int end = text.indexOf("\n## ", start + 1);
                updated = text.substring(0, start + 1) + section + (end < 0 ? "" : text.substring(end + 1));
            }
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "BENCHMARKS", ".tmp");
            Files.writeString(tmp, updated, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep "unknown CPU"
        }
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + String.format(Locale.ROOT, "%.1f GiB", memory / (1024.0 * 1024 * 1024)) + ", "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
