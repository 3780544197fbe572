package io.ezthrottle.launcher.worker;

import static io.ezthrottle.launcher.worker.Scenarios.awaitWebhook;
import static io.ezthrottle.launcher.worker.Scenarios.hooks;
import static io.ezthrottle.launcher.worker.Scenarios.submit;
import static io.ezthrottle.launcher.worker.Scenarios.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.ezthrottle.core.throttle.Destination;
import io.ezthrottle.core.throttle.DomainLimits;
import io.ezthrottle.core.throttle.DomainLimitsStore;
import io.ezthrottle.launcher.TestPlatform;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 3 item 6: per-tenant fairness. The upstream switches its destination to account-queue mode at 5 requests/s
 * through its response headers; then one user floods it and another submits a few jobs. The quiet user's jobs are
 * served round-robin beside the flood instead of waiting behind it, and the destination's pace still holds — both
 * when the flood fits in the worker's lane and when most of it waits in Redis (overflow).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountQueueFairnessIntegrationTests {

    /** Jobs a lane holds in memory here; the rest of a destination's backlog waits in Redis overflow streams. */
    private static final int LANE_CAPACITY = 20;
    private static final int QUIET = 3;

    private TestPlatform platform;
    /** Upstreams outlive their test: the rest of a flood keeps draining against them until the platform is closed. */
    private final HttpStub fitting = new HttpStub();
    private final HttpStub overflowing = new HttpStub();

    @BeforeAll
    void start() {
        platform = new TestPlatform(1, "--ezthrottle.worker.lane-capacity=" + LANE_CAPACITY);
    }

    @AfterAll
    void stop() {
        platform.close();
        fitting.close();
        overflowing.close();
    }

    @Test
    void aQuietUserIsServedBesideAFloodThatFitsInTheLane() {
        floodThenQuiet(platform, fitting, LANE_CAPACITY - QUIET - 1);
    }

    /** Twice the lane's capacity: most of the flood, and the quiet user's jobs, are parked in Redis at first. */
    @Test
    void aQuietUserIsServedBesideAFloodThatOverflowsTheLane() {
        floodThenQuiet(platform, overflowing, 2 * LANE_CAPACITY);
    }

    private static void floodThenQuiet(TestPlatform platform, HttpStub upstream, int flood) {
        CountDownLatch hold = new CountDownLatch(1);
        try (HttpStub receiver = new HttpStub()) {
            upstream.respond(r -> {
                if (r.path().equals("/items")) {
                    awaitRelease(hold);
                }
                return new HttpStub.Response(200, Map.of("Content-Type", "application/json",
                        "X-EZTHROTTLE-ACCOUNT-QUEUE", "enabled", "X-EZTHROTTLE-RPS", "5"), "{\"ok\":true}");
            });

            // Warm-up: the upstream's answer switches the destination to account-queue mode at 5/s.
            String warm = submit(platform, """
                    {"url": "%s/warm", "webhooks": %s, "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("warm"))).path("job_id").asString();
            awaitWebhook(receiver, warm, Duration.ofSeconds(15));
            DomainLimitsStore store = Scenarios.bean(platform, DomainLimitsStore.class);
            String destination = Destination.of(upstream.url());
            Await.until(() -> {
                DomainLimits l = store.read(destination).block(Duration.ofSeconds(5));
                return l.accountQueue() && l.rps() == 5.0;
            }, Duration.ofSeconds(5), () -> "limits learned: " + store.read(destination).block());
            upstream.clear();

            // The upstream holds its first calls, so the whole flood is queued (the destination allows 2 in flight)
            // however long submitting takes; the quiet user's jobs then arrive behind a full backlog.
            for (int i = 0; i < flood; i++) {
                submit(platform, job(upstream, receiver, "flood", i));
            }
            upstream.awaitCount(2, Duration.ofSeconds(10));
            int arrivedBeforeQuiet = upstream.count();
            for (int i = 0; i < QUIET; i++) {
                submit(platform, job(upstream, receiver, "quiet", i));
            }
            hold.countDown();

            Await.until(() -> quietArrivals(upstream.requests()) == QUIET, Duration.ofSeconds(20),
                    () -> "quiet jobs served; arrivals: " + order(upstream.requests()));
            List<String> order = order(upstream.requests());
            List<String> afterQuietSubmitted = order.subList(Math.min(arrivedBeforeQuiet, order.size()), order.size());
            int lastQuiet = afterQuietSubmitted.lastIndexOf("quiet");
            assertThat(lastQuiet).as("position of the last quiet job among arrivals after it was submitted"
                    + " (%d arrivals before): %s", arrivedBeforeQuiet, order).isBetween(0, 7);
            assertThat(afterQuietSubmitted.subList(0, lastQuiet + 1)).as("the flood kept being served too").contains("flood");

            // Still within the destination's budget of 5/s: never more than one request over it in any second.
            long[] arrivals = upstream.requests().stream().mapToLong(HttpStub.Request::arrivedNanos).sorted().toArray();
            for (int i = 0, j = 0; i < arrivals.length; i++) {
                while (j < arrivals.length && arrivals[j] - arrivals[i] < 1_000_000_000L) {
                    j++;
                }
                assertThat(j - i).as("arrivals in the second from arrival %d", i).isLessThanOrEqualTo(6);
            }
        } finally {
            hold.countDown();
        }
    }

    private static void awaitRelease(CountDownLatch hold) {
        try {
            hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String job(HttpStub upstream, HttpStub receiver, String user, int n) {
        return """
                {"url": "%s/items?user=%s&n=%d", "user_id": "%s", "webhooks": %s, "idempotent_key": "%s"}
                """.formatted(upstream.url(), user, n, user, hooks(receiver), uniqueKey(user + n));
    }

    private static long quietArrivals(List<HttpStub.Request> requests) {
        return requests.stream().filter(r -> r.query() != null && r.query().contains("user=quiet")).count();
    }

    /** Which user each arrival belonged to, in arrival order. */
    private static List<String> order(List<HttpStub.Request> requests) {
        return requests.stream().sorted(Comparator.comparingLong(HttpStub.Request::arrivedNanos))
                .map(r -> r.query() != null && r.query().contains("user=quiet") ? "quiet" : "flood")
                .toList();
    }
}
