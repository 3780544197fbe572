package io.ezthrottle.admin.tiers;

import java.util.Arrays;

import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.admin.web.ConsoleErrors;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Tiers and caps: each tenant's usage against its tier's included amount and cap, and assigning a tier. A new tier
 * applies from the tenant's next request on (the API reads the tier at every acceptance).
 */
@Controller
class TierController {

    private final UsageBoard board;
    private final TenantStore tenants;
    private final double nearCapRatio;

    TierController(UsageBoard board, TenantStore tenants, io.ezthrottle.admin.AdminProperties properties) {
        this.board = board;
        this.tenants = tenants;
        this.nearCapRatio = properties.nearCapRatio();
    }

    @GetMapping("/tiers")
    String tiers(Model model) {
        model.addAttribute("rows", Blocking.get(board.all()));
        model.addAttribute("tiers", Arrays.asList(Tier.values()));
        model.addAttribute("nearCapRatio", nearCapRatio);
        return "tiers/tiers";
    }

    @PostMapping("/tiers/{tenantId}")
    String assign(@PathVariable String tenantId, @RequestParam String tier, RedirectAttributes flash) {
        Tier chosen = Tier.parse(tier);
        if (chosen == null) {
            throw new IllegalArgumentException("unknown tier " + tier);
        }
        Tenant updated = TenantStore.plausibleId(tenantId) ? Blocking.get(tenants.update(tenantId, null, chosen)) : null;
        if (updated == null) {
            throw new ConsoleErrors.NotFound("no tenant " + tenantId);
        }
        flash.addFlashAttribute("message", updated.name() + " is now on the " + chosen.wire() + " tier.");
        return "redirect:/tiers";
    }
}
