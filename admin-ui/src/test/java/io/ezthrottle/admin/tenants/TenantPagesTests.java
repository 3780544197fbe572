package io.ezthrottle.admin.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.List;

import io.ezthrottle.admin.ConsoleWebTestSupport;
import io.ezthrottle.core.tenant.ApiKeyInfo;
import io.ezthrottle.core.tenant.ApiKeyStore;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;

/** Tenants and keys through the console, checked against the real stores in Redis. */
class TenantPagesTests extends ConsoleWebTestSupport {

    @Autowired
    private TenantStore tenants;
    @Autowired
    private ApiKeyStore keys;

    @Test
    void createsATenantWithTheChosenTier() throws Exception {
        MvcResult created = mvc.perform(post("/tenants").with(admin()).with(csrf()).param("name", "Acme Rockets")
                .param("tier", "growth")).andExpect(status().is3xxRedirection()).andReturn();
        String id = created.getResponse().getRedirectedUrl().substring("/tenants/".length());
        Tenant tenant = tenants.find(id).block(Duration.ofSeconds(5));
        assertThat(tenant.name()).isEqualTo("Acme Rockets");
        assertThat(tenant.tier()).isEqualTo(Tier.GROWTH);
        String page = page("/tenants/" + id);
        assertThat(page).contains("Acme Rockets").contains(id).contains("growth");
    }

    @Test
    void refusesAnUnknownTierOrAnEmptyName() throws Exception {
        mvc.perform(post("/tenants").with(admin()).with(csrf()).param("name", "X").param("tier", "platinum"))
                .andExpect(status().isBadRequest());
        mvc.perform(post("/tenants").with(admin()).with(csrf()).param("name", "  ").param("tier", "free"))
                .andExpect(status().isBadRequest());
    }

    @Test
    void anIssuedKeyIsShownOnceAndWorksUntilRevoked() throws Exception {
        Tenant tenant = tenants.create("Keyed", Tier.FREE).block(Duration.ofSeconds(5));
        MockHttpSession session = new MockHttpSession();
        mvc.perform(post("/tenants/" + tenant.id() + "/keys").session(session).with(admin()).with(csrf())
                .param("label", "production")).andExpect(status().is3xxRedirection());

        String first = mvc.perform(get("/tenants/" + tenant.id()).session(session).with(admin()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        List<ApiKeyInfo> listed = keys.list(tenant.id()).collectList().block(Duration.ofSeconds(5));
        assertThat(listed).hasSize(1);
        String apiKey = valueOf(first, "issued-key-value");
        assertThat(apiKey).startsWith(listed.get(0).prefix());
        assertThat(tenants.authenticate(apiKey).block(Duration.ofSeconds(5))).isEqualTo(tenant);
        assertThat(first).contains("production").contains(listed.get(0).prefix() + "…").contains("Copy");

        String second = mvc.perform(get("/tenants/" + tenant.id()).session(session).with(admin()))
                .andReturn().getResponse().getContentAsString();
        assertThat(second).doesNotContain(apiKey).contains(listed.get(0).prefix() + "…");

        mvc.perform(post("/tenants/" + tenant.id() + "/keys/" + listed.get(0).id() + "/revoke").with(admin()).with(csrf()))
                .andExpect(status().is3xxRedirection());
        assertThat(tenants.authenticate(apiKey).block(Duration.ofSeconds(5))).isNull();
        assertThat(keys.list(tenant.id()).collectList().block(Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void searchFindsTenantsByNameIdAndKeyPrefix() throws Exception {
        Tenant wanted = tenants.create("Zebra Logistics", Tier.INDIE).block(Duration.ofSeconds(5));
        Tenant other = tenants.create("Yak Shipping", Tier.INDIE).block(Duration.ofSeconds(5));
        String key = keys.issue(wanted.id(), "").block(Duration.ofSeconds(5)).apiKey();

        assertThat(page("/tenants?q=zebra")).contains(wanted.id()).doesNotContain(other.id());
        assertThat(page("/tenants?q=" + wanted.id())).contains(wanted.id()).doesNotContain(other.id());
        assertThat(page("/tenants?q=" + key.substring(0, 12))).contains(wanted.id()).doesNotContain(other.id());
        // the whole key pasted in finds its tenant too, and the page never shows more than the prefix
        assertThat(page("/tenants?q=" + key)).contains(wanted.id()).doesNotContain(key);
        assertThat(page("/tenants")).contains(wanted.id()).contains(other.id());
    }

    @Test
    void aViewerSeesTenantsWithoutForms() throws Exception {
        Tenant tenant = tenants.create("Viewed", Tier.FREE).block(Duration.ofSeconds(5));
        keys.issue(tenant.id(), "ci").block(Duration.ofSeconds(5));
        String list = mvc.perform(get("/tenants").with(user("viewer").roles("VIEWER"))).andReturn().getResponse().getContentAsString();
        assertThat(list).contains("Viewed").doesNotContain("id=\"create-tenant\"");
        String one = mvc.perform(get("/tenants/" + tenant.id()).with(user("viewer").roles("VIEWER"))).andReturn().getResponse()
                .getContentAsString();
        assertThat(one).contains("ci").doesNotContain("id=\"issue-key\"").doesNotContain("Revoke");
    }

    @Test
    void anUnknownTenantIsNotFound() throws Exception {
        mvc.perform(get("/tenants/cust_nobody").with(admin())).andExpect(status().isNotFound());
        mvc.perform(get("/tenants/{id}", "bad id!").with(admin())).andExpect(status().isNotFound());
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(admin())).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private static org.springframework.test.web.servlet.request.RequestPostProcessor admin() {
        return user("admin").roles("ADMIN");
    }

    /** The value attribute of the input with this id. */
    static String valueOf(String page, String id) {
        int at = page.indexOf("id=\"" + id + "\"");
        assertThat(at).as("page has #" + id).isNotNegative();
        int tagStart = page.lastIndexOf('<', at);
        String tag = page.substring(tagStart, page.indexOf('>', at));
        int v = tag.indexOf("value=\"") + 7;
        return tag.substring(v, tag.indexOf('"', v));
    }
}
