package io.ezthrottle.launcher.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.ezthrottle.admin.AdminApplication;
import io.ezthrottle.api.ApiApplication;
import io.ezthrottle.core.config.CoreAutoConfiguration;
import io.ezthrottle.webhook.WebhookApplication;
import io.ezthrottle.worker.WorkerApplication;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * What a deployable service reads and listens on, taken from its code rather than restated: the port and the
 * shutdown timeout from the properties file its application class loads with {@code @PropertySource}, the
 * environment variables it reads from its own and core's {@code @ConfigurationProperties} types and properties
 * files. The Kubernetes container of a service is named after its module.
 *
 * @param module          Maven module, container and {@code app.kubernetes.io/name}
 * @param properties      the service's own defaults plus core's
 * @param port            {@code server.port}
 * @param shutdownTimeout {@code spring.lifecycle.timeout-per-shutdown-phase} (Spring's default 30 s when unset)
 * @param env             environment variables the service reads
 * @param callDrain       how long the service's own stop waits for outbound calls on the wire before Spring's
 *                        shutdown phases: the default of an {@code upstreamTimeout} property, if it has one (the
 *                        worker), else zero
 * @param callDrainEnv    the environment variable that overrides {@code callDrain}, or null
 */
record ServiceSettings(String module, Properties properties, int port, Duration shutdownTimeout, EnvNames env,
                       Duration callDrain, String callDrainEnv) {

    /** Read by the JVM itself, before Spring: heap sizing and the like. */
    static final Set<String> JVM_ENV = Set.of("JAVA_TOOL_OPTIONS");

    private static final String CORE_PACKAGE = "io.ezthrottle.core";
    private static final Map<String, Class<?>> APPLICATIONS = Map.of(
            "api-service", ApiApplication.class,
            "worker-service", WorkerApplication.class,
            "webhook-service", WebhookApplication.class,
            "admin-ui", AdminApplication.class);

    private static Map<String, ServiceSettings> all;

    static synchronized Map<String, ServiceSettings> all() {
        if (all == null) {
            List<Class<?>> configurationTypes = configurationPropertiesTypes();
            Properties core = load(CoreAutoConfiguration.class);
            EnvNames coreEnv = EnvNames.ofProperties(core).plus(envOf(configurationTypes, CORE_PACKAGE));
            Map<String, ServiceSettings> settings = new LinkedHashMap<>();
            APPLICATIONS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                Properties own = load(e.getValue());
                Properties merged = new Properties();
                merged.putAll(core);
                merged.putAll(own);
                EnvNames env = coreEnv.plus(EnvNames.ofProperties(own))
                        .plus(envOf(configurationTypes, e.getValue().getPackageName()))
                        .plus(EnvNames.ofNames(JVM_ENV));
                Map.Entry<String, Duration> drain = callDrain(configurationTypes, e.getValue().getPackageName());
                settings.put(e.getKey(), new ServiceSettings(e.getKey(), merged,
                        Integer.parseInt(own.getProperty("server.port")),
                        DurationStyle.detectAndParse(own.getProperty("spring.lifecycle.timeout-per-shutdown-phase", "30s")),
                        env, drain == null ? Duration.ZERO : drain.getValue(), drain == null ? null : drain.getKey()));
            });
            all = Map.copyOf(settings);
        }
        return all;
    }

    static ServiceSettings of(String module) {
        return all().get(module);
    }

    /** Health groups at /actuator/health/liveness and /readiness exist only with probes enabled. */
    boolean probesEnabled() {
        return "true".equals(properties.getProperty("management.endpoint.health.probes.enabled"));
    }

    boolean exposesPrometheus() {
        return properties.getProperty("management.endpoints.web.exposure.include", "").contains("prometheus");
    }

    /** Every environment variable any deployable service reads. */
    static EnvNames anyService() {
        return all().values().stream().map(ServiceSettings::env).reduce(EnvNames.empty(), EnvNames::plus);
    }

    /** The env name and default of a module's {@code upstreamTimeout} property, or null. */
    private static Map.Entry<String, Duration> callDrain(List<Class<?>> types, String packageName) {
        for (Class<?> type : types) {
            if (!type.getPackageName().startsWith(packageName) || !type.isRecord()) {
                continue;
            }
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] signature = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            Parameter[] parameters;
            try {
                // @DefaultValue targets parameters: it sits on the canonical constructor's, not on the component.
                parameters = type.getDeclaredConstructor(signature).getParameters();
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
            for (int i = 0; i < components.length; i++) {
                RecordComponent component = components[i];
                DefaultValue value = parameters[i].getAnnotation(DefaultValue.class);
                if (component.getName().equals("upstreamTimeout") && value != null && value.value().length == 1) {
                    String prefix = AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class).prefix();
                    return Map.entry(EnvNames.envName(prefix + ".upstream-timeout"),
                            DurationStyle.detectAndParse(value.value()[0]));
                }
            }
        }
        return null;
    }

    private static EnvNames envOf(List<Class<?>> types, String packageName) {
        return types.stream()
                .filter(t -> t.getPackageName().equals(packageName) || t.getPackageName().startsWith(packageName + "."))
                .map(EnvNames::ofConfigurationProperties)
                .reduce(EnvNames.empty(), EnvNames::plus);
    }

    static List<Class<?>> configurationPropertiesTypes() {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        return scanner.findCandidateComponents("io.ezthrottle").stream()
                .map(BeanDefinition::getBeanClassName)
                .<Class<?>>map(name -> ClassUtils.resolveClassName(name, ServiceSettings.class.getClassLoader()))
                .toList();
    }

    private static Properties load(Class<?> source) {
        Properties properties = new Properties();
        for (PropertySource annotation : AnnotatedElementUtils.findMergedRepeatableAnnotations(source,
                PropertySource.class)) {
            for (String location : annotation.value()) {
                String resource = location.replaceFirst("^classpath:", "");
                try (InputStream in = source.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException(source.getSimpleName() + " loads missing " + location);
                    }
                    properties.load(in);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return properties;
    }
}
