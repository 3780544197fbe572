package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The OpenAPI description and Swagger UI are served, without an API key, and describe the public surface. */
class OpenApiIntegrationTests extends ApiIntegrationSupport {

    @Test
    void apiDocsDescribeTheTenantAndAdminEndpoints() {
        Reply docs = get("/v3/api-docs", null);

        assertThat(docs.status()).as(docs.toString()).isEqualTo(200);
        assertThat(docs.json().get("openapi").asString()).startsWith("3.");
        assertThat(docs.json().path("info").path("title").asString()).isEqualTo("EZThrottle API");
        var paths = docs.json().get("paths");
        for (String path : List.of("/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/proxy", "/api/v1/usage",
                "/api/v1/webhook-secrets", "/admin/api/tenants", "/admin/api/tenants/{id}",
                "/admin/api/tenants/{tenantId}/keys", "/admin/api/tenants/{tenantId}/keys/{keyId}", "/admin/api/tiers")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        assertThat(paths.path("/api/v1/jobs").path("post").path("responses").has("429")).isTrue();
        assertThat(docs.json().path("components").path("securitySchemes").has("apiKey")).isTrue();
        assertThat(docs.json().path("components").path("securitySchemes").path("admin").path("scheme").asString())
                .isEqualTo("basic");
    }

    @Test
    void swaggerUiIsServed() {
        Reply ui = reply(client.get().uri("/webjars/swagger-ui/index.html").exchange()
                .expectBody(String.class).returnResult());
        Reply entry = reply(client.get().uri("/swagger-ui.html").exchange().expectBody(String.class).returnResult());

        assertThat(ui.status()).as(ui.toString()).isEqualTo(200);
        assertThat(ui.raw()).contains("swagger-ui");
        assertThat(entry.status()).isIn(200, 302);
    }
}
