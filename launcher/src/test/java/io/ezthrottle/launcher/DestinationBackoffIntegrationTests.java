package io.ezthrottle.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.ezthrottle.core.throttle.Destination;
import io.ezthrottle.core.throttle.DomainLimitsStore;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A struggling upstream is paused for the whole cluster (two worker replicas): during an outage only occasional
 * probes reach it and the backlog waits without burning its retries, then drains once it is back; a 429 slows the
 * destination even without Retry-After and is recorded for the admin console.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DestinationBackoffIntegrationTests {

    private static final Map<String, String> FAST = Map.of("X-EZTHROTTLE-RPS", "20", "X-EZTHROTTLE-MAX-CONCURRENT", "20");

    private TestPlatform platform;
    private final HttpStub hooks = new HttpStub();

    @BeforeAll
    void start() {
        platform = new TestPlatform(2);
    }

    @AfterAll
    void stop() {
        platform.close();
        hooks.close();
    }

    @Test
    void anOutageGetsOnlyProbesAndEveryJobCompletesOnceTheUpstreamIsBack() {
        int jobs = 30;
        long outageMillis = 3_000;
        AtomicLong firstAt = new AtomicLong();
        AtomicInteger failed = new AtomicInteger();
        try (HttpStub upstream = new HttpStub()) {
            // Down (503, no Retry-After) for 3 s from its first request, then fine; it allows 20/s throughout.
            upstream.respond(r -> {
                firstAt.compareAndSet(0, r.arrivedMillis());
                if (r.arrivedMillis() - firstAt.get() < outageMillis) {
                    failed.incrementAndGet();
                    return new HttpStub.Response(503, FAST, "{\"error\":\"no healthy backend\"}");
                }
                return new HttpStub.Response(200, FAST, "{}");
            });
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                // Two retries each: without the shared pause, 20/s into a 3 s outage would use them all up.
                ids.add(submit(upstream.url("/o" + i), ", \"retry_policy\": {\"max_retries\": 2}"));
            }
            Await.until(() -> ids.stream().allMatch(id -> "completed".equals(status(id))), Duration.ofSeconds(60),
                    () -> "jobs still open: " + ids.stream().filter(id -> !"completed".equals(status(id))).toList());
            // Probes at ~0, 0.5, 1.5, 3.5 s (each pause between half and all of 0.5 s · 2ⁿ), plus a few calls that
            // were already on their way when the first failure came back.
            assertThat(failed.get()).as("calls during the outage").isLessThanOrEqualTo(8);
            assertThat(upstream.count()).as("upstream hits for %d jobs", jobs).isLessThanOrEqualTo(jobs + 8);
        }
    }

    @Test
    void a429WithoutRetryAfterSlowsTheDestinationForEveryoneAndIsRecorded() {
        AtomicInteger calls = new AtomicInteger();
        AtomicLong limitedAt = new AtomicLong();
        try (HttpStub upstream = new HttpStub()) {
            upstream.respond(r -> {
                if (calls.incrementAndGet() == 2) {
                    limitedAt.set(r.arrivedMillis());
                    return new HttpStub.Response(429, FAST, "{\"error\":\"slow down\"}");
                }
                return new HttpStub.Response(200, FAST, "{}");
            });
            // The first call teaches the 20/s pace.
            awaitCompleted(submit(upstream.url("/learn"), ""));
            long before = System.currentTimeMillis();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ids.add(submit(upstream.url("/l" + i), ""));
            }
            ids.forEach(this::awaitCompleted);
            DomainLimitsStore.Last429 last = store().last429(Destination.of(upstream.url())).block(Duration.ofSeconds(5));
            assertThat(last.at()).isBetween(before, System.currentTimeMillis());
            // The pause starts when the worker has read the 429 (last_429_at, its clock, which is the test's): until
            // then calls go out at the learned pace, however long a busy machine takes to get there. At 20/s about
            // five calls fit in 250 ms; the shortest pause is 250 ms and only what was already on its way gets through.
            long duringPause = upstream.requests().stream()
                    .filter(r -> r.arrivedMillis() > last.at() && r.arrivedMillis() < last.at() + 250)
                    .count();
            assertThat(limitedAt.get()).as("the 429 was answered before it was recorded").isLessThanOrEqualTo(last.at());
            assertThat(duringPause).as("calls in the 250 ms after the 429 was read").isLessThanOrEqualTo(2);
            assertThat(last.retryAfterMs()).isZero();
        }
    }

    @Test
    void a429sRetryAfterIsRecordedForTheConsole() {
        AtomicInteger calls = new AtomicInteger();
        try (HttpStub upstream = new HttpStub()) {
            upstream.respond(r -> calls.incrementAndGet() == 1
                    ? new HttpStub.Response(429, Map.of("Retry-After", "1"), "{}")
                    : HttpStub.Response.ok("{}"));
            long before = System.currentTimeMillis();
            awaitCompleted(submit(upstream.url("/ra"), ""));
            var fields = store().last429(Destination.of(upstream.url())).block(Duration.ofSeconds(5));
            assertThat(fields.retryAfterMs()).isEqualTo(1000);
            assertThat(fields.at()).isGreaterThanOrEqualTo(before);
        }
    }

    private DomainLimitsStore store() {
        return platform.workers().get(0).getBean(DomainLimitsStore.class);
    }

    private String submit(String url, String extra) {
        String body = """
                {"url": "%s", "idempotent_key": "db-%s", "webhooks": [{"url": "%s/h"}]%s}
                """.formatted(url, UUID.randomUUID(), hooks.url(), extra);
        var r = platform.post("/api/v1/jobs", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return platform.json(r).path("job_id").asString();
    }

    private String status(String id) {
        return platform.json(platform.get("/api/v1/jobs/" + id)).path("status").asString();
    }

    private void awaitCompleted(String id) {
        Await.until(() -> "completed".equals(status(id)), Duration.ofSeconds(30), () -> "job " + id + " is " + status(id));
    }
}
