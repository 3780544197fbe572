package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.ezthrottle.testsupport.Await;
import org.junit.jupiter.api.Test;

/** A repeat is a duplicate while the window lasts and a new job once it has passed (here 2 s instead of 24 h). */
class IdempotencyWindowIntegrationTests extends ShortWindowIntegrationSupport {

    @Test
    void repeatWithinTheWindowIsADuplicateAndAfterItANewJob() {
        TestTenant tenant = newTenant();
        String body = """
                {"url": "https://api.example.com/expiring/%s", "idempotent_key": "expiring-%s"}""".formatted(unique(), unique());
        Reply first = post("/api/v1/jobs", tenant.apiKey(), body);
        Reply within = post("/api/v1/jobs", tenant.apiKey(), body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(within.status()).isEqualTo(200);
        assertThat(within.text("job_id")).isEqualTo(first.text("job_id"));

        AtomicReference<Reply> later = new AtomicReference<>();
        Await.until(() -> {
            later.set(post("/api/v1/jobs", tenant.apiKey(), body));
            return later.get().status() != 200;
        }, Duration.ofSeconds(10), () -> "still a duplicate: " + later.get());

        assertThat(later.get().status()).as(later.get().toString()).isEqualTo(201);
        assertThat(later.get().text("job_id")).isNotEqualTo(first.text("job_id"));
        assertThat(get("/api/v1/usage", tenant.apiKey()).json().get("used").asLong()).isEqualTo(2);
    }
}
