package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import io.ezthrottle.core.tenant.Tier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

/**
 * Tiers, hard caps and {@code GET /api/v1/usage}: exact monthly counting (once per accepted job), 429 at the cap
 * with {@code Retry-After} and {@code retry_at} at the start of next month (UTC), nothing queued, and a fresh count
 * when the month turns.
 */
class UsageIntegrationTests extends CalendarIntegrationSupport {

    private static final String JOBS = "/api/v1/jobs";
    private static final Instant MID_MARCH = Instant.parse("2026-03-15T12:00:00Z");
    private static final Instant END_OF_JANUARY = Instant.parse("2026-01-31T23:59:30Z");
    private static final long FEBRUARY = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();

    @Autowired
    Clock applicationClock;

    @Test
    void usageCountsEachAcceptedJobOnce() {
        requireMovableClock(applicationClock);
        clock.moveTo(MID_MARCH);
        TestTenant tenant = newTenant(Tier.INDIE);
        String base = "https://api.example.com/usage/" + unique();
        String repeated = "{\"url\": \"" + base + "/1\", \"idempotent_key\": \"k-" + unique() + "\"}";

        assertThat(post(JOBS, tenant.apiKey(), repeated).status()).isEqualTo(201);
        assertThat(post(JOBS, tenant.apiKey(), repeated).status()).isEqualTo(200);
        assertThat(post(JOBS, tenant.apiKey(), "{\"url\": \"" + base + "/2\"}").status()).isEqualTo(201);
        assertThat(post(JOBS, tenant.apiKey(), "{\"url\": \"" + base + "/3\", \"method\": \"POST\"}").status()).isEqualTo(201);
        // refused submissions are not counted
        assertThat(post(JOBS, tenant.apiKey(), "{\"url\": 5}").status()).isEqualTo(400);
        assertThat(post(JOBS, tenant.apiKey(), "{\"url\": \"http://10.0.0.1/\"}").status()).isEqualTo(400);

        Reply usage = get("/api/v1/usage", tenant.apiKey());

        assertThat(usage.status()).as(usage.toString()).isEqualTo(200);
        assertThat(usage.json()).isEqualTo(JSON.readTree("""
                {"customer_id": "%s", "tier": "indie", "period": "2026-03",
                 "period_start": %d, "period_end": %d,
                 "used": 3, "included": 2000000, "cap": 5000000, "overage": 0, "remaining": 4999997}"""
                .formatted(tenant.id(), Instant.parse("2026-03-01T00:00:00Z").toEpochMilli(),
                        Instant.parse("2026-04-01T00:00:00Z").toEpochMilli())));
    }

    @Test
    void overageIsCountedPastTheIncludedAmount() {
        clock.moveTo(MID_MARCH);
        TestTenant tenant = newTenant(Tier.INDIE);
        presetUsage(tenant.id(), 1_999_999);

        for (int i = 0; i < 3; i++) {
            assertThat(post(JOBS, tenant.apiKey(), "{\"url\": \"https://api.example.com/over/" + unique() + "\"}")
                    .status()).isEqualTo(201);
        }

        JsonNode usage = get("/api/v1/usage", tenant.apiKey()).json();
        assertThat(usage.get("used").asLong()).isEqualTo(2_000_002);
        assertThat(usage.get("overage").asLong()).isEqualTo(2);
        assertThat(usage.get("remaining").asLong()).isEqualTo(5_000_000 - 2_000_002);
    }

    @Test
    void atTheCapSubmissionsGet429UntilNextMonthAndNothingIsQueued() {
        clock.moveTo(END_OF_JANUARY);
        TestTenant tenant = newTenant(Tier.FREE);
        presetUsage(tenant.id(), 999_999);
        String last = "{\"url\": \"https://api.example.com/cap/" + unique() + "\", \"idempotent_key\": \"last-" + unique() + "\"}";
        String refusedBody = "{\"url\": \"https://api.example.com/cap/" + unique() + "\", \"idempotent_key\": \"over-" + unique() + "\"}";

        Reply lastAccepted = post(JOBS, tenant.apiKey(), last);
        long intake = intakeSize();
        long before = clock.millis();
        Reply refused = post(JOBS, tenant.apiKey(), refusedBody);
        long after = clock.millis();

        assertThat(lastAccepted.status()).isEqualTo(201);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
        assertThat(refused.isJson()).isTrue();
        assertThat(refused.text("error")).contains("cap");
        assertThat(refused.json().get("retry_at").isIntegralNumber()).isTrue();
        assertThat(refused.json().get("retry_at").asLong()).isEqualTo(FEBRUARY);
        assertThat(refused.text("limit_reason")).isEqualTo("plan_cap");
        String retryAfter = refused.headers().getFirst(HttpHeaders.RETRY_AFTER);
        assertThat(retryAfter).matches("\\d+");
        assertThat(Long.parseLong(retryAfter)).isBetween((FEBRUARY - after) / 1000, (FEBRUARY - before + 999) / 1000);
        assertThat(intakeSize()).isEqualTo(intake);
        JsonNode usage = get("/api/v1/usage", tenant.apiKey()).json();
        assertThat(usage.get("used").asLong()).isEqualTo(1_000_000);
        assertThat(usage.get("remaining").asLong()).isZero();

        // a repeat of a job that was accepted is still answered, and costs nothing
        Reply duplicate = post(JOBS, tenant.apiKey(), last);
        assertThat(duplicate.status()).isEqualTo(200);
        assertThat(duplicate.text("job_id")).isEqualTo(lastAccepted.text("job_id"));

        // February: the refused key was never taken, so the same submission is a new job in the new month
        clock.moveTo(Instant.ofEpochMilli(FEBRUARY + 5_000));
        Reply nextMonth = post(JOBS, tenant.apiKey(), refusedBody);
        assertThat(nextMonth.status()).as(nextMonth.toString()).isEqualTo(201);
        JsonNode february = get("/api/v1/usage", tenant.apiKey()).json();
        assertThat(february.get("period").asString()).isEqualTo("2026-02");
        assertThat(february.get("used").asLong()).isEqualTo(1);
    }

    @Test
    void anUpgradeLiftsTheCapWithTheNextRequest() {
        clock.moveTo(MID_MARCH);
        TestTenant tenant = newTenant(Tier.FREE);
        presetUsage(tenant.id(), 1_000_000);
        String body = "{\"url\": \"https://api.example.com/upgrade/" + unique() + "\"}";
        assertThat(post(JOBS, tenant.apiKey(), body).status()).isEqualTo(429);

        tenants.upsert(tenant.id(), "upgraded", Tier.INDIE).block();

        Reply accepted = post(JOBS, tenant.apiKey(), body);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(201);
        JsonNode usage = get("/api/v1/usage", tenant.apiKey()).json();
        assertThat(usage.get("used").asLong()).isEqualTo(1_000_001);
        assertThat(usage.get("overage").asLong()).isZero();
    }

    @Test
    void theCapIsExactUnderConcurrency() {
        clock.moveTo(MID_MARCH);
        TestTenant tenant = newTenant(Tier.FREE);
        presetUsage(tenant.id(), 1_000_000 - 10);
        WebClient web = reactiveClient(port);
        long intake = intakeSize();

        List<Reply> replies = concurrently(50, i -> postAsync(web, JOBS, tenant.apiKey(),
                "{\"url\": \"https://api.example.com/race/" + unique() + "\"}"));

        assertThat(replies).extracting(Reply::status).containsOnly(201, 429);
        assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(10);
        assertThat(intakeSize()).isEqualTo(intake + 10);
        assertThat(get("/api/v1/usage", tenant.apiKey()).json().get("used").asLong()).isEqualTo(1_000_000);
    }

    @Test
    void eachTenantSeesOnlyItsOwnUsage() {
        clock.moveTo(MID_MARCH);
        TestTenant busy = newTenant(Tier.GROWTH);
        TestTenant quiet = newTenant(Tier.GROWTH);
        presetUsage(busy.id(), 7_000_000);

        assertThat(get("/api/v1/usage", busy.apiKey()).json().get("used").asLong()).isEqualTo(7_000_000);
        assertThat(get("/api/v1/usage", busy.apiKey()).json().get("overage").asLong()).isEqualTo(2_000_000);
        assertThat(get("/api/v1/usage", quiet.apiKey()).json().get("used").asLong()).isZero();
        assertThat(get("/api/v1/usage", quiet.apiKey()).text("customer_id")).isEqualTo(quiet.id());
        assertThat(get("/api/v1/usage", null).status()).isEqualTo(401);
    }
}
