package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * The admin REST API ({@code /admin/api/...}) as the console uses it: tenants, keys and tiers behind the admin
 * credentials; keys shown once, listed by prefix, revoked at once; tier changes move the cap.
 */
class AdminApiIntegrationTests extends ApiIntegrationSupport {

    private static final String TENANTS = "/admin/api/tenants";

    @Test
    void everyAdminRouteNeedsTheAdminCredentials() {
        String wrongPassword = java.util.Base64.getEncoder().encodeToString((ADMIN_USER + ":nope").getBytes());
        String wrongUser = java.util.Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes());
        for (String path : List.of(TENANTS, TENANTS + "/" + BOOTSTRAP_TENANT, TENANTS + "/" + BOOTSTRAP_TENANT + "/keys",
                "/admin/api/tiers")) {
            List<Reply> refused = new ArrayList<>();
            refused.add(get(path, null));
            // a tenant's API key is no admin credential
            refused.add(get(path, BOOTSTRAP_KEY));
            refused.add(send(HttpMethod.GET, path, null, null, java.util.Map.of(HttpHeaders.AUTHORIZATION, "Basic " + wrongPassword)));
            refused.add(send(HttpMethod.GET, path, null, null, java.util.Map.of(HttpHeaders.AUTHORIZATION, "Basic " + wrongUser)));
            refused.add(send(HttpMethod.GET, path, null, null, java.util.Map.of(HttpHeaders.AUTHORIZATION, "Basic !!notbase64")));
            for (Reply reply : refused) {
                assertThat(reply.status()).as("%s -> %s", path, reply).isEqualTo(401);
                assertThat(reply.isJson()).isTrue();
                assertThat(reply.headers().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Basic");
            }
        }
        assertThat(post(TENANTS, BOOTSTRAP_KEY, "{\"name\": \"sneaky\"}").status()).isEqualTo(401);
    }

    @Test
    void createdTenantGetsAKeyShownOnceThatWorksAtOnce() {
        Reply created = admin(HttpMethod.POST, TENANTS, """
                {"name": "Acme Corp", "tier": "indie", "key_label": "production"}""");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.text("id");
        String apiKey = created.text("api_key");
        assertThat(id).matches("cust_[a-z0-9]{20}");
        assertThat(apiKey).matches("ezt_live_[A-Za-z0-9]{32}");
        assertThat(created.text("tier")).isEqualTo("indie");
        assertThat(created.json().get("included").asLong()).isEqualTo(2_000_000);
        assertThat(created.json().get("cap").asLong()).isEqualTo(5_000_000);
        assertThat(created.json().path("key").path("prefix").asString()).isEqualTo(apiKey.substring(0, 12));
        assertThat(created.json().path("key").path("label").asString()).isEqualTo("production");

        Reply usage = get("/api/v1/usage", apiKey);
        assertThat(usage.status()).as(usage.toString()).isEqualTo(200);
        assertThat(usage.text("customer_id")).isEqualTo(id);
        assertThat(usage.text("tier")).isEqualTo("indie");

        // afterwards the key is never shown again, only its prefix
        Reply shown = admin(HttpMethod.GET, TENANTS + "/" + id, null);
        Reply keys = admin(HttpMethod.GET, TENANTS + "/" + id + "/keys", null);
        Reply all = admin(HttpMethod.GET, TENANTS, null);
        for (Reply reply : List.of(shown, keys, all)) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.raw()).doesNotContain(apiKey).doesNotContain("api_key");
        }
        assertThat(shown.text("name")).isEqualTo("Acme Corp");
        assertThat(shown.json().path("keys").get(0).path("prefix").asString()).isEqualTo(apiKey.substring(0, 12));
        assertThat(shown.json().path("usage").path("used").asLong()).isZero();
        assertThat(all.json().path("tenants").valueStream().map(t -> t.path("id").asString())).contains(id);
    }

    @Test
    void severalKeysPerTenantAndARevokedKeyIsRefusedOnTheNextRequest() {
        Reply created = admin(HttpMethod.POST, TENANTS, "{\"name\": \"Keys Inc\"}");
        String id = created.text("id");
        String first = created.text("api_key");
        Reply issued = admin(HttpMethod.POST, TENANTS + "/" + id + "/keys", "{\"label\": \"ci\"}");
        Reply unlabeled = admin(HttpMethod.POST, TENANTS + "/" + id + "/keys", null);
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        assertThat(unlabeled.status()).as(unlabeled.toString()).isEqualTo(201);
        String second = issued.text("api_key");
        assertThat(second).isNotEqualTo(first);

        JsonNode listed = admin(HttpMethod.GET, TENANTS + "/" + id + "/keys", null).json().path("keys");
        assertThat(listed.size()).isEqualTo(3);
        assertThat(listed.valueStream().map(k -> k.path("label").asString())).contains("ci", "");
        for (String key : List.of(first, second, unlabeled.text("api_key"))) {
            assertThat(get("/api/v1/usage", key).status()).isEqualTo(200);
        }

        Reply revoked = admin(HttpMethod.DELETE, TENANTS + "/" + id + "/keys/" + issued.text("id"), null);

        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.text("status")).isEqualTo("revoked");
        Reply refused = get("/api/v1/usage", second);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
        assertThat(post("/api/v1/jobs", second, "{\"url\": \"https://api.example.com/revoked\"}").status()).isEqualTo(401);
        assertThat(get("/api/v1/usage", first).status()).isEqualTo(200);
        assertThat(admin(HttpMethod.GET, TENANTS + "/" + id + "/keys", null).json().path("keys").size()).isEqualTo(2);
        assertThat(admin(HttpMethod.DELETE, TENANTS + "/" + id + "/keys/" + issued.text("id"), null).status()).isEqualTo(404);
    }

    @Test
    void tierChangeMovesIncludedAndCapFromTheNextRequestOn() {
        Reply created = admin(HttpMethod.POST, TENANTS, "{\"name\": \"Grower\"}");
        String id = created.text("id");
        assertThat(created.text("tier")).isEqualTo("free");
        assertThat(get("/api/v1/usage", created.text("api_key")).json().get("cap").asLong()).isEqualTo(1_000_000);

        Reply patched = admin(HttpMethod.PATCH, TENANTS + "/" + id, "{\"tier\": \"PRO\", \"name\": \"Grown\"}");

        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.text("tier")).isEqualTo("pro");
        assertThat(patched.text("name")).isEqualTo("Grown");
        Reply usage = get("/api/v1/usage", created.text("api_key"));
        assertThat(usage.text("tier")).isEqualTo("pro");
        assertThat(usage.json().get("included").asLong()).isEqualTo(10_000_000);
        assertThat(usage.json().get("cap").asLong()).isEqualTo(25_000_000);
        assertThat(admin(HttpMethod.GET, TENANTS + "/" + id + "/usage", null).json().get("cap").asLong())
                .isEqualTo(25_000_000);
    }

    @Test
    void tiersAreThePricingTable() {
        Reply tiers = admin(HttpMethod.GET, "/admin/api/tiers", null);

        assertThat(tiers.status()).isEqualTo(200);
        assertThat(tiers.json()).isEqualTo(JSON.readTree("""
                {"tiers": [
                  {"tier": "free", "included": 1000000, "cap": 1000000},
                  {"tier": "indie", "included": 2000000, "cap": 5000000},
                  {"tier": "growth", "included": 5000000, "cap": 10000000},
                  {"tier": "pro", "included": 10000000, "cap": 25000000}]}"""));
    }

    @Test
    void deletedTenantsKeysStopWorking() {
        Reply created = admin(HttpMethod.POST, TENANTS, "{\"name\": \"Short-lived\"}");
        String id = created.text("id");
        assertThat(post("/api/v1/webhook-secrets", created.text("api_key"),
                "{\"primary_secret\": \"0123456789abcdef-secret\"}").status()).isEqualTo(200);

        Reply deleted = admin(HttpMethod.DELETE, TENANTS + "/" + id, null);

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(get("/api/v1/usage", created.text("api_key")).status()).isEqualTo(401);
        assertThat(admin(HttpMethod.GET, TENANTS + "/" + id, null).status()).isEqualTo(404);
        assertThat(admin(HttpMethod.DELETE, TENANTS + "/" + id, null).status()).isEqualTo(404);
        assertThat(redisson.getMap(keys.webhookSecrets(id)).isExists()).isFalse();
    }

    @Test
    void invalidAdminRequestsAre4xxNamingTheField() {
        Reply noName = admin(HttpMethod.POST, TENANTS, "{\"tier\": \"free\"}");
        Reply badTier = admin(HttpMethod.POST, TENANTS, "{\"name\": \"x\", \"tier\": \"platinum\"}");
        Reply nameNotString = admin(HttpMethod.POST, TENANTS, "{\"name\": 42}");
        Reply notJson = admin(HttpMethod.POST, TENANTS, "name=x");
        Reply badPatch = admin(HttpMethod.PATCH, TENANTS + "/" + BOOTSTRAP_TENANT, "{\"tier\": 3}");
        Reply unknownTenant = admin(HttpMethod.GET, TENANTS + "/cust_does_not_exist", null);
        Reply strangeId = admin(HttpMethod.GET, TENANTS + "/%7Bevil%7D", null);
        Reply unknownTenantKeys = admin(HttpMethod.POST, TENANTS + "/cust_does_not_exist/keys", null);

        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.text("field")).isEqualTo("name");
        assertThat(badTier.status()).isEqualTo(400);
        assertThat(badTier.text("field")).isEqualTo("tier");
        assertThat(badTier.text("error")).contains("free, indie, growth, pro");
        assertThat(nameNotString.text("field")).isEqualTo("name");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(badPatch.status()).isEqualTo(400);
        assertThat(badPatch.text("field")).isEqualTo("tier");
        for (Reply reply : List.of(unknownTenant, strangeId, unknownTenantKeys)) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
            assertThat(reply.isJson()).isTrue();
        }
        assertThat(get("/api/v1/usage", BOOTSTRAP_KEY).text("tier")).isEqualTo("pro");
    }
}
