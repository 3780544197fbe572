package io.ezthrottle.launcher.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.ezthrottle.launcher.deploy.Yamls.at;
import static io.ezthrottle.launcher.deploy.Yamls.describe;
import static io.ezthrottle.launcher.deploy.Yamls.kind;
import static io.ezthrottle.launcher.deploy.Yamls.labels;
import static io.ezthrottle.launcher.deploy.Yamls.maps;
import static io.ezthrottle.launcher.deploy.Yamls.name;
import static io.ezthrottle.launcher.deploy.Yamls.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Structural checks of the Kubernetes manifests in {@code k8s/}, in two views (k8s/README.md, "Validation").
 * <ol>
 * <li><b>Files</b>, always, no kubectl needed: every kustomization an overlay pulls in is read as files; each
 * complete resource is checked as written, and each patch is applied alone onto a copy of every resource it
 * targets and the copy is checked again (name suffixes, labels and namespaces are not applied in this view).</li>
 * <li><b>Rendered</b>, when kubectl is on the PATH (it is in CI): each overlay is rendered with
 * {@code kubectl kustomize} and the complete output is checked object by object and across objects, plus what
 * makes dev dev and prod prod. Without kubectl these tests are skipped, and say why.</li>
 * </ol>
 * What the services read and listen on comes from their code ({@link ServiceSettings}), not from this test.
 */
class KubernetesManifestTests {

    private static final Path REPO = repositoryRoot();
    private static final Path K8S = REPO.resolve("k8s");
    private static final Map<Path, List<Map<String, Object>>> RENDERED = new HashMap<>();

    static Stream<Path> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            return dirs.filter(Files::isDirectory).sorted().toList().stream();
        }
    }

    @Test
    void everyKustomizationIsPartOfAnOverlay() throws IOException {
        Set<Path> reached = new TreeSet<>();
        overlays().forEach(o -> reached.addAll(KustomizeTree.read(o).kustomizations()));
        Set<Path> all;
        try (Stream<Path> files = Files.walk(K8S)) {
            all = files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .map(f -> f.getParent().toAbsolutePath().normalize()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(reached).as("kustomizations no overlay uses are never validated nor deployed").containsAll(all);
        assertThat(overlays().map(p -> p.getFileName().toString())).contains("dev", "prod");
    }

    @ParameterizedTest(name = "files of {0}")
    @MethodSource("overlays")
    void filesOfEachOverlayFollowTheRules(Path overlay) {
        KustomizeTree tree = KustomizeTree.read(overlay);
        String guide = deploymentGuide();
        WorkloadRules rules = new WorkloadRules(tree::configMapKeys);
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> workloads = tree.objects().stream()
                .filter(o -> WorkloadRules.WORKLOAD_KINDS.contains(kind(o))).toList();
        assertThat(workloads).as("workloads in the files of " + overlay).isNotEmpty();
        workloads.forEach(w -> problems.addAll(rules.check(w)));
        for (KustomizeTree.Patch patch : tree.patches()) {
            String source = REPO.relativize(patch.source()) + ": ";
            List<Map<String, Object>> targets = tree.targetsOf(patch);
            if (targets.isEmpty()) {
                problems.add(source + "a patch that matches no resource (target " + patch.target() + ")");
            }
            for (Map<String, Object> target : targets) {
                Map<String, Object> patched = KustomizeTree.apply(target, patch);
                if (WorkloadRules.WORKLOAD_KINDS.contains(kind(patched))) {
                    rules.check(patched).forEach(p -> problems.add(source + p));
                }
                if ("HorizontalPodAutoscaler".equals(kind(patched))
                        && Integer.parseInt(str(patched, "spec", "minReplicas")) > Integer.parseInt(str(patched, "spec", "maxReplicas"))) {
                    problems.add(source + describe(patched) + ": minReplicas above maxReplicas");
                }
            }
        }
        for (Map<String, Object> service : tree.objects().stream().filter(o -> "Service".equals(kind(o))).toList()) {
            Map<String, String> selector = labels(at(service, "spec", "selector"));
            boolean selects = workloads.stream().anyMatch(w ->
                    Selectors.serviceSelects(selector, labels(at(w, "spec", "template", "metadata", "labels"))));
            if (!selects) {
                problems.add(describe(service) + ": selects no workload in the files");
            }
        }
        for (Map<String, Object> workload : workloads) {
            for (Map<String, Object> container : maps(at(workload, "spec", "template", "spec", "containers"))) {
                for (Map<String, Object> env : maps(container.get("env"))) {
                    String secret = str(env, "valueFrom", "secretKeyRef", "name");
                    String key = str(env, "valueFrom", "secretKeyRef", "key");
                    if (secret == null) {
                        continue;
                    }
                    Set<String> generated = tree.secretKeys(secret);
                    boolean ok = generated == null ? guide.contains(secret) && guide.contains("`" + key + "`")
                            : generated.contains(key) || Boolean.TRUE.equals(at(env, "valueFrom", "secretKeyRef", "optional"));
                    if (!ok) {
                        problems.add(describe(workload) + ": Secret " + secret + " key " + key
                                + (generated == null ? " is neither generated nor documented in k8s/README.md" : " is not generated"));
                    }
                }
            }
        }
        assertThat(problems).as("rule violations in the files of " + REPO.relativize(overlay)).isEmpty();
    }

    @ParameterizedTest(name = "rendered {0}")
    @MethodSource("overlays")
    void renderedOverlayFollowsTheRules(Path overlay) {
        List<String> problems = new ClusterRules(rendered(overlay), deploymentGuide()).check();
        assertThat(problems).as("rule violations in kubectl kustomize " + REPO.relativize(overlay)).isEmpty();
    }

    @Test
    void devRunsItsOwnRedisWithPersistenceReachableAtTheConfiguredUrl() {
        List<Map<String, Object>> dev = rendered(K8S.resolve("overlays/dev"));
        Map<String, Object> redis = only(dev, "StatefulSet");
        assertThat(maps(at(redis, "spec", "volumeClaimTemplates"))).as("Redis data on a PersistentVolumeClaim").hasSize(1);
        String claim = name(maps(at(redis, "spec", "volumeClaimTemplates")).get(0));
        assertThat(maps(at(redis, "spec", "template", "spec", "containers")).stream()
                .flatMap(c -> maps(c.get("volumeMounts")).stream()).map(v -> str(v, "name")))
                .as("the claim is mounted").contains(claim);

        String url = decoded(only(dev, "Secret"), "redis-url");
        Matcher m = Pattern.compile("redis://([^:/]+):(\\d+)").matcher(url);
        assertThat(m.matches()).as("dev redis-url " + url).isTrue();
        Map<String, Object> service = dev.stream().filter(o -> "Service".equals(kind(o)) && m.group(1).equals(name(o)))
                .findFirst().orElseThrow(() -> new AssertionError("redis-url host " + m.group(1) + " is no Service"));
        assertThat(maps(at(service, "spec", "ports")).stream().map(p -> str(p, "port"))).contains(m.group(2));
        assertThat(new ClusterRules(dev, "").selectedBy(service)).extracting(ClusterRules.Workload::app).containsOnly("redis");
    }

    @Test
    void prodUsesAnExternalRedisOverTlsHttpsIngressesAndMoreReplicasThanDev() throws IOException {
        List<Map<String, Object>> prod = rendered(K8S.resolve("overlays/prod"));
        List<Map<String, Object>> dev = rendered(K8S.resolve("overlays/dev"));
        assertThat(prod).as("no Redis, nor any secret value, in the prod manifests")
                .noneMatch(o -> "StatefulSet".equals(kind(o)) || "Secret".equals(kind(o)));
        String example = Files.readString(K8S.resolve("overlays/prod/secret.example.env"));
        assertThat(example).as("the documented prod Secret uses TLS to Redis").containsPattern("(?m)^redis-url=rediss://");

        List<Map<String, Object>> ingresses = prod.stream().filter(o -> "Ingress".equals(kind(o))).toList();
        assertThat(ingresses).allMatch(i -> !maps(at(i, "spec", "tls")).isEmpty(), "every Ingress has TLS");
        assertThat(ingresses.stream().flatMap(i -> maps(at(i, "spec", "rules")).stream())
                .flatMap(r -> maps(at(r, "http", "paths")).stream()).map(p -> str(p, "backend", "service", "name")))
                .containsExactlyInAnyOrder("api-service", "admin-ui");

        Map<String, Integer> prodFloors = floors(prod);
        Map<String, Integer> devFloors = floors(dev);
        for (String hpa : List.of("api-service", "webhook-service")) {
            assertThat(prodFloors.get(hpa)).as("prod minReplicas of " + hpa).isGreaterThan(devFloors.get(hpa)).isGreaterThanOrEqualTo(2);
        }
        ClusterRules prodRules = new ClusterRules(prod, deploymentGuide());
        assertThat(prodRules.workers().size()).as("worker regions").isGreaterThan(new ClusterRules(dev, "").workers().size());
        for (ClusterRules.Workload worker : prodRules.workers()) {
            assertThat(prodFloors.get(name(worker.object()))).as("prod floor of " + name(worker.object())).isGreaterThanOrEqualTo(2);
        }
        assertThat(prodRules.ofKind("ServiceMonitor")).hasSize(1);
        for (Map<String, Object> hpa : prodRules.ofKind("HorizontalPodAutoscaler")) {
            boolean worker = name(hpa).startsWith("worker-service");
            boolean backlog = maps(at(hpa, "spec", "metrics")).stream().anyMatch(m -> "External".equals(str(m, "type"))
                    && "ezthrottle_stream_backlog".equals(str(m, "external", "metric", "name")));
            assertThat(backlog).as(name(hpa) + " scales on the stream backlog").isEqualTo(worker);
        }
        assertThat(deploymentGuide()).as("the guide documents the adapter rule of the backlog metric")
                .contains("ezthrottle_stream_backlog").contains("externalRules");
    }

    @Test
    void environmentNamesComeFromTheCodeAndCoverTheDocumentedVariables() throws IOException {
        assertThat(ServiceSettings.configurationPropertiesTypes()).as("@ConfigurationProperties types found").hasSizeGreaterThanOrEqualTo(5);
        ServiceSettings api = ServiceSettings.of("api-service");
        ServiceSettings worker = ServiceSettings.of("worker-service");
        ServiceSettings admin = ServiceSettings.of("admin-ui");
        assertThat(api.env().allows("EZTHROTTLE_REDIS_URL")).isTrue();
        assertThat(api.env().allows("EZTHROTTLE_API_MAXBODYBYTES")).isTrue();
        assertThat(api.env().allows("SERVER_PORT")).isTrue();
        assertThat(worker.env().allows("EZTHROTTLE_WORKER_CONSUMERNAME")).isTrue();
        assertThat(admin.env().allows("EZTHROTTLE_ADMIN_PASSWORD")).isTrue();
        assertThat(worker.env().allows("EZTHROTTLE_ADMIN_PASSWORD")).as("scoped to the service that reads it").isFalse();
        assertThat(api.env().allows("EZTHROTTLE_REGIONS")).as("launcher-only").isFalse();
        assertThat(worker.callDrain()).as("a worker waits for calls on the wire when it stops").isPositive();

        Set<String> documented = readmeVariables(Files.readString(REPO.resolve("README.md")));
        assertThat(documented).as("service variables in README.md's configuration table").isNotEmpty();
        EnvNames any = ServiceSettings.anyService();
        assertThat(documented.stream().filter(v -> !any.allows(v)))
                .as("README.md documents variables no service reads").isEmpty();
    }

    @ParameterizedTest(name = "console variables in {0}")
    @MethodSource("overlays")
    void theConsoleGetsEveryVariableItNamesAndTheApiTheAdminCredentials(Path overlay) throws IOException {
        // The console names its operator settings as ${VARIABLE:default} placeholders in admin-ui.properties. A
        // deployment that leaves one out loses a feature without a word: no viewers, or a password per pod.
        Set<String> named = new TreeSet<>();
        try (var in = KubernetesManifestTests.class.getClassLoader().getResourceAsStream("admin-ui.properties")) {
            assertThat(in).as("admin-ui.properties on the class path").isNotNull();
            Matcher m = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]+)[:}]")
                    .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(named).as("variables admin-ui.properties names").contains("EZTHROTTLE_ADMIN_VIEWERS");
        KustomizeTree tree = KustomizeTree.read(overlay);
        assertThat(containerEnv(tree, "admin-ui")).as("env of admin-ui in " + overlay.getFileName()).containsAll(named);
        // the admin REST API authenticates with the same variables; it stays off while its password is unset
        assertThat(containerEnv(tree, "api-service")).as("env of api-service in " + overlay.getFileName())
                .contains("EZTHROTTLE_ADMIN_USER", "EZTHROTTLE_ADMIN_PASSWORD");
    }

    private static Set<String> containerEnv(KustomizeTree tree, String deployment) {
        return tree.objects().stream().filter(o -> "Deployment".equals(kind(o)) && deployment.equals(name(o)))
                .flatMap(d -> maps(at(d, "spec", "template", "spec", "containers")).stream())
                .filter(c -> deployment.equals(str(c, "name")))
                .flatMap(c -> maps(c.get("env")).stream()).map(e -> str(e, "name"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Backticked variable names of the README's configuration table, except launcher-only rows. */
    static Set<String> readmeVariables(String readme) {
        Set<String> names = new TreeSet<>();
        int start = readme.indexOf("## Configuration");
        int end = readme.indexOf("\n## ", start + 1);
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            String[] cells = line.split("\\|");
            if (!line.startsWith("|") || cells.length < 3 || cells[1].contains("---")
                    || cells[cells.length - 1].toLowerCase(Locale.ROOT).contains("launcher")) {
                continue;
            }
            Matcher m = Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher(cells[1]);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static Map<String, Integer> floors(List<Map<String, Object>> objects) {
        Map<String, Integer> floors = new HashMap<>();
        objects.stream().filter(o -> "HorizontalPodAutoscaler".equals(kind(o)))
                .forEach(h -> floors.put(str(h, "spec", "scaleTargetRef", "name"), Integer.parseInt(str(h, "spec", "minReplicas"))));
        return floors;
    }

    private static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> found = objects.stream().filter(o -> kind.equals(kind(o))).toList();
        assertThat(found).as(kind + " objects").hasSize(1);
        return found.get(0);
    }

    private static String decoded(Map<String, Object> secret, String key) {
        if (at(secret, "stringData", key) != null) {
            return str(secret, "stringData", key);
        }
        return new String(Base64.getDecoder().decode(str(secret, "data", key)), StandardCharsets.UTF_8);
    }

    private static synchronized List<Map<String, Object>> rendered(Path overlay) {
        var kubectl = Kubectl.find();
        assumeTrue(kubectl.isPresent(), "kubectl is not on the PATH: the rendered view of " + overlay.getFileName()
                + " is skipped (the file view ran)");
        return RENDERED.computeIfAbsent(overlay, o -> {
            try {
                return Yamls.objects(Yamls.loadAll(Kubectl.kustomize(kubectl.get(), o)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static String deploymentGuide() {
        try {
            return Files.readString(K8S.resolve("README.md"));
        } catch (IOException e) {
            throw new IllegalStateException("k8s/README.md is the deployment guide and must exist", e);
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("k8s/overlays"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no k8s/overlays above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
