package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Two API replicas on one Redis, as deployed: a key revoked through one is refused by the other at once, and the
 * monthly cap and idempotency hold exactly when submissions are spread over both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoReplicasIntegrationTests extends ApiIntegrationSupport {

    private ConfigurableApplicationContext second;
    private int secondPort;

    @BeforeAll
    void startSecondReplica() {
        second = new SpringApplicationBuilder(ApiApplication.class).web(WebApplicationType.REACTIVE).run(
                "--server.port=0",
                "--ezthrottle.redis.url=" + RedisTestServer.shared().url(),
                "--ezthrottle.bootstrap-api-key=" + BOOTSTRAP_KEY,
                "--ezthrottle.egress.allow=",
                "--ezthrottle.admin.user=" + ADMIN_USER,
                "--ezthrottle.admin.password=" + ADMIN_PASSWORD);
        secondPort = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    void stopSecondReplica() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void aKeyRevokedOnOneReplicaIsRefusedByTheOtherWithinASecond() {
        Reply created = admin(HttpMethod.POST, "/admin/api/tenants", "{\"name\": \"replicated\"}");
        String key = created.text("api_key");
        WebClient other = reactiveClient(secondPort);
        assertThat(status(other, key)).isEqualTo(200);

        Reply revoked = admin(HttpMethod.DELETE,
                "/admin/api/tenants/" + created.text("id") + "/keys/" + created.json().path("key").path("id").asString(), null);
        assertThat(revoked.status()).isEqualTo(200);

        Await.until(() -> status(other, key) == 401, Duration.ofSeconds(1), () -> "key still accepted by replica 2");
        // and it stays refused: nothing is cached that could bring it back
        for (int i = 0; i < 5; i++) {
            assertThat(status(other, key)).isEqualTo(401);
        }
    }

    @Test
    void theCapIsExactAcrossReplicas() {
        TestTenant tenant = newTenant(Tier.FREE);
        presetUsage(tenant.id(), 1_000_000 - 10);
        List<WebClient> replicas = List.of(reactiveClient(port), reactiveClient(secondPort));

        List<Reply> replies = concurrently(50, i -> postAsync(replicas.get(i % 2), "/api/v1/jobs", tenant.apiKey(),
                "{\"url\": \"https://api.example.com/replicas/" + unique() + "\"}"));

        assertThat(replies).extracting(Reply::status).containsOnly(201, 429);
        assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(10);
        assertThat(get("/api/v1/usage", tenant.apiKey()).json().get("used").asLong()).isEqualTo(1_000_000);
    }

    @Test
    void oneKeyMakesOneJobAcrossReplicas() {
        TestTenant tenant = newTenant();
        String body = "{\"url\": \"https://api.example.com/replicas/" + unique() + "\", \"idempotent_key\": \"r-" + unique() + "\"}";
        List<WebClient> replicas = List.of(reactiveClient(port), reactiveClient(secondPort));

        List<Reply> replies = concurrently(50, i -> postAsync(replicas.get(i % 2), "/api/v1/jobs", tenant.apiKey(), body));

        assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(49);
        assertThat(replies.stream().map(r -> r.text("job_id")).collect(Collectors.toSet())).hasSize(1);
        assertThat(intakeEntriesFor(replies.get(0).text("job_id"))).isEqualTo(1);
        assertThat(get("/api/v1/usage", tenant.apiKey()).json().get("used").asLong()).isEqualTo(1);
    }

    private static int status(WebClient replica, String apiKey) {
        return replica.get().uri("/api/v1/usage").header("Authorization", "Bearer " + apiKey)
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                .block(Duration.ofSeconds(10));
    }
}
