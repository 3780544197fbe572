package io.ezthrottle.launcher.deploy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ezthrottle.launcher.deploy.ClusterRules.Workload;

import static io.ezthrottle.launcher.deploy.ClusterRules.PUBLIC;
import static io.ezthrottle.launcher.deploy.Yamls.at;
import static io.ezthrottle.launcher.deploy.Yamls.describe;
import static io.ezthrottle.launcher.deploy.Yamls.list;
import static io.ezthrottle.launcher.deploy.Yamls.maps;
import static io.ezthrottle.launcher.deploy.Yamls.str;

/**
 * NetworkPolicy rules of one rendered overlay: ingress is denied by default; only the public services
 * ({@link ClusterRules#PUBLIC}) admit traffic from outside the namespace, and both do; another service admits
 * another namespace only through a policy labelled {@code ezthrottle.io/purpose=metrics} and only on ports a
 * ServiceMonitor scrapes; a third-party workload (the in-cluster Redis) admits our own pods only, and every one
 * of ours that uses Redis.
 */
final class NetworkPolicyRules {

    private final List<Workload> workloads;
    private final List<Map<String, Object>> policies;
    private final List<Map<String, Object>> serviceMonitors;
    private final List<String> problems = new ArrayList<>();

    NetworkPolicyRules(List<Workload> workloads, List<Map<String, Object>> policies,
                       List<Map<String, Object>> serviceMonitors) {
        this.workloads = workloads;
        this.policies = policies;
        this.serviceMonitors = serviceMonitors;
    }

    /** Where a NetworkPolicy lets traffic come from, as far as these rules care. */
    enum Source { ANYWHERE, OTHER_NAMESPACE, OWN_NAMESPACE }

    /** Label of a NetworkPolicy whose only purpose is letting Prometheus scrape metrics ports. */
    static final String PURPOSE = "ezthrottle.io/purpose";

    List<String> check() {
        boolean defaultDeny = policies.stream().anyMatch(p -> Selectors.isEmpty(at(p, "spec", "podSelector"))
                && list(at(p, "spec", "policyTypes")).contains("Ingress") && list(at(p, "spec", "ingress")).isEmpty());
        if (!defaultDeny) {
            problems.add("no default-deny ingress NetworkPolicy (empty podSelector, Ingress, no rules)");
        }
        Set<String> scrapedPorts = new HashSet<>();
        serviceMonitors.forEach(m -> maps(at(m, "spec", "endpoints")).forEach(e -> scrapedPorts.add(str(e, "port"))));
        for (Workload w : workloads) {
            Set<Source> sources = new LinkedHashSet<>();
            List<Map<String, Object>> localPeers = new ArrayList<>();
            String subject = describe(w.object());
            for (Map<String, Object> policy : policies) {
                if (!list(at(policy, "spec", "policyTypes")).contains("Ingress")
                        || !Selectors.selects(at(policy, "spec", "podSelector"), w.podLabels())) {
                    continue;
                }
                boolean metrics = "metrics".equals(str(policy, "metadata", "labels", PURPOSE));
                for (Map<String, Object> rule : maps(at(policy, "spec", "ingress"))) {
                    Set<Source> ruleSources = sources(rule, localPeers);
                    sources.addAll(ruleSources);
                    if (ruleSources.contains(Source.OTHER_NAMESPACE) && !PUBLIC.contains(w.app())) {
                        List<String> ports = maps(rule.get("ports")).stream().map(p -> str(p, "port")).toList();
                        if (!metrics) {
                            problems.add(subject + ": " + describe(policy) + " admits another namespace; only the public "
                                    + PUBLIC + " may be reached from outside, and metrics ports through a policy labelled "
                                    + PURPOSE + "=metrics");
                        } else if (ports.isEmpty() || !scrapedPorts.containsAll(ports)) {
                            problems.add(subject + ": " + describe(policy) + " opens ports " + ports
                                    + " that no ServiceMonitor scrapes " + scrapedPorts);
                        }
                    }
                }
            }
            if (sources.contains(Source.ANYWHERE) && !PUBLIC.contains(w.app())) {
                problems.add(subject + ": a NetworkPolicy admits traffic from anywhere; only " + PUBLIC + " may be");
            }
            if (PUBLIC.contains(w.app()) && !sources.contains(Source.ANYWHERE) && !sources.contains(Source.OTHER_NAMESPACE)) {
                problems.add(subject + ": public, but no NetworkPolicy admits traffic from outside the namespace");
            }
            if (!w.ours()) {
                thirdParty(w, sources, localPeers);
            }
        }
        return problems;
    }

    private static Set<Source> sources(Map<String, Object> rule, List<Map<String, Object>> localPeers) {
        Set<Source> sources = new LinkedHashSet<>();
        List<Map<String, Object>> peers = maps(rule.get("from"));
        if (peers.isEmpty()) {
            sources.add(Source.ANYWHERE);
        }
        for (Map<String, Object> peer : peers) {
            if (peer.containsKey("ipBlock")
                    || (peer.containsKey("namespaceSelector") && Selectors.isEmpty(peer.get("namespaceSelector")))) {
                sources.add(Source.ANYWHERE);
            } else if (peer.containsKey("namespaceSelector")) {
                sources.add(Source.OTHER_NAMESPACE);
            } else {
                sources.add(Source.OWN_NAMESPACE);
                localPeers.add(peer);
            }
        }
        return sources;
    }

    /** A third-party workload (the in-cluster Redis): reachable from our own pods only, and from all of those that use it. */
    private void thirdParty(Workload w, Set<Source> sources, List<Map<String, Object>> peers) {
        String subject = describe(w.object());
        if (!sources.equals(Set.of(Source.OWN_NAMESPACE))) {
            problems.add(subject + ": must be reachable from our own pods only, but NetworkPolicies admit " + sources);
            return;
        }
        Set<Workload> admitted = new HashSet<>();
        for (Map<String, Object> peer : peers) {
            List<Workload> selected = workloads.stream()
                    .filter(o -> Selectors.selects(peer.get("podSelector"), o.podLabels())).toList();
            selected.stream().filter(o -> !o.ours()).filter(o -> o != w).forEach(o -> problems.add(subject
                    + ": admits " + describe(o.object()) + ", which is not one of our services"));
            if (Selectors.isEmpty(peer.get("podSelector"))) {
                problems.add(subject + ": admits every pod of the namespace, not only ours");
            }
            admitted.addAll(selected);
        }
        workloads.stream().filter(Workload::ours).filter(o -> o.readsEnv("EZTHROTTLE_REDIS_URL"))
                .filter(o -> !admitted.contains(o))
                .forEach(o -> problems.add(subject + ": " + describe(o.object()) + " uses Redis but may not reach it"));
    }
}
