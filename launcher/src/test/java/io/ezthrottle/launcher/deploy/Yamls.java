package io.ezthrottle.launcher.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads (multi-document) YAML into plain maps and lists, and walks them without casts at every step. */
final class Yamls {

    private Yamls() {
    }

    static List<Object> loadAll(String text) {
        List<Object> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
            if (doc != null) {
                docs.add(doc);
            }
        }
        return docs;
    }

    static List<Object> loadAll(Path file) {
        try {
            return loadAll(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documents of a file that are Kubernetes objects (maps with a kind). */
    static List<Map<String, Object>> objects(List<Object> docs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : docs) {
            if (doc instanceof Map<?, ?> m && m.get("kind") != null) {
                out.add(map(m));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static List<Map<String, Object>> maps(Object value) {
        return list(value).stream().map(Yamls::map).toList();
    }

    /** The value at a path of keys, or null when any step is missing. */
    static Object at(Object root, String... path) {
        Object node = root;
        for (String key : path) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(key);
        }
        return node;
    }

    static String str(Object root, String... path) {
        Object value = at(root, path);
        return value == null ? null : String.valueOf(value);
    }

    /** String labels (YAML may have parsed "true" or 1 into other types; Kubernetes sees strings). */
    static Map<String, String> labels(Object value) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        map(value).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    static String kind(Map<String, Object> object) {
        return str(object, "kind");
    }

    static String name(Map<String, Object> object) {
        return str(object, "metadata", "name");
    }

    static String describe(Map<String, Object> object) {
        return kind(object) + "/" + name(object);
    }
}
