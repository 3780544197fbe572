package io.ezthrottle.bench.platform;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.ezthrottle.bench.report.Table;

/**
 * What a platform has used so far (CPU per kind of process, Redis commands): take one before a measured step and one
 * after, and {@link #minus} says what the step cost. Per-job costs are what sizing rests on, and they stay meaningful
 * on a busy machine where rates and latencies do not.
 *
 * @param apiCpu     api-service CPU seconds
 * @param workerCpu  CPU seconds of all worker processes
 * @param redisCpu   Redis server CPU seconds (user + system)
 * @param harnessCpu this JVM's CPU seconds (load generator, upstream and receiver stubs)
 * @param commands   Redis calls per command name ({@code INFO commandstats}), {@code info} itself left out
 */
public record ResourceUse(double apiCpu, double workerCpu, double redisCpu, double harnessCpu,
                          Map<String, Long> commands) {

    public static ResourceUse now(Platform platform) {
        double workers = platform.workers().stream().mapToDouble(ServiceProcess::cpuSeconds).sum();
        double harness = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1e9 : Double.NaN;
        Map<String, Long> calls = new LinkedHashMap<>(platform.redis().commandCalls());
        calls.remove("info");
        return new ResourceUse(platform.api() == null ? 0 : platform.api().cpuSeconds(), workers,
                platform.redis().cpuSeconds(), harness, calls);
    }

    /** What was used between {@code before} and this. */
    public ResourceUse minus(ResourceUse before) {
        Map<String, Long> calls = new LinkedHashMap<>();
        commands.forEach((k, v) -> {
            long d = v - before.commands.getOrDefault(k, 0L);
            if (d > 0) {
                calls.put(k, d);
            }
        });
        return new ResourceUse(apiCpu - before.apiCpu, workerCpu - before.workerCpu, redisCpu - before.redisCpu,
                harnessCpu - before.harnessCpu, calls);
    }

    public long commandCount() {
        return commands.values().stream().mapToLong(Long::longValue).sum();
    }

    /** E.g. "10.1 Redis commands (`get` 2.04, `evalsha` 2.00, …)": the most frequent eight, per job. */
    public String commandsPer(long jobs) {
        double n = Math.max(1, jobs);
        return Table.num(commandCount() / n, 1) + " Redis commands ("
                + commands.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                        .map(e -> "`" + e.getKey() + "` " + Table.num(e.getValue() / n, 2))
                        .collect(Collectors.joining(", "))
                + ")";
    }

    /** Milliseconds of CPU per job for a figure of this record (e.g. {@code u.workerCpu()}). */
    public static String msPer(double cpuSeconds, long jobs) {
        return Table.num(1000 * cpuSeconds / Math.max(1, jobs), 3);
    }
}
