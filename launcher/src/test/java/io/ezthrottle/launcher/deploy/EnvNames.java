package io.ezthrottle.launcher.deploy;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Environment variables a service reads, derived from its code: the relaxed-binding names of its
 * {@code @ConfigurationProperties} types ({@code ezthrottle.redis.key-prefix} is read from
 * {@code EZTHROTTLE_REDIS_KEYPREFIX}), the keys of its properties files (any of them can be overridden from the
 * environment, {@code server.port} by {@code SERVER_PORT}) and the {@code ${VARIABLE:default}} placeholders in
 * those files. A map-typed property admits every name under its prefix.
 */
record EnvNames(Set<String> exact, Set<String> prefixes) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)(?::[^}]*)?}");

    static EnvNames empty() {
        return new EnvNames(new TreeSet<>(), new TreeSet<>());
    }

    boolean allows(String name) {
        return exact.contains(name) || prefixes.stream().anyMatch(name::startsWith);
    }

    EnvNames plus(EnvNames other) {
        EnvNames out = empty();
        out.exact.addAll(exact);
        out.exact.addAll(other.exact);
        out.prefixes.addAll(prefixes);
        out.prefixes.addAll(other.prefixes);
        return out;
    }

    /** Spring Boot's relaxed binding from a canonical property name to its environment variable. */
    static String envName(String property) {
        return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    static EnvNames ofNames(Collection<String> names) {
        EnvNames out = empty();
        out.exact.addAll(names);
        return out;
    }

    static EnvNames ofProperties(Properties properties) {
        EnvNames out = empty();
        for (String key : properties.stringPropertyNames()) {
            out.exact.add(envName(key));
            Matcher m = PLACEHOLDER.matcher(properties.getProperty(key));
            while (m.find()) {
                String ref = m.group(1);
                out.exact.add(ref.equals(ref.toUpperCase(Locale.ROOT)) ? ref : envName(ref));
            }
        }
        return out;
    }

    static EnvNames ofConfigurationProperties(Class<?> type) {
        ConfigurationProperties annotation = AnnotatedElementUtils.findMergedAnnotation(type,
                ConfigurationProperties.class);
        if (annotation == null) {
            throw new IllegalArgumentException(type + " is not @ConfigurationProperties");
        }
        EnvNames out = empty();
        collect(type, annotation.prefix(), out);
        return out;
    }

    private static void collect(Class<?> type, String prefix, EnvNames out) {
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                property(component.getType(), prefix + "." + kebab(component.getName()), out);
            }
        } else {
            for (var descriptor : BeanUtils.getPropertyDescriptors(type)) {
                if (descriptor.getWriteMethod() != null || isNested(descriptor.getPropertyType())) {
                    property(descriptor.getPropertyType(), prefix + "." + kebab(descriptor.getName()), out);
                }
            }
        }
    }

    private static void property(Class<?> type, String name, EnvNames out) {
        if (isNested(type)) {
            collect(type, name, out);
        } else if (Map.class.isAssignableFrom(type)) {
            out.prefixes.add(envName(name) + "_");
        } else {
            out.exact.add(envName(name));
        }
    }

    /** Our own types are nested groups of properties; anything else (String, Duration, List...) is one value. */
    private static boolean isNested(Class<?> type) {
        return type.getPackageName().startsWith("io.ezthrottle") && !type.isEnum();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
