package io.ezthrottle.launcher.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.ezthrottle.launcher.deploy.Yamls.at;
import static io.ezthrottle.launcher.deploy.Yamls.describe;
import static io.ezthrottle.launcher.deploy.Yamls.kind;
import static io.ezthrottle.launcher.deploy.Yamls.labels;
import static io.ezthrottle.launcher.deploy.Yamls.list;
import static io.ezthrottle.launcher.deploy.Yamls.map;
import static io.ezthrottle.launcher.deploy.Yamls.maps;
import static io.ezthrottle.launcher.deploy.Yamls.name;
import static io.ezthrottle.launcher.deploy.Yamls.str;

/**
 * Rules across the objects of one rendered overlay (what {@code kubectl apply -k} would send): every workload
 * passes {@link WorkloadRules}; Services, PodDisruptionBudgets, autoscalers, the ServiceMonitor and Ingresses
 * point at workloads and ports that exist; one PodDisruptionBudget per workload; one worker Deployment per
 * region; the {@link NetworkPolicyRules}; every object in the overlay's namespace; secret keys that the overlay
 * does not generate are documented in the deployment guide.
 */
final class ClusterRules {

    /** The only services meant to be reached from outside the namespace. */
    static final Set<String> PUBLIC = Set.of("api-service", "admin-ui");
    static final String METRICS_PATH = "/actuator/prometheus";
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PriorityClass", "StorageClass", "PersistentVolume");

    private final List<Map<String, Object>> objects;
    private final String deploymentGuide;
    private final List<Workload> workloads = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /** A Deployment or StatefulSet with its pod labels and the module (or image's container name) it runs. */
    record Workload(Map<String, Object> object, Map<String, String> podLabels, String app, boolean ours) {

        Map<String, Object> pod() {
            return map(at(object, "spec", "template", "spec"));
        }

        List<Map<String, Object>> containers() {
            return maps(pod().get("containers"));
        }

        boolean declaresPort(String port) {
            return containers().stream().anyMatch(c -> WorkloadRules.declaresPort(c, port));
        }

        boolean readsEnv(String name) {
            return containers().stream().flatMap(c -> maps(c.get("env")).stream()).anyMatch(e -> name.equals(str(e, "name")));
        }

        String envValue(String name) {
            return containers().stream().flatMap(c -> maps(c.get("env")).stream())
                    .filter(e -> name.equals(str(e, "name"))).map(e -> str(e, "value")).findFirst().orElse(null);
        }
    }

    ClusterRules(List<Map<String, Object>> objects, String deploymentGuide) {
        this.objects = objects;
        this.deploymentGuide = deploymentGuide;
        for (Map<String, Object> object : objects) {
            if (WorkloadRules.WORKLOAD_KINDS.contains(kind(object))) {
                String app = maps(at(object, "spec", "template", "spec", "containers")).stream()
                        .map(c -> str(c, "name")).findFirst().orElse("?");
                workloads.add(new Workload(object, labels(at(object, "spec", "template", "metadata", "labels")), app,
                        ServiceSettings.of(app) != null));
            }
        }
    }

    List<Workload> workloads() {
        return workloads;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(kind(o))).toList();
    }

    List<String> check() {
        objects.stream().filter(o -> WorkloadRules.UNCHECKED_POD_KINDS.contains(kind(o)))
                .forEach(o -> problems.add(describe(o) + ": a kind these rules do not check yet"));
        namespaces();
        WorkloadRules rules = new WorkloadRules(this::configMapKeys);
        workloads.forEach(w -> problems.addAll(rules.check(w.object())));
        keyReferences();
        services();
        disruptionBudgets();
        autoscalers();
        regionalWorkers();
        problems.addAll(new NetworkPolicyRules(workloads, ofKind("NetworkPolicy"), ofKind("ServiceMonitor")).check());
        serviceMonitors();
        ingresses();
        return problems;
    }

    private Set<String> configMapKeys(String name) {
        return ofKind("ConfigMap").stream().filter(c -> name.equals(name(c))).findFirst()
                .map(c -> {
                    Set<String> keys = new HashSet<>(map(c.get("data")).keySet());
                    keys.addAll(map(c.get("binaryData")).keySet());
                    return keys;
                }).orElse(null);
    }

    private Set<String> secretKeys(String name) {
        return ofKind("Secret").stream().filter(s -> name.equals(name(s))).findFirst()
                .map(s -> {
                    Set<String> keys = new HashSet<>(map(s.get("data")).keySet());
                    keys.addAll(map(s.get("stringData")).keySet());
                    return keys;
                }).orElse(null);
    }

    private void namespaces() {
        List<String> namespaces = ofKind("Namespace").stream().map(Yamls::name).toList();
        if (namespaces.size() != 1) {
            problems.add("expected one Namespace object, found " + namespaces);
            return;
        }
        objects.stream().filter(o -> !CLUSTER_SCOPED.contains(kind(o)))
                .filter(o -> !namespaces.get(0).equals(str(o, "metadata", "namespace")))
                .forEach(o -> problems.add(describe(o) + ": not in namespace " + namespaces.get(0)));
    }

    /** secretKeyRef / configMapKeyRef: the key exists, or (for a Secret made outside) the guide documents it. */
    private void keyReferences() {
        for (Workload w : workloads) {
            for (Map<String, Object> container : w.containers()) {
                for (Map<String, Object> env : maps(container.get("env"))) {
                    String where = describe(w.object()) + " env " + str(env, "name");
                    Map<String, Object> secretRef = map(at(env, "valueFrom", "secretKeyRef"));
                    Map<String, Object> configRef = map(at(env, "valueFrom", "configMapKeyRef"));
                    if (!secretRef.isEmpty()) {
                        Set<String> keys = secretKeys(str(secretRef, "name"));
                        if (keys == null) {
                            if (!deploymentGuide.contains(str(secretRef, "name"))
                                    || !deploymentGuide.contains("`" + str(secretRef, "key") + "`")) {
                                problems.add(where + ": Secret " + str(secretRef, "name") + " is made outside the"
                                        + " manifests, but k8s/README.md does not document it and its key `"
                                        + str(secretRef, "key") + "`");
                            }
                        } else if (!keys.contains(str(secretRef, "key")) && !Boolean.TRUE.equals(secretRef.get("optional"))) {
                            problems.add(where + ": Secret " + str(secretRef, "name") + " has no key " + str(secretRef, "key"));
                        }
                    }
                    if (!configRef.isEmpty()) {
                        Set<String> keys = configMapKeys(str(configRef, "name"));
                        if (keys == null || (!keys.contains(str(configRef, "key"))
                                && !Boolean.TRUE.equals(configRef.get("optional")))) {
                            problems.add(where + ": ConfigMap " + str(configRef, "name") + " has no key " + str(configRef, "key"));
                        }
                    }
                }
            }
        }
    }

    List<Workload> selectedBy(Map<String, Object> service) {
        Map<String, String> selector = labels(at(service, "spec", "selector"));
        return workloads.stream().filter(w -> Selectors.serviceSelects(selector, w.podLabels())).toList();
    }

    private void services() {
        for (Map<String, Object> service : ofKind("Service")) {
            List<Workload> selected = selectedBy(service);
            if (selected.isEmpty()) {
                problems.add(describe(service) + ": selector " + at(service, "spec", "selector")
                        + " matches the pods of no Deployment or StatefulSet");
            }
            for (Map<String, Object> port : maps(at(service, "spec", "ports"))) {
                String target = port.get("targetPort") == null ? str(port, "port") : str(port, "targetPort");
                selected.stream().filter(w -> !w.declaresPort(target)).forEach(w -> problems.add(describe(service)
                        + ": targetPort " + target + " is not declared by " + describe(w.object())));
            }
        }
    }

    private void disruptionBudgets() {
        Map<Workload, List<String>> budgets = new HashMap<>();
        for (Map<String, Object> pdb : ofKind("PodDisruptionBudget")) {
            List<Workload> selected = workloads.stream()
                    .filter(w -> !Selectors.isEmpty(at(pdb, "spec", "selector"))
                            && Selectors.selects(at(pdb, "spec", "selector"), w.podLabels()))
                    .toList();
            if (selected.isEmpty()) {
                problems.add(describe(pdb) + ": selects no workload's pods");
            }
            selected.forEach(w -> budgets.computeIfAbsent(w, k -> new ArrayList<>()).add(name(pdb)));
        }
        for (Workload w : workloads) {
            List<String> names = budgets.getOrDefault(w, List.of());
            if ("Deployment".equals(kind(w.object())) && names.isEmpty()) {
                problems.add(describe(w.object()) + ": no PodDisruptionBudget");
            }
            if (names.size() > 1) {
                // The eviction API refuses pods covered by several budgets: node drains would block.
                problems.add(describe(w.object()) + ": pods covered by several PodDisruptionBudgets " + names);
            }
        }
    }

    private void autoscalers() {
        for (Map<String, Object> hpa : ofKind("HorizontalPodAutoscaler")) {
            String target = str(hpa, "spec", "scaleTargetRef", "name");
            Workload workload = workloads.stream()
                    .filter(w -> kind(w.object()).equals(str(hpa, "spec", "scaleTargetRef", "kind")))
                    .filter(w -> name(w.object()).equals(target)).findFirst().orElse(null);
            if (workload == null) {
                problems.add(describe(hpa) + ": scaleTargetRef " + target + " is not a workload here");
            } else if (at(workload.object(), "spec", "replicas") != null) {
                problems.add(describe(workload.object()) + ": sets spec.replicas although " + describe(hpa)
                        + " owns it (every apply would reset the autoscaler's choice)");
            }
            boolean cpu = maps(at(hpa, "spec", "metrics")).stream()
                    .anyMatch(m -> "Resource".equals(str(m, "type")) && "cpu".equals(str(m, "resource", "name")));
            if (!cpu) {
                problems.add(describe(hpa) + ": no CPU metric");
            }
            Object min = at(hpa, "spec", "minReplicas");
            Object max = at(hpa, "spec", "maxReplicas");
            if (min == null || max == null || Integer.parseInt(String.valueOf(min)) < 1
                    || Integer.parseInt(String.valueOf(min)) > Integer.parseInt(String.valueOf(max))) {
                problems.add(describe(hpa) + ": needs 1 <= minReplicas <= maxReplicas, got " + min + ".." + max);
            }
        }
    }

    List<Workload> workers() {
        return workloads.stream().filter(w -> "worker-service".equals(w.app())).toList();
    }

    private void regionalWorkers() {
        List<Workload> workers = workers();
        if (workers.isEmpty()) {
            problems.add("no worker-service Deployment");
        }
        Set<String> regions = new HashSet<>();
        for (Workload w : workers) {
            String region = w.envValue("EZTHROTTLE_REGION");
            if (region == null || region.isBlank()) {
                problems.add(describe(w.object()) + ": a worker without EZTHROTTLE_REGION");
            } else if (!regions.add(region)) {
                problems.add(describe(w.object()) + ": a second worker Deployment for region " + region);
            }
        }
    }

    private void serviceMonitors() {
        for (Map<String, Object> monitor : ofKind("ServiceMonitor")) {
            List<Map<String, Object>> selected = ofKind("Service").stream()
                    .filter(s -> Selectors.selects(at(monitor, "spec", "selector"), labels(at(s, "metadata", "labels"))))
                    .toList();
            if (selected.isEmpty()) {
                problems.add(describe(monitor) + ": selects no Service");
            }
            for (Map<String, Object> endpoint : maps(at(monitor, "spec", "endpoints"))) {
                if (!METRICS_PATH.equals(str(endpoint, "path"))) {
                    problems.add(describe(monitor) + ": endpoint path " + str(endpoint, "path") + " is not " + METRICS_PATH);
                }
                for (Map<String, Object> service : selected) {
                    boolean named = maps(at(service, "spec", "ports")).stream()
                            .anyMatch(p -> String.valueOf(endpoint.get("port")).equals(str(p, "name")));
                    if (!named) {
                        problems.add(describe(monitor) + ": " + describe(service) + " has no port named " + endpoint.get("port"));
                    }
                    selectedBy(service).stream()
                            .filter(w -> !w.ours() || !ServiceSettings.of(w.app()).exposesPrometheus())
                            .forEach(w -> problems.add(describe(monitor) + ": scrapes " + describe(w.object())
                                    + ", which does not expose " + METRICS_PATH));
                }
            }
        }
    }

    private void ingresses() {
        for (Map<String, Object> ingress : ofKind("Ingress")) {
            Set<String> tlsHosts = new HashSet<>();
            maps(at(ingress, "spec", "tls")).forEach(t -> list(t.get("hosts")).forEach(h -> tlsHosts.add(String.valueOf(h))));
            for (Map<String, Object> rule : maps(at(ingress, "spec", "rules"))) {
                if (!tlsHosts.contains(str(rule, "host"))) {
                    problems.add(describe(ingress) + ": host " + str(rule, "host") + " is not covered by TLS");
                }
                for (Map<String, Object> path : maps(at(rule, "http", "paths"))) {
                    backend(ingress, map(at(path, "backend", "service")));
                }
            }
        }
    }

    private void backend(Map<String, Object> ingress, Map<String, Object> backend) {
        Map<String, Object> service = ofKind("Service").stream().filter(s -> name(s).equals(str(backend, "name")))
                .findFirst().orElse(null);
        if (service == null) {
            problems.add(describe(ingress) + ": backend Service " + str(backend, "name") + " does not exist");
            return;
        }
        String port = backend.containsKey("port") && at(backend, "port", "name") != null
                ? str(backend, "port", "name") : str(backend, "port", "number");
        boolean exists = maps(at(service, "spec", "ports")).stream()
                .anyMatch(p -> String.valueOf(port).equals(str(p, "name")) || String.valueOf(port).equals(str(p, "port")));
        if (!exists) {
            problems.add(describe(ingress) + ": " + describe(service) + " has no port " + port);
        }
        selectedBy(service).stream().filter(w -> !PUBLIC.contains(w.app())).forEach(w -> problems.add(
                describe(ingress) + ": exposes " + describe(w.object()) + "; only " + PUBLIC + " are public"));
    }
}
