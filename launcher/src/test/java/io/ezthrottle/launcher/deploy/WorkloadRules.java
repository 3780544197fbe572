package io.ezthrottle.launcher.deploy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.springframework.boot.convert.DurationStyle;

import static io.ezthrottle.launcher.deploy.Yamls.at;
import static io.ezthrottle.launcher.deploy.Yamls.describe;
import static io.ezthrottle.launcher.deploy.Yamls.kind;
import static io.ezthrottle.launcher.deploy.Yamls.list;
import static io.ezthrottle.launcher.deploy.Yamls.map;
import static io.ezthrottle.launcher.deploy.Yamls.maps;
import static io.ezthrottle.launcher.deploy.Yamls.str;

/**
 * Rules for one Deployment or StatefulSet, each broken rule reported as a line rather than thrown, so one run
 * lists them all. Every container: liveness and readiness probes, CPU and memory requests and limits (requests
 * not above limits), non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, none
 * added. A container of ours (named after a service module; every Deployment is one of ours): probes on the
 * Actuator health groups on a declared port, containerPort equal to the port the service listens on, only
 * environment variables the service reads (including the keys of ConfigMaps it imports whole), /tmp on an
 * emptyDir, and a termination grace period covering the preStop pause, the wait for outbound calls on the wire
 * (a worker's upstream timeout) and Spring's shutdown timeout.
 */
final class WorkloadRules {

    static final String LIVENESS = "/actuator/health/liveness";
    static final String READINESS = "/actuator/health/readiness";
    static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet");
    /** Kinds that create pods but that these rules do not cover: adding one needs new rules first. */
    static final Set<String> UNCHECKED_POD_KINDS = Set.of("DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet");

    private final Function<String, Set<String>> configMapKeys;

    /** @param configMapKeys the data keys of a ConfigMap by name, or null when the ConfigMap is not known */
    WorkloadRules(Function<String, Set<String>> configMapKeys) {
        this.configMapKeys = configMapKeys;
    }

    List<String> check(Map<String, Object> workload) {
        List<String> problems = new ArrayList<>();
        String subject = describe(workload);
        Map<String, Object> pod = map(at(workload, "spec", "template", "spec"));
        List<Map<String, Object>> containers = maps(pod.get("containers"));
        if (containers.isEmpty()) {
            problems.add(subject + ": no containers");
        }
        if (!"RuntimeDefault".equals(str(pod, "securityContext", "seccompProfile", "type"))) {
            problems.add(subject + ": pod securityContext.seccompProfile.type is not RuntimeDefault");
        }
        for (Map<String, Object> container : containers) {
            String where = subject + " container " + str(container, "name");
            generic(pod, container, where, problems);
            ServiceSettings service = ServiceSettings.of(str(container, "name"));
            if (service != null) {
                ours(pod, container, service, where, problems);
            } else if ("Deployment".equals(kind(workload))) {
                problems.add(where + ": not one of the services " + ServiceSettings.all().keySet()
                        + " (containers are named after their module)");
            }
        }
        for (Map<String, Object> init : maps(pod.get("initContainers"))) {
            String where = subject + " init container " + str(init, "name");
            security(pod, init, where, problems);
            resources(init, where, problems);
        }
        return problems;
    }

    private static void generic(Map<String, Object> pod, Map<String, Object> container, String where,
                                List<String> problems) {
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            if (container.get(probe) == null) {
                problems.add(where + ": no " + probe);
            }
        }
        resources(container, where, problems);
        security(pod, container, where, problems);
    }

    static void resources(Map<String, Object> container, String where, List<String> problems) {
        for (String resource : List.of("cpu", "memory")) {
            String request = str(container, "resources", "requests", resource);
            String limit = str(container, "resources", "limits", resource);
            if (request == null) {
                problems.add(where + ": no resources.requests." + resource);
            }
            if (limit == null) {
                problems.add(where + ": no resources.limits." + resource);
            }
            if (request != null && limit != null && quantity(request).compareTo(quantity(limit)) > 0) {
                problems.add(where + ": " + resource + " request " + request + " above its limit " + limit);
            }
        }
    }

    static void security(Map<String, Object> pod, Map<String, Object> container, String where,
                         List<String> problems) {
        Object nonRoot = at(container, "securityContext", "runAsNonRoot");
        if (nonRoot == null) {
            nonRoot = at(pod, "securityContext", "runAsNonRoot");
        }
        if (!Boolean.TRUE.equals(nonRoot)) {
            problems.add(where + ": runAsNonRoot is not true (container or pod)");
        }
        for (Object user : new Object[]{at(container, "securityContext", "runAsUser"), at(pod, "securityContext", "runAsUser")}) {
            if (user != null && "0".equals(String.valueOf(user))) {
                problems.add(where + ": runAsUser 0");
            }
        }
        if (!Boolean.TRUE.equals(at(container, "securityContext", "readOnlyRootFilesystem"))) {
            problems.add(where + ": securityContext.readOnlyRootFilesystem is not true");
        }
        if (!Boolean.FALSE.equals(at(container, "securityContext", "allowPrivilegeEscalation"))) {
            problems.add(where + ": securityContext.allowPrivilegeEscalation is not false");
        }
        if (Boolean.TRUE.equals(at(container, "securityContext", "privileged"))) {
            problems.add(where + ": privileged");
        }
        if (!list(at(container, "securityContext", "capabilities", "drop")).contains("ALL")) {
            problems.add(where + ": securityContext.capabilities.drop does not contain ALL");
        }
        if (!list(at(container, "securityContext", "capabilities", "add")).isEmpty()) {
            problems.add(where + ": adds capabilities " + at(container, "securityContext", "capabilities", "add"));
        }
    }

    private void ours(Map<String, Object> pod, Map<String, Object> container, ServiceSettings service, String where,
                      List<String> problems) {
        List<Map<String, Object>> ports = maps(container.get("ports"));
        int expectedPort = expectedPort(container, service);
        if (ports.isEmpty()) {
            problems.add(where + ": declares no containerPort");
        }
        for (Map<String, Object> port : ports) {
            if (!String.valueOf(expectedPort).equals(str(port, "containerPort"))) {
                problems.add(where + ": containerPort " + str(port, "containerPort") + " but " + service.module()
                        + " listens on " + expectedPort + " (server.port or SERVER_PORT)");
            }
        }
        if (!service.probesEnabled()) {
            problems.add(where + ": " + service.module() + " does not enable the health probe groups"
                    + " (management.endpoint.health.probes.enabled)");
        }
        probe(container, "livenessProbe", Set.of(LIVENESS), where, problems);
        probe(container, "readinessProbe", Set.of(READINESS), where, problems);
        if (container.get("startupProbe") != null) {
            probe(container, "startupProbe", Set.of(LIVENESS, READINESS), where, problems);
        }
        env(container, service, where, problems);
        tmp(pod, container, where, problems);
        long grace = at(pod, "terminationGracePeriodSeconds") == null ? 30
                : Long.parseLong(str(pod, "terminationGracePeriodSeconds"));
        long drain = callDrain(container, service).toSeconds();
        long needed = preStopSeconds(container) + drain + service.shutdownTimeout().toSeconds();
        if (grace < needed) {
            problems.add(where + ": terminationGracePeriodSeconds " + grace + " < preStop " + preStopSeconds(container)
                    + " s + outbound calls " + drain + " s + shutdown timeout " + service.shutdownTimeout().toSeconds() + " s");
        }
    }

    private static Duration callDrain(Map<String, Object> container, ServiceSettings service) {
        for (Map<String, Object> env : maps(container.get("env"))) {
            if (str(env, "name").equals(service.callDrainEnv()) && env.get("value") != null) {
                return DurationStyle.detectAndParse(str(env, "value"));
            }
        }
        return service.callDrain();
    }

    static int expectedPort(Map<String, Object> container, ServiceSettings service) {
        for (Map<String, Object> env : maps(container.get("env"))) {
            if ("SERVER_PORT".equals(str(env, "name")) && env.get("value") != null) {
                return Integer.parseInt(str(env, "value"));
            }
        }
        return service.port();
    }

    private static void probe(Map<String, Object> container, String probe, Set<String> paths, String where,
                              List<String> problems) {
        Object spec = container.get(probe);
        if (spec == null) {
            return;
        }
        String path = str(spec, "httpGet", "path");
        if (path == null || !paths.contains(path)) {
            problems.add(where + ": " + probe + " is not an httpGet on " + paths + " (got " + path + ")");
        }
        Object port = at(spec, "httpGet", "port");
        if (port != null && !declaresPort(container, String.valueOf(port))) {
            problems.add(where + ": " + probe + " port " + port + " is not a declared containerPort");
        }
    }

    /** True when the container declares this port, by name or by number. */
    static boolean declaresPort(Map<String, Object> container, String port) {
        return maps(container.get("ports")).stream()
                .anyMatch(p -> port.equals(str(p, "name")) || port.equals(str(p, "containerPort")));
    }

    private void env(Map<String, Object> container, ServiceSettings service, String where, List<String> problems) {
        for (Map<String, Object> env : maps(container.get("env"))) {
            String name = str(env, "name");
            if (!service.env().allows(name)) {
                problems.add(where + ": env " + name + " is not read by " + service.module());
            }
        }
        for (Map<String, Object> from : maps(container.get("envFrom"))) {
            String configMap = str(from, "configMapRef", "name");
            if (configMap == null) {
                problems.add(where + ": envFrom other than a ConfigMap (" + from.keySet()
                        + "): name secret variables one by one so they can be checked");
                continue;
            }
            Set<String> keys = configMapKeys.apply(configMap);
            if (keys == null) {
                problems.add(where + ": envFrom ConfigMap " + configMap + " is not in the manifests");
                continue;
            }
            String prefix = from.get("prefix") == null ? "" : str(from, "prefix");
            keys.stream().map(k -> prefix + k).filter(k -> !service.env().allows(k)).forEach(k -> problems.add(
                    where + ": ConfigMap " + configMap + " key " + k + " is not read by " + service.module()));
        }
    }

    private static void tmp(Map<String, Object> pod, Map<String, Object> container, String where,
                            List<String> problems) {
        String volume = maps(container.get("volumeMounts")).stream()
                .filter(m -> "/tmp".equals(str(m, "mountPath"))).map(m -> str(m, "name")).findFirst().orElse(null);
        boolean emptyDir = volume != null && maps(pod.get("volumes")).stream()
                .anyMatch(v -> volume.equals(str(v, "name")) && v.containsKey("emptyDir"));
        if (!emptyDir) {
            problems.add(where + ": /tmp is not an emptyDir mount (the root filesystem is read-only)");
        }
    }

    static long preStopSeconds(Map<String, Object> container) {
        Object seconds = at(container, "lifecycle", "preStop", "sleep", "seconds");
        if (seconds != null) {
            return Long.parseLong(String.valueOf(seconds));
        }
        List<Object> command = list(at(container, "lifecycle", "preStop", "exec", "command"));
        if (command.size() == 2 && "sleep".equals(String.valueOf(command.get(0)))) {
            return Long.parseLong(String.valueOf(command.get(1)));
        }
        return 0;
    }

    /** A Kubernetes quantity ("250m", "2", "768Mi", "1Gi") as a number, for comparing requests with limits. */
    static BigDecimal quantity(String text) {
        Map<String, BigDecimal> suffixes = Map.of(
                "m", new BigDecimal("0.001"), "k", BigDecimal.valueOf(1_000), "M", BigDecimal.valueOf(1_000_000),
                "G", BigDecimal.valueOf(1_000_000_000), "Ki", BigDecimal.valueOf(1L << 10),
                "Mi", BigDecimal.valueOf(1L << 20), "Gi", BigDecimal.valueOf(1L << 30), "Ti", BigDecimal.valueOf(1L << 40));
        for (String suffix : List.of("Ki", "Mi", "Gi", "Ti", "m", "k", "M", "G")) {
            if (text.endsWith(suffix)) {
                return new BigDecimal(text.substring(0, text.length() - suffix.length())).multiply(suffixes.get(suffix));
            }
        }
        return new BigDecimal(text);
    }
}
