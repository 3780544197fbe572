package io.ezthrottle.launcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.ezthrottle.admin.AdminApplication;
import io.ezthrottle.api.ApiApplication;
import io.ezthrottle.webhook.WebhookApplication;
import io.ezthrottle.worker.WorkerApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the whole platform in one process for local use: the API (8080), the admin console (8081), the webhook
 * dispatcher (8083) and one worker per region of {@code EZTHROTTLE_REGIONS} (8090, 8091, ...). Each service is
 * its own Spring context, exactly as it runs when deployed alone; they share nothing but Redis. When
 * {@code EZTHROTTLE_REDIS_URL} is unset an embedded Redis is started on a free loopback port.
 */
public final class Launcher {

    private static final Logger log = LoggerFactory.getLogger(Launcher.class);

    /** Security auto-configuration belongs to the console; the API services authenticate with API keys. */
    static final String REACTIVE_EXCLUDES = String.join(",",
            "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.rsocket.RSocketSecurityAutoConfiguration");

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private EmbeddedRedis embeddedRedis;

    public static void main(String[] args) {
        Launcher launcher = new Launcher();
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::close, "ezthrottle-shutdown"));
        launcher.start(args);
    }

    /** Starts everything; {@code args} are passed to every service (e.g. {@code --ezthrottle.egress.allow=...}). */
    public void start(String... args) {
        String redisUrl = setting("EZTHROTTLE_REDIS_URL", "ezthrottle.redis.url", "");
        if (redisUrl.isBlank()) {
            embeddedRedis = new EmbeddedRedis();
            redisUrl = embeddedRedis.url();
            log.info("EZTHROTTLE_REDIS_URL not set: started embedded Redis at {}", redisUrl);
        }
        String redis = "--ezthrottle.redis.url=" + redisUrl;
        int webhookPort = Integer.parseInt(setting("EZTHROTTLE_WEBHOOK_PORT", "ezthrottle.webhook-port", "8083"));
        int workerPort = Integer.parseInt(setting("EZTHROTTLE_WORKER_PORT", "ezthrottle.worker-port", "8090"));
        int apiPort = Integer.parseInt(setting("EZTHROTTLE_API_PORT", "ezthrottle.api-port", "8080"));
        int adminPort = Integer.parseInt(setting("EZTHROTTLE_ADMIN_PORT", "ezthrottle.admin-port", "8081"));

        reactive(WebhookApplication.class, webhookPort, args, redis);
        List<String> regions = regions();
        for (int i = 0; i < regions.size(); i++) {
            reactive(WorkerApplication.class, workerPort == 0 ? 0 : workerPort + i, args, redis,
                    "--ezthrottle.region=" + regions.get(i));
        }
        reactive(ApiApplication.class, apiPort, args, redis);
        contexts.add(new SpringApplicationBuilder(AdminApplication.class)
                .web(WebApplicationType.SERVLET)
                .run(concat(args, redis, "--server.port=" + adminPort)));
        log.info("EZThrottle is up: API http://localhost:{}  admin http://localhost:{}  regions {}", apiPort, adminPort, regions);
    }

    private void reactive(Class<?> app, int port, String[] args, String... extra) {
        contexts.add(reactiveService(app, port, concat(args, extra)));
    }

    /**
     * Starts one reactive service as its own Spring context, the way the launcher does (also used by tests that
     * assemble a platform of their own, e.g. with two workers).
     */
    public static ConfigurableApplicationContext reactiveService(Class<?> app, int port, String... args) {
        String[] all = concat(args, "--server.port=" + port, "--spring.autoconfigure.exclude=" + REACTIVE_EXCLUDES);
        return new SpringApplicationBuilder(app).web(WebApplicationType.REACTIVE).run(all);
    }

    public List<ConfigurableApplicationContext> contexts() {
        return List.copyOf(contexts);
    }

    public void close() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            try {
                contexts.get(i).close();
            } catch (RuntimeException e) {
                log.warn("error stopping a service: {}", e.toString());
            }
        }
        contexts.clear();
        if (embeddedRedis != null) {
            embeddedRedis.close();
            embeddedRedis = null;
        }
    }

    static List<String> regions() {
        String list = setting("EZTHROTTLE_REGIONS", "ezthrottle.regions", "");
        if (list.isBlank()) {
            list = setting("EZTHROTTLE_REGION", "ezthrottle.region", "local");
        }
        return Arrays.stream(list.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .distinct().toList();
    }

    private static String setting(String env, String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
