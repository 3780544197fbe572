package io.ezthrottle.api.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.ezthrottle.api.stream.ApiDeliveryIntegrationSupport;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/webhook-settings}: the per-tenant choice of signature headers. */
class WebhookSettingsIntegrationTests extends ApiDeliveryIntegrationSupport {

    private static final String SETTINGS = "/api/v1/webhook-settings";

    @Test
    void defaultsToTheEzthrottleSignatureAndCanChooseStandardWebhooksOrBoth() {
        TestTenant tenant = newTenant();
        TestTenant other = newTenant();

        Reply initial = get(SETTINGS, tenant.apiKey());
        assertThat(initial.status()).isEqualTo(200);
        assertThat(initial.text("signature_scheme")).isEqualTo("ezthrottle");
        assertThat(initial.text("customer_id")).isEqualTo(tenant.id());

        Reply standard = send("PUT", SETTINGS, tenant.apiKey(), "{\"signature_scheme\": \"standard_webhooks\"}");
        assertThat(standard.status()).as(standard.toString()).isEqualTo(200);
        assertThat(get(SETTINGS, tenant.apiKey()).text("signature_scheme")).isEqualTo("standard_webhooks");

        assertThat(post(SETTINGS, tenant.apiKey(), "{\"signature_scheme\": \"both\"}").text("signature_scheme")).isEqualTo("both");
        assertThat(get(SETTINGS, tenant.apiKey()).text("signature_scheme")).isEqualTo("both");
        assertThat(get(SETTINGS, other.apiKey()).text("signature_scheme")).as("per tenant").isEqualTo("ezthrottle");
    }

    @Test
    void refusesUnknownSchemes() {
        TestTenant tenant = newTenant();
        Reply unknown = send("PUT", SETTINGS, tenant.apiKey(), "{\"signature_scheme\": \"md5\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text("error")).contains("signature_scheme");
        assertThat(send("PUT", SETTINGS, tenant.apiKey(), "{}").status()).isEqualTo(400);
        assertThat(get(SETTINGS, tenant.apiKey()).text("signature_scheme")).isEqualTo("ezthrottle");
        assertThat(get(SETTINGS, null).status()).isEqualTo(401);
    }
}
