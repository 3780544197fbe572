package io.ezthrottle.admin.tenants;

import java.util.Arrays;
import java.util.List;

import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.admin.web.ConsoleErrors;
import io.ezthrottle.core.tenant.ApiKeyStore;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.core.usage.UsageMeter;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Tenants: search, create, and one tenant's page (its keys, usage and links to its secrets). */
@Controller
class TenantController {

    static final int MAX_NAME = 100;

    private final TenantStore tenants;
    private final TenantSearch search;
    private final ApiKeyStore keys;
    private final UsageMeter usage;

    TenantController(TenantStore tenants, TenantSearch search, ApiKeyStore keys, UsageMeter usage) {
        this.tenants = tenants;
        this.search = search;
        this.keys = keys;
        this.usage = usage;
    }

    @GetMapping("/tenants")
    String list(@RequestParam(required = false) String q, Model model) {
        List<TenantSearch.Match> matches = Blocking.get(search.search(q));
        model.addAttribute("q", TenantSearch.shown(q, matches));
        model.addAttribute("matches", matches);
        model.addAttribute("tiers", tiers());
        return "tenants/tenants";
    }

    @PostMapping("/tenants")
    String create(@RequestParam String name, @RequestParam String tier, RedirectAttributes flash) {
        String trimmed = name.trim();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME) {
            throw new IllegalArgumentException("a tenant name is 1 to " + MAX_NAME + " characters");
        }
        Tenant created = Blocking.get(tenants.create(trimmed, tierOf(tier)));
        flash.addFlashAttribute("message", "Tenant " + created.name() + " created.");
        return "redirect:/tenants/" + created.id();
    }

    @GetMapping("/tenants/{id}")
    String tenant(@PathVariable String id, Model model) {
        Tenant tenant = find(tenants, id);
        model.addAttribute("tenant", tenant);
        model.addAttribute("keys", Blocking.list(keys.list(id)));
        model.addAttribute("usage", Blocking.get(usage.current(tenant)));
        return "tenants/tenant";
    }

    static Tenant find(TenantStore tenants, String id) {
        Tenant tenant = TenantStore.plausibleId(id) ? Blocking.get(tenants.find(id)) : null;
        if (tenant == null) {
            throw new ConsoleErrors.NotFound("no tenant " + id);
        }
        return tenant;
    }

    static Tier tierOf(String wire) {
        Tier tier = Tier.parse(wire);
        if (tier == null) {
            throw new IllegalArgumentException("unknown tier; one of " + tiers());
        }
        return tier;
    }

    static List<String> tiers() {
        return Arrays.stream(Tier.values()).map(Tier::wire).toList();
    }
}
