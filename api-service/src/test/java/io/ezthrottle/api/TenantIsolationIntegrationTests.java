package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.ezthrottle.core.delivery.DeadLetter;
import io.ezthrottle.core.delivery.DeadLetterStore;
import io.ezthrottle.core.job.Surface;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * One tenant can never see or touch another's jobs, secrets, usage or dead letters, directly or through the SDK
 * proxy; and what it cannot see looks exactly like what does not exist.
 */
class TenantIsolationIntegrationTests extends ApiIntegrationSupport {

    private static final String SECRET = "isolation-secret-0123456789";

    @Autowired
    DeadLetterStore deadLetters;

    @Test
    void anotherTenantsJobIsInvisibleDirectlyAndThroughTheProxy() {
        TestTenant owner = newTenant();
        TestTenant other = newTenant();
        String url = "https://api.example.com/private/" + unique();
        String jobId = post("/api/v1/jobs", owner.apiKey(), "{\"url\": \"" + url + "\"}").text("job_id");

        Reply direct = get("/api/v1/jobs/" + jobId, other.apiKey());
        JsonNode proxied = proxy(other, "/api/v1/jobs/" + jobId, "GET", "");

        assertThat(direct.status()).isEqualTo(404);
        assertThat(direct.json()).isEqualTo(get("/api/v1/jobs/job_1_1", other.apiKey()).json());
        assertThat(direct.raw()).doesNotContain(url);
        assertThat(proxied.get("status_code").asInt()).isEqualTo(404);
        assertThat(proxied.toString()).doesNotContain(url);
        assertThat(get("/api/v1/jobs/" + jobId, owner.apiKey()).status()).isEqualTo(200);
    }

    @Test
    void secretsAndUsageAreEachTenantsOwn() {
        TestTenant owner = newTenant();
        TestTenant other = newTenant();
        post("/api/v1/webhook-secrets", owner.apiKey(), "{\"primary_secret\": \"" + SECRET + "\"}");
        post("/api/v1/jobs", owner.apiKey(), "{\"url\": \"https://api.example.com/u/" + unique() + "\"}");

        JsonNode theirSecrets = proxy(other, "/api/v1/webhook-secrets", "GET", "");
        JsonNode deletedTheirs = proxy(other, "/api/v1/webhook-secrets", "DELETE", "");

        assertThat(theirSecrets.get("status_code").asInt()).isEqualTo(404);
        assertThat(deletedTheirs.get("status_code").asInt()).isEqualTo(200);
        assertThat(get("/api/v1/webhook-secrets", owner.apiKey()).status()).isEqualTo(200);
        assertThat(get("/api/v1/usage", owner.apiKey()).json().get("used").asLong()).isEqualTo(1);
        assertThat(get("/api/v1/usage", other.apiKey()).json().get("used").asLong()).isZero();
    }

    @Test
    void anotherTenantsDeadLettersCannotBeReadReplayedOrDiscarded() {
        TestTenant owner = newTenant();
        TestTenant other = newTenant();
        long now = System.currentTimeMillis();
        String id = deadLetters.add(new DeadLetter(null, owner.id(), "job_1_2", 0, "https://hooks.example.com/w", true,
                Surface.CLOUD, 5, now - 10_000, now, 500, "HTTP 500", "{\"job_id\":\"job_1_2\"}"), 100, Duration.ofDays(1))
                .block(Duration.ofSeconds(10));

        List<Reply> refused = List.of(
                get("/api/v1/dead-letters/" + id, other.apiKey()),
                post("/api/v1/dead-letters/" + id + "/replay", other.apiKey(), null),
                delete("/api/v1/dead-letters/" + id, other.apiKey()));
        Reply theirList = get("/api/v1/dead-letters", other.apiKey());

        for (Reply reply : refused) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
        }
        assertThat(theirList.status()).isEqualTo(200);
        assertThat(theirList.raw()).doesNotContain(id).doesNotContain("hooks.example.com");
        assertThat(get("/api/v1/dead-letters/" + id, owner.apiKey()).status()).isEqualTo(200);
    }

    @Test
    void aTenantKeyOpensNoAdminRoute() {
        TestTenant tenant = newTenant();
        for (String path : List.of("/admin/api/tenants", "/admin/api/tenants/" + tenant.id(),
                "/admin/api/tenants/" + tenant.id() + "/keys", "/admin/api/tiers")) {
            assertThat(send(HttpMethod.GET, path, tenant.apiKey(), null).status()).as(path).isEqualTo(401);
        }
    }

    private JsonNode proxy(TestTenant tenant, String path, String method, String body) {
        String envelope = JSON.createObjectNode().put("scope", "customer").put("metric_name", "")
                .put("target_url", "https://ezthrottle.fly.dev" + path).put("method", method).put("body", body)
                .toString();
        Reply reply = post("/api/v1/proxy", tenant.apiKey(), envelope);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().get("forwarded_response");
    }
}
