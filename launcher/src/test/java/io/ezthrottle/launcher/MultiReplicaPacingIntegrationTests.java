package io.ezthrottle.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

/** Three workers, one destination at 10 requests/second for 30 seconds: the pace holds across replicas. */
class MultiReplicaPacingIntegrationTests {

    @Test
    void threeWorkersHoldTenPerSecondForThirtySeconds() {
        try (TestPlatform platform = new TestPlatform(3, "--ezthrottle.pacing.default-rps=10",
                "--ezthrottle.pacing.default-max-concurrent=10");
             HttpStub upstream = new HttpStub(); HttpStub hooks = new HttpStub()) {
            warmUp(platform, hooks);
            int jobs = 301; // 300 intervals of 100 ms = 30 s
            for (int i = 0; i < jobs; i++) {
                var r = platform.post("/api/v1/jobs", """
                        {"url": "%s/p?i=%d", "idempotent_key": "mr-%s-%d", "webhooks": [{"url": "%s/h"}]}
                        """.formatted(upstream.url(), i, UUID.randomUUID(), i, hooks.url()));
                assertThat(r.statusCode()).isEqualTo(201);
            }
            List<HttpStub.Request> arrivals = upstream.awaitCount(jobs, Duration.ofSeconds(60));
            Arrivals a = new Arrivals(arrivals);
            assertThat(a.ratePerSecond()).as("sustained rate").isBetween(9.5, 10.5);
            assertThat(a.maxInWindow(1000)).as("most arrivals in any one-second window; " + a.describeBusiest(1000))
                    .isLessThanOrEqualTo(11);
            for (var worker : platform.workers()) {
                double attempts = worker.getBean(MeterRegistry.class).find("ezthrottle.worker.attempts").counters()
                        .stream().mapToDouble(c -> c.count()).sum();
                assertThat(attempts).as("each replica took part").isGreaterThan(0);
            }
            Await.until(() -> hooks.count() >= jobs + 9, Duration.ofSeconds(30), () -> "webhooks: " + hooks.count());
        }
    }

    /**
     * A few jobs through every worker first: the first request of a fresh HTTP client pays for DNS-resolver and
     * connection set-up, which would compress the first measured gaps without saying anything about pacing.
     */
    private static void warmUp(TestPlatform platform, HttpStub hooks) {
        try (HttpStub warm = new HttpStub()) {
            for (int i = 0; i < 9; i++) {
                platform.post("/api/v1/jobs", """
                        {"url": "%s/w?i=%d", "idempotent_key": "warm-%s", "webhooks": [{"url": "%s/h"}]}
                        """.formatted(warm.url(), i, UUID.randomUUID(), hooks.url()));
            }
            Await.until(() -> hooks.count() >= 9, Duration.ofSeconds(30), () -> "warm-up webhooks " + hooks.count());
        }
    }
}
