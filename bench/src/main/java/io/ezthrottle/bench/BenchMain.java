package io.ezthrottle.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.ezthrottle.bench.platform.Settings;
import io.ezthrottle.bench.report.BenchmarksFile;
import io.ezthrottle.bench.report.Machine;
import io.ezthrottle.bench.scenario.BenchContext;
import io.ezthrottle.bench.scenario.PacingBenchmark;
import io.ezthrottle.bench.scenario.RetryStormBenchmark;
import io.ezthrottle.bench.scenario.ScaleBenchmark;
import io.ezthrottle.bench.scenario.Scenario;
import io.ezthrottle.bench.scenario.SubmissionBenchmark;

/**
 * Runs every benchmark (or those named with {@code --only=}) and writes each one's section of BENCHMARKS.md as soon
 * as it is done, plus its plots under {@code bench/results/}. Usage:
 * {@code BenchMain quick|full [--only=submission,pacing,storm,scale] [--out=BENCHMARKS.md] [--results=bench/results]}
 * (plots are linked relative to the output file).
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 0) {
            System.err.println("usage: BenchMain quick|full [--only=submission,pacing,storm,scale] [--out=FILE]"
                    + " [--results=DIR]");
            System.exit(2);
        }
        BenchMode mode = BenchMode.named(args[0]);
        List<Scenario> all = List.of(new SubmissionBenchmark(), new PacingBenchmark(), new RetryStormBenchmark(),
                new ScaleBenchmark());
        Set<String> only = new LinkedHashSet<>();
        Path root = Settings.repositoryRoot();
        Path out = root.resolve("BENCHMARKS.md");
        Path results = root.resolve("bench/results");
        for (String a : Arrays.copyOfRange(args, 1, args.length)) {
            if (a.startsWith("--only=")) {
                only.addAll(Arrays.asList(a.substring(7).split(",")));
            } else if (a.startsWith("--out=")) {
                out = root.resolve(a.substring(6));
            } else if (a.startsWith("--results=")) {
                results = root.resolve(a.substring(10));
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        String command = System.getProperty("bench.command", "java io.ezthrottle.bench.BenchMain " + String.join(" ", args));
        Machine machine = Machine.read(root, command);
        Path logs = root.resolve("bench/target/logs/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(logs);
        BenchContext context = new BenchContext(mode, machine, out.toAbsolutePath().getParent(), results, logs);
        System.out.println("EZThrottle benchmarks, mode " + mode.name() + ", commit " + machine.commit()
                + ", load " + Machine.load() + "; service logs in " + logs);
        int failures = 0;
        for (Scenario scenario : all) {
            if (!only.isEmpty() && !only.contains(scenario.key())) {
                continue;
            }
            long start = System.nanoTime();
            System.out.println("== " + scenario.title());
            String body;
            try {
                body = scenario.run(context);
            } catch (Exception | AssertionError e) {
                failures++;
                e.printStackTrace();
                body = context.provenance(Machine.load()) + "\n\n**The harness failed to run this benchmark:** `"
                        + String.valueOf(e).replace('`', '\'') + "` (service logs: `" + root.relativize(logs) + "`).\n";
            }
            BenchmarksFile.writeSection(out, scenario.title(), body);
            System.out.printf("== %s done in %.0f s; section written to %s%n", scenario.title(),
                    (System.nanoTime() - start) / 1e9, out);
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
