package io.ezthrottle.admin.keys;

import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.admin.web.ConsoleErrors;
import io.ezthrottle.core.tenant.ApiKeyStore;
import io.ezthrottle.core.tenant.IssuedKey;
import io.ezthrottle.core.tenant.TenantStore;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Issuing and revoking a tenant's API keys. A new key is handed to the next page as a flash attribute: it lives in
 * the session only until that page is rendered once, is never logged, and only its hash stays in Redis, so the
 * operator sees it exactly once.
 */
@Controller
class ApiKeyController {

    static final int MAX_LABEL = 100;

    private final TenantStore tenants;
    private final ApiKeyStore keys;

    ApiKeyController(TenantStore tenants, ApiKeyStore keys) {
        this.tenants = tenants;
        this.keys = keys;
    }

    @PostMapping("/tenants/{id}/keys")
    String issue(@PathVariable String id, @RequestParam(defaultValue = "") String label, RedirectAttributes flash) {
        requireTenant(id);
        if (label.length() > MAX_LABEL) {
            throw new IllegalArgumentException("a key label is at most " + MAX_LABEL + " characters");
        }
        IssuedKey issued = Blocking.get(keys.issue(id, label.trim()));
        flash.addFlashAttribute("issuedKey", issued.apiKey());
        flash.addFlashAttribute("issuedKeyId", issued.info().id());
        return "redirect:/tenants/" + id;
    }

    @PostMapping("/tenants/{id}/keys/{keyId}/revoke")
    String revoke(@PathVariable String id, @PathVariable String keyId, RedirectAttributes flash) {
        requireTenant(id);
        if (!Boolean.TRUE.equals(Blocking.get(keys.revoke(id, keyId)))) {
            throw new ConsoleErrors.NotFound("tenant " + id + " has no key " + keyId);
        }
        flash.addFlashAttribute("message", "Key " + keyId + " revoked: it is refused from the next request on.");
        return "redirect:/tenants/" + id;
    }

    private void requireTenant(String id) {
        if (!TenantStore.plausibleId(id) || Blocking.get(tenants.find(id)) == null) {
            throw new ConsoleErrors.NotFound("no tenant " + id);
        }
    }
}
