package io.ezthrottle.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.ezthrottle.api.ApiApplication;
import io.ezthrottle.testsupport.RedisTestServer;
import io.ezthrottle.webhook.WebhookApplication;
import io.ezthrottle.worker.WorkerApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole platform for one test class: API, webhook dispatcher and N workers as separate Spring contexts against
 * the shared test Redis, under a key prefix of its own so test classes never see each other's streams.
 */
public final class TestPlatform implements AutoCloseable {

    public final String apiKey = "test_" + UUID.randomUUID();
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final List<ConfigurableApplicationContext> workers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private ConfigurableApplicationContext api;
    private String[] common;

    public TestPlatform(int workerCount, String... extra) {
        this(java.util.Collections.nCopies(workerCount, new String[0]), extra);
    }

    /** One worker per element of {@code workerArgs}, each with those extra arguments (e.g. its region). */
    public TestPlatform(List<String[]> workerArgs, String... extra) {
        common = common(extra);
        contexts.add(Launcher.reactiveService(WebhookApplication.class, 0, common));
        for (String[] own : workerArgs) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(common), java.util.Arrays.stream(own))
                    .toArray(String[]::new);
            ConfigurableApplicationContext w = Launcher.reactiveService(WorkerApplication.class, 0, args);
            workers.add(w);
            contexts.add(w);
        }
        api = Launcher.reactiveService(ApiApplication.class, 0, common);
        contexts.add(api);
    }

    private String[] common(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--ezthrottle.redis.url=" + RedisTestServer.shared().url(),
                "--ezthrottle.redis.key-prefix=" + prefix,
                "--ezthrottle.bootstrap-api-key=" + apiKey,
                "--ezthrottle.egress.allow=127.0.0.1/32",
                "--ezthrottle.worker.batch-size=1",
                "--spring.main.banner-mode=off"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** The arguments every service of this platform was started with (for separate worker processes). */
    String[] commonArgs() {
        return common.clone();
    }

    /** Starts one more worker in this JVM. */
    ConfigurableApplicationContext addWorker(String... own) {
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(common), java.util.Arrays.stream(own))
                .toArray(String[]::new);
        ConfigurableApplicationContext w = Launcher.reactiveService(WorkerApplication.class, 0, args);
        workers.add(w);
        contexts.add(w);
        return w;
    }

    public List<ConfigurableApplicationContext> workers() {
        return workers;
    }

    public String apiUrl(String path) {
        return "http://127.0.0.1:" + api.getEnvironment().getProperty("local.server.port") + path;
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(apiUrl(path)))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(apiUrl(path)))
                .header("Authorization", "Bearer " + apiKey).GET().build());
    }

    public JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    public JsonNode json(String text) {
        return json.readTree(text);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    @Override
    public void close() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
    }
}
