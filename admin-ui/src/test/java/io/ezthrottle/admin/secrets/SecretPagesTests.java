package io.ezthrottle.admin.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;

import io.ezthrottle.admin.ConsoleWebTestSupport;
import io.ezthrottle.admin.MovableClock;
import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.secret.WebhookSecrets;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.TestPropertySource;

/** Webhook secrets: masked view, set, rotate with a grace period that ends, delete. */
@TestPropertySource(properties = {"ezthrottle.admin.secrets.grace-period=1h", "ezthrottle.admin.secrets.sweep-interval=1h"})
class SecretPagesTests extends ConsoleWebTestSupport {

    @TestConfiguration(proxyBeanMethods = false)
    static class Time {
        @Bean
        MovableClock clock() {
            return new MovableClock();
        }
    }

    @Autowired
    private TenantStore tenants;
    @Autowired
    private WebhookSecretStore secrets;
    @Autowired
    private GracePeriods grace;
    @Autowired
    private MovableClock clock;

    @Test
    void aGeneratedSecretIsShownOnceAndStoredEncryptedAsPrimary() throws Exception {
        Tenant t = tenant("First Secret");
        MockHttpSession session = new MockHttpSession();
        mvc.perform(post("/secrets/" + t.id() + "/rotate").session(session).with(admin()).with(csrf()))
                .andExpect(status().is3xxRedirection());
        String page = mvc.perform(get("/secrets").session(session).with(admin())).andReturn().getResponse().getContentAsString();
        WebhookSecrets stored = secrets.find(t.id()).block(Duration.ofSeconds(5));
        assertThat(stored.primary()).startsWith("whsec_").hasSizeGreaterThan(40);
        assertThat(stored.secondary()).isNull();
        assertThat(page).contains(stored.primary()).contains(WebhookSecrets.mask(stored.primary()));
        String again = mvc.perform(get("/secrets").session(session).with(admin())).andReturn().getResponse().getContentAsString();
        assertThat(again).doesNotContain(stored.primary()).contains(WebhookSecrets.mask(stored.primary()));
    }

    @Test
    void rotatingKeepsTheOldSecretAsSecondaryUntilTheGracePeriodEnds() throws Exception {
        Tenant t = tenant("Rotating");
        secrets.save(t.id(), new WebhookSecrets("whsec_old_secret_value_1", null)).block(Duration.ofSeconds(5));
        mvc.perform(post("/secrets/" + t.id() + "/rotate").with(admin()).with(csrf()).param("secret", "whsec_new_secret_value_2"))
                .andExpect(status().is3xxRedirection());
        WebhookSecrets rotated = secrets.find(t.id()).block(Duration.ofSeconds(5));
        assertThat(rotated.primary()).isEqualTo("whsec_new_secret_value_2");
        assertThat(rotated.secondary()).isEqualTo("whsec_old_secret_value_1");
        String page = row(t);
        assertThat(page).contains("whse****ue_2").contains("whse****ue_1").contains("UTC")
                .doesNotContain("whsec_new_secret_value_2").doesNotContain("whsec_old_secret_value_1");

        assertThat(grace.sweep().block(Duration.ofSeconds(5))).isZero();
        clock.advance(Duration.ofMinutes(61));
        assertThat(grace.sweep().block(Duration.ofSeconds(5))).isEqualTo(1);
        WebhookSecrets after = secrets.find(t.id()).block(Duration.ofSeconds(5));
        assertThat(after.primary()).isEqualTo("whsec_new_secret_value_2");
        assertThat(after.secondary()).isNull();
    }

    @Test
    void theGracePeriodLeavesANewerRotationAlone() throws Exception {
        Tenant t = tenant("Rotated Twice");
        secrets.save(t.id(), new WebhookSecrets("whsec_first_secret_aaaa", null)).block(Duration.ofSeconds(5));
        mvc.perform(post("/secrets/" + t.id() + "/rotate").with(admin()).with(csrf()).param("secret", "whsec_second_secret_bbbb"))
                .andExpect(status().is3xxRedirection());
        // the tenant rotates again through the API: its new secondary is not the console's to remove
        secrets.save(t.id(), new WebhookSecrets("whsec_third_secret_cccc", "whsec_second_secret_bbbb")).block(Duration.ofSeconds(5));
        clock.advance(Duration.ofHours(2));
        grace.sweep().block(Duration.ofSeconds(5));
        assertThat(secrets.find(t.id()).block(Duration.ofSeconds(5)).secondary()).isEqualTo("whsec_second_secret_bbbb");
    }

    @Test
    void endGraceNowAndDelete() throws Exception {
        Tenant t = tenant("Ending");
        secrets.save(t.id(), new WebhookSecrets("whsec_ending_secret_01", null)).block(Duration.ofSeconds(5));
        mvc.perform(post("/secrets/" + t.id() + "/rotate").with(admin()).with(csrf()).param("secret", "whsec_ending_secret_02"))
                .andExpect(status().is3xxRedirection());
        mvc.perform(post("/secrets/" + t.id() + "/end-grace").with(admin()).with(csrf())).andExpect(status().is3xxRedirection());
        assertThat(secrets.find(t.id()).block(Duration.ofSeconds(5)).secondary()).isNull();
        mvc.perform(post("/secrets/" + t.id() + "/delete").with(admin()).with(csrf())).andExpect(status().is3xxRedirection());
        assertThat(secrets.find(t.id()).block(Duration.ofSeconds(5))).isNull();
        assertThat(row(t)).contains("not set");
    }

    @Test
    void refusesShortOrUnchangedSecrets() throws Exception {
        Tenant t = tenant("Strict");
        mvc.perform(post("/secrets/" + t.id() + "/rotate").with(admin()).with(csrf()).param("secret", "short"))
                .andExpect(status().isBadRequest());
        secrets.save(t.id(), new WebhookSecrets("whsec_same_secret_9999", null)).block(Duration.ofSeconds(5));
        mvc.perform(post("/secrets/" + t.id() + "/rotate").with(admin()).with(csrf()).param("secret", "whsec_same_secret_9999"))
                .andExpect(status().isBadRequest());
    }

    private Tenant tenant(String name) {
        return tenants.create(name, Tier.FREE).block(Duration.ofSeconds(5));
    }

    private String row(Tenant t) throws Exception {
        String page = mvc.perform(get("/secrets").with(user("viewer").roles("VIEWER"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        int at = page.indexOf("data-tenant=\"" + t.id() + "\"");
        assertThat(at).isNotNegative();
        return page.substring(page.lastIndexOf("<tr", at), page.indexOf("</tr>", at));
    }

    private static org.springframework.test.web.servlet.request.RequestPostProcessor admin() {
        return user("admin").roles("ADMIN");
    }
}
