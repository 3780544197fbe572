package io.ezthrottle.api.stream;

import static org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.ezthrottle.api.ApiApplication;
import io.ezthrottle.core.event.JobEvents;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.UpstreamResponse;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.RedisTestServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The api-service running for real (random port, the shared test Redis under its own key prefix), reached with the
 * JDK's HTTP client so nothing of the application's own types is used to read replies. Tests play the worker where
 * needed: they move job records through their states with the job store and publish the worker's signals.
 */
@SpringBootTest(classes = ApiApplication.class, webEnvironment = RANDOM_PORT, properties = {
        "ezthrottle.redis.key-prefix=api-delivery",
        "ezthrottle.egress.allow=",
        "ezthrottle.stream.poll=100ms",
        "ezthrottle.stream.keepalive=400ms"
})
public abstract class ApiDeliveryIntegrationSupport {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final Duration WAIT = Duration.ofSeconds(15);

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("ezthrottle.redis.url", () -> RedisTestServer.shared().url());
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected TenantStore tenants;
    @Autowired
    protected RedisJobStore jobs;
    @Autowired
    protected JobEvents jobEvents;

    private final HttpClient http = HttpClient.newHttpClient();

    /** A tenant with an API key of its own. */
    protected record TestTenant(String id, String apiKey) {
    }

    /** A reply: status, headers, raw text and the parsed JSON (null when not JSON). */
    protected record Reply(int status, Map<String, List<String>> headers, String raw, JsonNode json) {
        public String text(String field) {
            JsonNode v = json == null ? null : json.get(field);
            return v == null || v.isNull() ? null : v.asString();
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }
    }

    protected TestTenant newTenant() {
        String id = "cust_dl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String key = "ezt_dl_" + UUID.randomUUID().toString().replace("-", "");
        tenants.upsert(id, "delivery tests", Tier.FREE).block(Duration.ofSeconds(5));
        tenants.addKey(id, key).block(Duration.ofSeconds(5));
        return new TestTenant(id, key);
    }

    protected Reply get(String path, String apiKey) {
        return send("GET", path, apiKey, null);
    }

    protected Reply post(String path, String apiKey, String body) {
        return send("POST", path, apiKey, body);
    }

    protected Reply send(String method, String path, String apiKey, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(WAIT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().map(), r.body(), parse(r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits a cloud job and returns its id. */
    protected String submit(TestTenant tenant, String jobJson) {
        Reply r = post("/api/v1/jobs", tenant.apiKey(), jobJson);
        if (r.status() != 201) {
            throw new AssertionError("submission refused: " + r);
        }
        return r.text("job_id");
    }

    /** Plays the worker starting the job. */
    protected void dispatch(String jobId, boolean signal) {
        jobs.transition(jobId, JobState.DISPATCHING, Map.of("attempts", "1")).block(Duration.ofSeconds(5));
        if (signal) {
            jobEvents.dispatching(jobId).block(Duration.ofSeconds(5));
        }
    }

    /** Plays the worker finishing the job with {@code response} (null = transport failure). */
    protected void finish(String jobId, UpstreamResponse response, boolean signal) {
        JobState end = response != null && response.successful() ? JobState.COMPLETED : JobState.FAILED;
        String error = response == null ? "connection refused" : response.successful() ? null : "upstream answered " + response.statusCode();
        jobs.transition(jobId, end, jobs.outcomeFields(response, error, 1)).block(Duration.ofSeconds(5));
        if (signal) {
            jobEvents.finished(jobId).block(Duration.ofSeconds(5));
        }
    }

    protected JobRecord record(String jobId) {
        return jobs.find(jobId).block(Duration.ofSeconds(5));
    }

    protected SseStream openStream(String path, String apiKey) {
        return openStreamOn(port, path, apiKey);
    }

    /** Opens a stream on the API replica listening on {@code onPort}. */
    protected SseStream openStreamOn(int onPort, String path, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + onPort + path))
                .header("Accept", "text/event-stream").GET();
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        SseStream stream = new SseStream();
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).thenAccept(stream::consume)
                .exceptionally(e -> {
                    stream.failed = e;
                    return null;
                });
        return stream;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static JsonNode parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(raw);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** One SSE event as received: its name (null for a comment), and its data or comment text. */
    protected record Event(String name, String data) {
        public JsonNode json() {
            return JSON.readTree(data);
        }
    }

    /** A Server-Sent Events response read line by line on a background thread, as a browser would. */
    protected static final class SseStream implements AutoCloseable {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private volatile Stream<String> body;
        private volatile HttpResponse<Stream<String>> response;
        private volatile boolean ended;
        private volatile Throwable failed;

        private void consume(HttpResponse<Stream<String>> r) {
            response = r;
            body = r.body();
            Thread reader = new Thread(() -> {
                try (Stream<String> lines = body) {
                    lines.forEach(this.lines::add);
                } catch (RuntimeException e) {
                    failed = e;
                } finally {
                    ended = true;
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        public HttpResponse<Stream<String>> response() {
            Await.until(() -> response != null || failed != null, WAIT, () -> "response headers");
            return response;
        }

        /** Events completed so far (an event is complete once its blank line arrived). */
        public List<Event> events() {
            List<Event> out = new ArrayList<>();
            String name = null;
            String data = null;
            for (String line : lines) {
                if (line.isEmpty()) {
                    if (name != null || data != null) {
                        out.add(new Event(name, data));
                    }
                    name = null;
                    data = null;
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                } else if (line.startsWith(": ")) {
                    out.add(new Event(null, line.substring(2)));
                }
            }
            return out;
        }

        public List<String> names() {
            return events().stream().filter(e -> e.name() != null).map(Event::name).toList();
        }

        public List<Event> awaitNamed(String name) {
            Await.until(() -> names().contains(name), WAIT, () -> "event " + name + ", got " + lines);
            return events();
        }

        public void awaitEnd() {
            Await.until(() -> ended, WAIT, () -> "the stream to end, got " + lines);
        }

        public boolean ended() {
            return ended;
        }

        public List<String> rawLines() {
            return List.copyOf(lines);
        }

        /** Hangs up (a client going away). */
        @Override
        public void close() {
            Stream<String> b = body;
            if (b != null) {
                b.close();
            }
        }
    }
}
