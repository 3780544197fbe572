package io.ezthrottle.admin.secrets;

import java.util.List;

import io.ezthrottle.admin.AdminProperties;
import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.admin.web.ConsoleErrors;
import io.ezthrottle.admin.web.ConsoleTimes;
import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Webhook signing secrets per tenant: masked view, set or rotate, end a grace period early, delete. A secret the
 * console generated is shown once on the next page (a flash attribute), like an API key.
 */
@Controller
class SecretController {

    private final TenantStore tenants;
    private final WebhookSecretStore secrets;
    private final SecretRotation rotation;
    private final GracePeriods grace;
    private final AdminProperties.Secrets settings;

    SecretController(TenantStore tenants, WebhookSecretStore secrets, SecretRotation rotation, GracePeriods grace,
                     AdminProperties properties) {
        this.tenants = tenants;
        this.secrets = secrets;
        this.rotation = rotation;
        this.grace = grace;
        this.settings = properties.secrets();
    }

    @GetMapping("/secrets")
    String secrets(Model model) {
        List<SecretView> views = Blocking.list(tenants.list()
                .flatMapSequential(t -> secrets.find(t.id()).map(java.util.Optional::of)
                        .defaultIfEmpty(java.util.Optional.empty())
                        .zipWith(grace.end(t.id()).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()))
                        .map(z -> SecretView.of(t, z.getT1().orElse(null), z.getT2().orElse(null))), 8));
        model.addAttribute("views", views);
        model.addAttribute("gracePeriod", ConsoleTimes.duration(settings.gracePeriod()));
        return "secrets/secrets";
    }

    @PostMapping("/secrets/{tenantId}/rotate")
    String rotate(@PathVariable String tenantId, @RequestParam(defaultValue = "") String secret,
                  RedirectAttributes flash) {
        Tenant tenant = tenant(tenantId);
        boolean generated = secret.isBlank();
        String next = generated ? rotation.generate() : secret.trim();
        boolean rotated = Boolean.TRUE.equals(Blocking.get(rotation.rotate(tenantId, next, settings.gracePeriod())));
        if (generated) {
            flash.addFlashAttribute("newSecret", next);
        }
        flash.addFlashAttribute("newSecretTenant", tenant.id());
        flash.addFlashAttribute("message", rotated
                ? "Secret of " + tenant.name() + " rotated; the old one stays valid as secondary for "
                        + ConsoleTimes.duration(settings.gracePeriod()) + "."
                : "Secret of " + tenant.name() + " set.");
        return "redirect:/secrets";
    }

    @PostMapping("/secrets/{tenantId}/end-grace")
    String endGrace(@PathVariable String tenantId, RedirectAttributes flash) {
        Tenant tenant = tenant(tenantId);
        boolean removed = Boolean.TRUE.equals(Blocking.get(grace.endNow(tenantId)));
        flash.addFlashAttribute("message", removed ? "Old secret of " + tenant.name() + " removed."
                : "No rotated-out secret of " + tenant.name() + " to remove.");
        return "redirect:/secrets";
    }

    @PostMapping("/secrets/{tenantId}/delete")
    String delete(@PathVariable String tenantId, RedirectAttributes flash) {
        Tenant tenant = tenant(tenantId);
        Blocking.get(rotation.delete(tenantId));
        flash.addFlashAttribute("message", "Secrets of " + tenant.name() + " deleted: its webhooks go out unsigned"
                + " until a new secret is set.");
        return "redirect:/secrets";
    }

    private Tenant tenant(String tenantId) {
        Tenant tenant = TenantStore.plausibleId(tenantId) ? Blocking.get(tenants.find(tenantId)) : null;
        if (tenant == null) {
            throw new ConsoleErrors.NotFound("no tenant " + tenantId);
        }
        return tenant;
    }
}
