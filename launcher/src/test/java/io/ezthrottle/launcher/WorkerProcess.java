package io.ezthrottle.launcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.ezthrottle.testsupport.Await;

/** A worker in a real separate JVM (so it can be killed with SIGKILL or stopped with SIGTERM). */
final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    WorkerProcess(String... args) {
        try {
            log = Files.createTempFile("worker-process", ".log");
            List<String> command = new ArrayList<>(List.of(
                    System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    ServiceMain.class.getName(), "worker"));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the worker logged that it reads its streams. */
    WorkerProcess awaitReady(Duration timeout) {
        Await.until(() -> output().contains("reading") || !process.isAlive(), timeout, this::output);
        if (!process.isAlive()) {
            throw new AssertionError("worker process died: " + output());
        }
        return this;
    }

    void kill() {
        process.destroyForcibly(); // SIGKILL: no shutdown hooks, no goodbyes
        waitFor();
    }

    void terminate() {
        process.destroy(); // SIGTERM: Spring's graceful shutdown
    }

    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void waitFor() {
        waitFor(Duration.ofSeconds(30));
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
    }
}
