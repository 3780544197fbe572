package io.ezthrottle.admin.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.ezthrottle.admin.AdminApplication;
import io.ezthrottle.api.ApiApplication;
import io.ezthrottle.testsupport.RedisTestServer;
import io.ezthrottle.webhook.WebhookApplication;
import io.ezthrottle.worker.WorkerApplication;
import org.apache.catalina.Context;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in this JVM, as the launcher runs it: API, one worker and the webhook dispatcher as reactive
 * Spring contexts and the console as a servlet context, all on the shared test Redis under a key prefix of their
 * own. Jobs the browser tests submit go through the real API, are paced and run by the real worker, and their
 * webhooks are delivered (or dead-lettered) by the real dispatcher.
 */
final class ConsolePlatform implements AutoCloseable {

    static final String ADMIN_PASSWORD = "browser-admin-pass";
    static final String VIEWER_PASSWORD = "browser-viewer-pass";

    /** Security auto-configuration belongs to the console; the reactive services authenticate with API keys. */
    private static final String REACTIVE_EXCLUDES = String.join(",",
            "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.rsocket.RSocketSecurityAutoConfiguration");

    private final String prefix = "br" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ConfigurableApplicationContext api;
    private final ConfigurableApplicationContext admin;

    ConsolePlatform() {
        String[] common = {
                "--ezthrottle.redis.url=" + RedisTestServer.shared().url(),
                "--ezthrottle.redis.key-prefix=" + prefix,
                "--ezthrottle.egress.allow=127.0.0.1/32",
                "--ezthrottle.admin.password=" + ADMIN_PASSWORD,
                "--spring.main.banner-mode=off"};
        try {
            contexts.add(reactive(WebhookApplication.class, common,
                    // a failing webhook is dead-lettered within a second instead of after 24 hours
                    "--ezthrottle.webhook.retry-delays=0ms,100ms", "--ezthrottle.webhook.give-up-after=400ms",
                    "--ezthrottle.webhook.jitter=0", "--ezthrottle.webhook.claim-interval=50ms",
                    "--ezthrottle.webhook.signing-cache-ttl=0s"));
            contexts.add(reactive(WorkerApplication.class, common, "--ezthrottle.worker.batch-size=1"));
            api = reactive(ApiApplication.class, common);
            contexts.add(api);
            admin = new SpringApplicationBuilder(AdminApplication.class).web(WebApplicationType.SERVLET)
                    .run(concat(common, "--server.port=0", "--ezthrottle.admin.user=admin",
                            "--ezthrottle.admin.viewers=viewer:" + VIEWER_PASSWORD,
                            "--ezthrottle.admin.overview.interval=500ms", "--ezthrottle.admin.overview.webhook-delay=1s",
                            "--ezthrottle.admin.queues.refresh=500ms",
                            "--ezthrottle.admin.secrets.grace-period=1h"));
            contexts.add(admin);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static ConfigurableApplicationContext reactive(Class<?> app, String[] common, String... own) {
        return new SpringApplicationBuilder(app).web(WebApplicationType.REACTIVE)
                .run(concat(concat(common, own), "--server.port=0", "--spring.autoconfigure.exclude=" + REACTIVE_EXCLUDES));
    }

    String adminUrl(String path) {
        return "http://localhost:" + admin.getEnvironment().getProperty("local.server.port") + path;
    }

    /** The session timeout the console's embedded Tomcat applies, in minutes (Tomcat's unit). */
    int consoleSessionTimeoutMinutes() {
        TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) admin).getWebServer();
        return ((Context) server.getTomcat().getHost().findChildren()[0]).getSessionTimeout();
    }

    <T> T adminBean(Class<T> type) {
        return admin.getBean(type);
    }

    /** POSTs JSON to the API with a tenant's key. */
    HttpResponse<String> submit(String apiKey, String json) {
        String url = "http://127.0.0.1:" + api.getEnvironment().getProperty("local.server.port") + "/api/v1/jobs";
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + apiKey)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
        contexts.clear();
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }
}
