package io.ezthrottle.bench.platform;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Where the harness finds the platform and how it starts service JVMs (system properties set by bench/run.sh). */
public final class Settings {

    /** JVM options of every service process unless {@code bench.service.jvm} says otherwise. */
    static final String DEFAULT_SERVICE_JVM = "-Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError";

    private Settings() {
    }

    /**
     * The launcher's all-in-one jar: {@code bench.platform.jar}, else {@code launcher/target/ezthrottle.jar}, else the
     * launcher artifact on the harness's own class path.
     */
    public static Path platformJar() {
        String configured = System.getProperty("bench.platform.jar");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path local = repositoryRoot().resolve("launcher/target/ezthrottle.jar");
        if (Files.exists(local)) {
            return local;
        }
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.endsWith("ezthrottle.jar") || entry.matches(".*ezthrottle-launcher-[^/]*\\.jar")) {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("launcher jar not found: build it (mvn -B -q package -pl bench -am -DskipTests)"
                + " or set -Dbench.platform.jar");
    }

    public static List<String> serviceJvmOptions() {
        String options = System.getProperty("bench.service.jvm", DEFAULT_SERVICE_JVM);
        return Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /** The repository root: {@code bench.root}, else the working directory. */
    public static Path repositoryRoot() {
        return Path.of(System.getProperty("bench.root", System.getProperty("user.dir"))).toAbsolutePath().normalize();
    }
}
