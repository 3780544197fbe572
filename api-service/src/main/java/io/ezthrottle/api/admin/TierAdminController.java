package io.ezthrottle.api.admin;

import java.util.Arrays;
import java.util.Map;

import io.ezthrottle.core.tenant.Tier;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /admin/api/tiers}: the plan tiers, their included requests and hard caps per month. */
@RestController
@Tag(name = "Admin: tiers")
@SecurityRequirement(name = "admin")
public class TierAdminController {

    @GetMapping("/admin/api/tiers")
    @Operation(summary = "Plan tiers", description = "Change a tenant's tier with PATCH /admin/api/tenants/{id}.")
    public Map<String, Object> tiers() {
        return Map.of("tiers", Arrays.stream(Tier.values()).map(AdminViews::tier).toList());
    }
}
