package io.ezthrottle.bench.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One EZThrottle service in a JVM of its own, started from the launcher's all-in-one jar through
 * {@code io.ezthrottle.launcher.ServiceMain}, exactly as a replica runs when deployed alone. Its output goes to a log
 * file; readiness is its {@code /actuator/health/readiness}.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    private volatile long readyAtNanos;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code service} ({@code api}, {@code worker}, {@code webhook}) listening on {@code port} with Spring
     * arguments {@code args}; does not wait for it to be ready.
     */
    public static ServiceProcess start(String name, String service, int port, List<String> args, Path logDir) {
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Settings.serviceJvmOptions());
            // Pauses of the services explain late calls; stamped in epoch ms to line them up with arrivals.
            command.add("-Xlog:gc:file=" + logDir.resolve(name + "-gc.log") + ":timemillis");
            if (Boolean.getBoolean("bench.jfr")) {
                // CPU profile of the service for diagnosis: jfr print --events jdk.ExecutionSample <file>
                command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                        + logDir.resolve(name + ".jfr"));
            }
            command.addAll(List.of("-cp", Settings.platformJar().toString(),
                    "-Dloader.main=io.ezthrottle.launcher.ServiceMain",
                    "org.springframework.boot.loader.launch.PropertiesLauncher", service));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("SERVER_PORT", Integer.toString(port));
            return new ServiceProcess(name, port, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until the service reports ready; fails with the end of its log if it dies or takes too long. */
    public ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/actuator/health/readiness")))
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " died during start-up:\n" + tail(40));
            }
            try {
                if (PROBE.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    readyAtNanos = System.nanoTime();
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail(40));
            }
            LockSupport.parkNanos(200_000_000L);
        }
    }

    /** Starts every process, then waits for all of them (start-ups overlap). */
    public static List<ServiceProcess> awaitAll(List<ServiceProcess> processes, Duration timeout) {
        processes.forEach(p -> p.awaitReady(timeout));
        return processes;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** {@link System#nanoTime()} when it first answered ready (0 before). */
    public long readyAtNanos() {
        return readyAtNanos;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** CPU time the process has used so far (user + system), in seconds. */
    public double cpuSeconds() {
        return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** Resident memory in MiB (from /proc), or NaN where unknown. */
    public double residentMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or not Linux
        }
        return Double.NaN;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (Spring's graceful shutdown), then SIGKILL if it is still there after {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of its log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ", port " + port + ", log " + log + ")";
    }
}
