package io.ezthrottle.launcher.deploy;

import java.util.List;
import java.util.Map;

import static io.ezthrottle.launcher.deploy.Yamls.labels;
import static io.ezthrottle.launcher.deploy.Yamls.list;
import static io.ezthrottle.launcher.deploy.Yamls.maps;
import static io.ezthrottle.launcher.deploy.Yamls.str;

/** Kubernetes label selectors: a Service's plain map, or a LabelSelector with matchLabels and matchExpressions. */
final class Selectors {

    private Selectors() {
    }

    /** A Service selector: every pair present. An empty selector selects nothing here (it has no endpoints). */
    static boolean serviceSelects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    /** A LabelSelector; an empty one selects everything. */
    static boolean selects(Object labelSelector, Map<String, String> labels) {
        if (!labels.entrySet().containsAll(labels(Yamls.at(labelSelector, "matchLabels")).entrySet())) {
            return false;
        }
        for (Map<String, Object> expression : maps(Yamls.at(labelSelector, "matchExpressions"))) {
            String key = str(expression, "key");
            List<String> values = list(expression.get("values")).stream().map(String::valueOf).toList();
            boolean ok = switch (str(expression, "operator")) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isEmpty(Object labelSelector) {
        return labels(Yamls.at(labelSelector, "matchLabels")).isEmpty()
                && list(Yamls.at(labelSelector, "matchExpressions")).isEmpty();
    }
}
