package io.ezthrottle.api.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.api.error.RequestBodies;
import io.ezthrottle.api.usage.UsageController;
import io.ezthrottle.core.tenant.ApiKeyStore;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.core.usage.UsageMeter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code /admin/api/tenants}: create, list, inspect, re-tier and delete tenants. */
@RestController
@RequestMapping("/admin/api/tenants")
@Tag(name = "Admin: tenants", description = "Operator API behind the admin credentials (HTTP Basic)")
@SecurityRequirement(name = "admin")
public class TenantAdminController {

    private final RequestBodies bodies;
    private final TenantStore tenants;
    private final ApiKeyStore apiKeys;
    private final UsageMeter usage;

    public TenantAdminController(RequestBodies bodies, TenantStore tenants, ApiKeyStore apiKeys, UsageMeter usage) {
        this.bodies = bodies;
        this.tenants = tenants;
        this.apiKeys = apiKeys;
        this.usage = usage;
    }

    @GetMapping
    @Operation(summary = "All tenants, oldest first")
    public Mono<Map<String, Object>> list() {
        return tenants.list().map(AdminViews::tenant).collectList().map(list -> Map.of("tenants", list));
    }

    @PostMapping
    @Operation(summary = "Create a tenant with its first API key",
            description = "Body `{\"name\": \"Acme\", \"tier\": \"free|indie|growth|pro\", \"key_label\": \"...\"}`"
                    + " (tier defaults to free). The reply's `api_key` is shown this once and stored only hashed.")
    public Mono<ResponseEntity<Map<String, Object>>> create(ServerWebExchange exchange) {
        return bodies.jsonObject(exchange.getRequest())
                .flatMap(body -> {
                    String name = AdminRequests.text(body, "name");
                    if (name == null || name.isEmpty()) {
                        throw ApiException.badRequest("name", "name is required");
                    }
                    Tier tier = AdminRequests.tier(body);
                    String label = AdminRequests.text(body, "key_label");
                    return tenants.create(name, tier == null ? Tier.FREE : tier)
                            .flatMap(t -> apiKeys.issue(t.id(), label).map(key -> {
                                Map<String, Object> reply = AdminViews.tenant(t);
                                reply.put("api_key", key.apiKey());
                                reply.put("key", AdminViews.key(key.info()));
                                return ResponseEntity.status(HttpStatus.CREATED).body(reply);
                            }));
                });
    }

    @GetMapping("/{id}")
    @Operation(summary = "A tenant with its keys and this month's usage")
    public Mono<Map<String, Object>> get(@PathVariable String id) {
        return existing(id).flatMap(t -> apiKeys.list(t.id()).map(AdminViews::key).collectList()
                .zipWith(usage.current(t))
                .map(keysAndUsage -> {
                    Map<String, Object> reply = AdminViews.tenant(t);
                    reply.put("keys", keysAndUsage.getT1());
                    reply.put("usage", UsageController.view(keysAndUsage.getT2()));
                    return reply;
                }));
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Rename a tenant or change its tier",
            description = "Body `{\"name\"?, \"tier\"?}`; a new tier's cap applies from the next submission on.")
    public Mono<Map<String, Object>> update(@PathVariable String id, ServerWebExchange exchange) {
        return existing(id)
                .then(bodies.jsonObject(exchange.getRequest()))
                .flatMap(body -> {
                    String name = AdminRequests.text(body, "name");
                    if (name != null && name.isEmpty()) {
                        throw ApiException.badRequest("name", "name must not be empty");
                    }
                    return tenants.update(id, name, AdminRequests.tier(body));
                })
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .map(AdminViews::tenant);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a tenant", description = "Its keys stop working at once; its webhook secrets go too.")
    public Mono<Map<String, Object>> delete(@PathVariable String id) {
        return tenants.delete(id).map(deleted -> {
            if (!deleted) {
                throw notFound(id);
            }
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("status", "deleted");
            reply.put("id", id);
            return reply;
        });
    }

    @GetMapping("/{id}/usage")
    @Operation(summary = "A tenant's usage this month")
    public Mono<Map<String, Object>> usage(@PathVariable String id) {
        return existing(id).flatMap(usage::current).map(UsageController::view);
    }

    private Mono<Tenant> existing(String id) {
        return tenants.find(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    static ApiException notFound(String id) {
        return ApiException.notFound("tenant not found");
    }
}
