package io.ezthrottle.launcher.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.ezthrottle.launcher.deploy.Yamls.kind;
import static io.ezthrottle.launcher.deploy.Yamls.labels;
import static io.ezthrottle.launcher.deploy.Yamls.list;
import static io.ezthrottle.launcher.deploy.Yamls.map;
import static io.ezthrottle.launcher.deploy.Yamls.maps;
import static io.ezthrottle.launcher.deploy.Yamls.name;
import static io.ezthrottle.launcher.deploy.Yamls.str;

/**
 * The files of a Kustomize tree read without Kustomize: from one kustomization directory, every resource file,
 * component and sub-directory it pulls in, every patch (strategic merge or JSON 6902, in a file or inline) with
 * its target, and the keys of every ConfigMap and Secret generator. Name suffixes, labels, namespaces, images and
 * generator hashes are not applied: this is the fallback view when kubectl is not there to render.
 */
final class KustomizeTree {

    /** A patch: {@code body} is a map (strategic merge) or a list of operations (JSON 6902). */
    record Patch(Path source, Map<String, Object> target, Object body) {

        boolean isJson6902() {
            return body instanceof List<?>;
        }
    }

    private final Set<Path> kustomizations = new LinkedHashSet<>();
    private final Map<Path, List<Map<String, Object>>> resources = new LinkedHashMap<>();
    private final List<Patch> patches = new ArrayList<>();
    private final Map<String, Set<String>> configMapKeys = new LinkedHashMap<>();
    private final Map<String, Set<String>> secretKeys = new LinkedHashMap<>();

    static KustomizeTree read(Path directory) {
        KustomizeTree tree = new KustomizeTree();
        tree.walk(directory.toAbsolutePath().normalize());
        return tree;
    }

    Set<Path> kustomizations() {
        return kustomizations;
    }

    /** Complete objects from resource files, in file order. */
    List<Map<String, Object>> objects() {
        return resources.values().stream().flatMap(List::stream).toList();
    }

    Map<Path, List<Map<String, Object>>> resourcesByFile() {
        return resources;
    }

    List<Patch> patches() {
        return patches;
    }

    /** Keys of a generated ConfigMap (all generators of that name merged), or null when none generates it. */
    Set<String> configMapKeys(String name) {
        return configMapKeys.get(name);
    }

    Set<String> secretKeys(String name) {
        return secretKeys.get(name);
    }

    private void walk(Path directory) {
        if (!kustomizations.add(directory)) {
            return;
        }
        Map<String, Object> k = kustomization(directory);
        for (Object entry : list(k.get("resources"))) {
            resource(directory.resolve(String.valueOf(entry)).normalize());
        }
        for (Object entry : list(k.get("components"))) {
            walk(directory.resolve(String.valueOf(entry)).normalize());
        }
        for (Map<String, Object> entry : maps(k.get("patches"))) {
            Object body = entry.get("path") != null ? Yamls.loadAll(directory.resolve(str(entry, "path")))
                    : Yamls.loadAll(str(entry, "patch"));
            addPatches(directory.resolve(entry.get("path") != null ? str(entry, "path") : "kustomization.yaml"),
                    map(entry.get("target")), list(body));
        }
        for (Object entry : list(k.get("patchesStrategicMerge"))) {
            String text = String.valueOf(entry);
            Path file = directory.resolve(text.contains("\n") ? "kustomization.yaml" : text);
            addPatches(file, Map.of(), text.contains("\n") ? Yamls.loadAll(text) : Yamls.loadAll(file));
        }
        for (Map<String, Object> entry : maps(k.get("patchesJson6902"))) {
            Path file = directory.resolve(str(entry, "path"));
            addPatches(file, map(entry.get("target")), Yamls.loadAll(file));
        }
        generators(directory, maps(k.get("configMapGenerator")), configMapKeys);
        generators(directory, maps(k.get("secretGenerator")), secretKeys);
    }

    private void resource(Path path) {
        if (Files.isDirectory(path)) {
            walk(path);
        } else {
            resources.put(path, Yamls.objects(Yamls.loadAll(path)));
        }
    }

    private void addPatches(Path source, Map<String, Object> target, List<Object> docs) {
        if (docs.size() == 1 && docs.get(0) instanceof List<?> operations) {
            patches.add(new Patch(source, target, operations));
            return;
        }
        for (Object doc : docs) {
            patches.add(new Patch(source, target, doc));
        }
    }

    private static void generators(Path directory, List<Map<String, Object>> generators, Map<String, Set<String>> keys) {
        for (Map<String, Object> generator : generators) {
            Set<String> names = keys.computeIfAbsent(str(generator, "name"), n -> new LinkedHashSet<>());
            list(generator.get("literals")).forEach(l -> names.add(String.valueOf(l).split("=", 2)[0]));
            for (Object file : list(generator.get("envs"))) {
                try {
                    Files.readAllLines(directory.resolve(String.valueOf(file))).stream().map(String::strip)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> names.add(l.split("=", 2)[0]));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            for (Object file : list(generator.get("files"))) {
                String spec = String.valueOf(file);
                names.add(spec.contains("=") ? spec.split("=", 2)[0] : Path.of(spec).getFileName().toString());
            }
        }
    }

    private static Map<String, Object> kustomization(Path directory) {
        for (String name : List.of("kustomization.yaml", "kustomization.yml", "Kustomization")) {
            Path file = directory.resolve(name);
            if (Files.exists(file)) {
                return map(Yamls.loadAll(file).get(0));
            }
        }
        throw new IllegalStateException("no kustomization file in " + directory);
    }

    /** The complete objects a patch applies to: by its target (kind, name, label selector) or its own kind and name. */
    List<Map<String, Object>> targetsOf(Patch patch) {
        String kind = patch.target().isEmpty() ? kind(map(patch.body())) : str(patch.target(), "kind");
        String name = patch.target().isEmpty() ? name(map(patch.body())) : str(patch.target(), "name");
        String selector = str(patch.target(), "labelSelector");
        return objects().stream()
                .filter(o -> kind == null || kind.equals(kind(o)))
                .filter(o -> name == null || name(o).matches(name))
                .filter(o -> selector == null || matchesEquality(selector, labels(Yamls.at(o, "metadata", "labels"))))
                .toList();
    }

    private static boolean matchesEquality(String selector, Map<String, String> labels) {
        for (String term : selector.split(",")) {
            String[] kv = term.split("=", 2);
            if (kv.length != 2 || !kv[1].strip().equals(labels.get(kv[0].strip()))) {
                return false;
            }
        }
        return true;
    }

    /** A copy of {@code object} with the patch applied alone, as Kustomize would apply it to the unpatched object. */
    static Map<String, Object> apply(Map<String, Object> object, Patch patch) {
        Map<String, Object> copy = map(deepCopy(object));
        if (patch.isJson6902()) {
            for (Map<String, Object> operation : maps(patch.body())) {
                JsonPatch.apply(copy, operation);
            }
        } else {
            StrategicMerge.merge(copy, map(patch.body()));
        }
        return copy;
    }

    static Object deepCopy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(deepCopy(v)));
            return out;
        }
        return value;
    }

    /** Add, replace and remove of RFC 6902, which is what the overlays use. */
    static final class JsonPatch {

        private JsonPatch() {
        }

        @SuppressWarnings("unchecked")
        static void apply(Map<String, Object> document, Map<String, Object> operation) {
            String op = str(operation, "op");
            List<String> path = new ArrayList<>();
            for (String token : str(operation, "path").substring(1).split("/", -1)) {
                path.add(token.replace("~1", "/").replace("~0", "~"));
            }
            Object parent = document;
            for (String token : path.subList(0, path.size() - 1)) {
                parent = parent instanceof List<?> l ? l.get(Integer.parseInt(token)) : ((Map<String, Object>) parent).get(token);
                if (parent == null) {
                    throw new IllegalArgumentException("patch path " + str(operation, "path") + " does not exist");
                }
            }
            String last = path.get(path.size() - 1);
            Object value = deepCopy(operation.get("value"));
            if (parent instanceof List<?> l) {
                List<Object> items = (List<Object>) l;
                switch (op) {
                    case "add" -> items.add("-".equals(last) ? items.size() : Integer.parseInt(last), value);
                    case "replace" -> items.set(Integer.parseInt(last), value);
                    case "remove" -> items.remove(Integer.parseInt(last));
                    default -> throw new IllegalArgumentException("unsupported patch op " + op);
                }
            } else {
                Map<String, Object> fields = (Map<String, Object>) parent;
                switch (op) {
                    case "add", "replace" -> fields.put(last, value);
                    case "remove" -> fields.remove(last);
                    default -> throw new IllegalArgumentException("unsupported patch op " + op);
                }
            }
        }
    }

    /**
     * Strategic merge as Kubernetes defines it for the fields our patches touch: maps merge, lists of containers,
     * volumes, env and ports merge by their key, other lists are replaced, null deletes.
     */
    static final class StrategicMerge {

        private static final Map<String, String> MERGE_KEYS = Map.of(
                "containers", "name", "initContainers", "name", "volumes", "name", "env", "name",
                "volumeMounts", "mountPath", "ports", "containerPort");

        private StrategicMerge() {
        }

        @SuppressWarnings("unchecked")
        static void merge(Map<String, Object> target, Map<String, Object> patch) {
            for (Map.Entry<String, Object> e : patch.entrySet()) {
                Object current = target.get(e.getKey());
                Object change = e.getValue();
                if (change == null) {
                    target.remove(e.getKey());
                } else if (change instanceof Map<?, ?> m && current instanceof Map<?, ?> c) {
                    merge((Map<String, Object>) c, (Map<String, Object>) m);
                } else if (change instanceof List<?> l && current instanceof List<?> c && MERGE_KEYS.containsKey(e.getKey())) {
                    mergeList((List<Object>) c, (List<Object>) l, MERGE_KEYS.get(e.getKey()));
                } else {
                    target.put(e.getKey(), deepCopy(change));
                }
            }
        }

        private static void mergeList(List<Object> current, List<Object> patch, String key) {
            for (Object item : patch) {
                Object id = map(item).get(key);
                Map<String, Object> existing = current.stream().map(Yamls::map)
                        .filter(c -> id != null && String.valueOf(id).equals(String.valueOf(c.get(key))))
                        .findFirst().orElse(null);
                if (existing != null) {
                    merge(existing, map(item));
                } else {
                    current.add(0, deepCopy(item));
                }
            }
        }
    }
}
