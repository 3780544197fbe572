package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/** Without {@code EZTHROTTLE_ADMIN_PASSWORD} the admin API does not exist, whatever credentials are sent. */
class AdminApiDisabledIntegrationTests extends ShortWindowIntegrationSupport {

    @Test
    void adminApiAnswers404WithoutAConfiguredPassword() {
        for (Reply reply : new Reply[] {
                admin(HttpMethod.GET, "/admin/api/tenants", null),
                admin(HttpMethod.POST, "/admin/api/tenants", "{\"name\": \"x\"}"),
                get("/admin/api/tiers", null)}) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
            assertThat(reply.isJson()).isTrue();
            assertThat(reply.text("error")).contains("EZTHROTTLE_ADMIN_PASSWORD");
        }
        // the tenant API is unaffected
        assertThat(get("/api/v1/usage", BOOTSTRAP_KEY).status()).isEqualTo(200);
    }
}
