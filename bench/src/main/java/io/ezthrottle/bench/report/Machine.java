package io.ezthrottle.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a figure was measured on: commit, machine, JDK, load and the command. Read once at the start of a run; the
 * load is read again at the start of each scenario, because other work on a shared machine comes and goes.
 */
public record Machine(String commit, int uncommittedFiles, int cores, String cpu, double memoryGib, String jdk,
                      String startedAt, String command) {

    public static Machine read(Path root, String command) {
        String commit = run(root, "git", "rev-parse", "HEAD").trim();
        String status = run(root, "git", "status", "--porcelain");
        int dirty = (int) status.lines().filter(l -> !l.isBlank()).count();
        String nproc = run(root, "nproc").trim();
        int cores = nproc.matches("\\d+") ? Integer.parseInt(nproc) : Runtime.getRuntime().availableProcessors();
        return new Machine(commit.isEmpty() ? "unknown" : commit, dirty, cores, readCpuModel(), readMemoryGib(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                command);
    }

    /** {@code uptime}'s load averages (1, 5, 15 min), e.g. {@code "1.02, 0.87, 0.55"}. */
    public static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            String up = run(Path.of("."), "uptime");
            int i = up.indexOf("load average:");
            return i < 0 ? "unknown" : up.substring(i + 13).trim();
        }
    }

    /** One italic paragraph naming everything a reader needs to reproduce or discount a figure. */
    public String provenance(String mode, String loadAtStart) {
        String tree = uncommittedFiles == 0 ? "" : " with " + uncommittedFiles + " uncommitted file(s) in the work tree";
        return "_Measured " + startedAt + " by `" + command + "` (mode " + mode + ") at commit `" + commit + "`" + tree
                + "; machine: " + cores + " cores (" + cpu + "), " + String.format("%.1f", memoryGib) + " GiB, "
                + jdk + "; load average (1/5/15 min) at the start of this scenario: " + loadAtStart + "._";
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static double readMemoryGib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0 / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Runtime.getRuntime().maxMemory() / 1024.0 / 1024.0 / 1024.0;
    }

    static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
