package io.ezthrottle.admin.tiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;

import io.ezthrottle.admin.ConsoleWebTestSupport;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.core.usage.UsageMeter;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;

/** Usage against tiers: the bar, overage, days to reset, the near-cap highlight, and assigning a tier. */
class TierPagesTests extends ConsoleWebTestSupport {

    @Autowired
    private TenantStore tenants;
    @Autowired
    private UsageMeter usage;
    @Autowired
    private RedissonReactiveClient redis;

    @Test
    void highlightsTenantsNearOrAtTheirCapAndShowsOverage() throws Exception {
        Tenant near = tenant("Near Co", Tier.FREE, 900_000);
        Tenant at = tenant("Full Co", Tier.FREE, 1_000_000);
        Tenant over = tenant("Over Co", Tier.INDIE, 3_000_000);
        Tenant calm = tenant("Calm Co", Tier.PRO, 10);

        String page = page();
        assertThat(row(page, near)).contains("near-cap").contains("near cap").contains("900,000");
        assertThat(row(page, at)).contains("at-cap").contains("at cap");
        assertThat(row(page, over)).doesNotContain("near-cap").contains("3,000,000")
                // included 2,000,000 of INDIE: one million over
                .contains("<td class=\"overage\">1,000,000</td>").contains("width: 60.0%");
        assertThat(row(page, calm)).doesNotContain("near-cap").doesNotContain("at-cap")
                .contains("<td class=\"overage\">0</td>");
        long days = (usage.currentPeriod().endMillis() - System.currentTimeMillis() + 86_399_999L) / 86_400_000L;
        assertThat(row(page, calm)).contains(days + " day");
    }

    @Test
    void assignsATier() throws Exception {
        Tenant t = tenant("Upgrade Co", Tier.FREE, 950_000);
        assertThat(row(page(), t)).contains("near-cap");
        mvc.perform(post("/tiers/" + t.id()).with(user("admin").roles("ADMIN")).with(csrf()).param("tier", "growth"))
                .andExpect(status().is3xxRedirection());
        assertThat(tenants.find(t.id()).block(Duration.ofSeconds(5)).tier()).isEqualTo(Tier.GROWTH);
        assertThat(row(page(), t)).doesNotContain("near-cap").contains("<option value=\"growth\" selected=\"selected\">");
        mvc.perform(post("/tiers/" + t.id()).with(user("admin").roles("ADMIN")).with(csrf()).param("tier", "gold"))
                .andExpect(status().isBadRequest());
        mvc.perform(post("/tiers/cust_missing").with(user("admin").roles("ADMIN")).with(csrf()).param("tier", "pro"))
                .andExpect(status().isNotFound());
    }

    private Tenant tenant(String name, Tier tier, long used) {
        Tenant t = tenants.create(name, tier).block(Duration.ofSeconds(5));
        redis.getBucket(usage.counterKey(t.id(), usage.currentPeriod()), StringCodec.INSTANCE).set(Long.toString(used))
                .block(Duration.ofSeconds(5));
        return t;
    }

    private String page() throws Exception {
        return mvc.perform(get("/tiers").with(user("admin").roles("ADMIN"))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
    }

    private static String row(String page, Tenant t) {
        int at = page.indexOf("data-tenant=\"" + t.id() + "\"");
        assertThat(at).as("row of " + t.name()).isNotNegative();
        int start = page.lastIndexOf("<tr", at);
        return page.substring(start, page.indexOf("</tr>", at));
    }
}
