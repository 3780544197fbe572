package io.ezthrottle.api.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.api.error.RequestBodies;
import io.ezthrottle.core.tenant.ApiKeyStore;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /admin/api/tenants/{id}/keys}: issue, list (by prefix, never the key) and revoke a tenant's API keys. A
 * revoked key is refused by every replica from its next request on: keys are looked up in Redis per request.
 */
@RestController
@RequestMapping("/admin/api/tenants/{tenantId}/keys")
@Tag(name = "Admin: API keys")
@SecurityRequirement(name = "admin")
public class ApiKeyAdminController {

    private final RequestBodies bodies;
    private final TenantStore tenants;
    private final ApiKeyStore apiKeys;

    public ApiKeyAdminController(RequestBodies bodies, TenantStore tenants, ApiKeyStore apiKeys) {
        this.bodies = bodies;
        this.tenants = tenants;
        this.apiKeys = apiKeys;
    }

    @GetMapping
    @Operation(summary = "A tenant's keys: id, prefix, label, creation time")
    public Mono<Map<String, Object>> list(@PathVariable String tenantId) {
        return existing(tenantId)
                .flatMap(t -> apiKeys.list(t.id()).map(AdminViews::key).collectList())
                .map(keys -> Map.of("keys", keys));
    }

    @PostMapping
    @Operation(summary = "Issue a new key", description = "Optional body `{\"label\": \"ci\"}`. The reply's `api_key`"
            + " is shown this once; only its SHA-256 is stored.")
    public Mono<ResponseEntity<Map<String, Object>>> issue(@PathVariable String tenantId, ServerWebExchange exchange) {
        return existing(tenantId)
                .flatMap(t -> bodies.bytes(exchange.getRequest())
                        .map(bytes -> {
                            String label = bytes.length == 0 ? null : AdminRequests.text(bodies.parseObject(bytes), "label");
                            return label == null ? "" : label;
                        })
                        .flatMap(label -> apiKeys.issue(t.id(), label)))
                .map(key -> {
                    Map<String, Object> reply = new LinkedHashMap<>();
                    reply.put("api_key", key.apiKey());
                    reply.putAll(AdminViews.key(key.info()));
                    return ResponseEntity.status(HttpStatus.CREATED).body(reply);
                });
    }

    @DeleteMapping("/{keyId}")
    @Operation(summary = "Revoke a key", description = "Takes effect on every replica with the next request.")
    public Mono<Map<String, Object>> revoke(@PathVariable String tenantId, @PathVariable String keyId) {
        return existing(tenantId)
                .flatMap(t -> apiKeys.revoke(t.id(), keyId))
                .map(revoked -> {
                    if (!revoked) {
                        throw ApiException.notFound("key not found");
                    }
                    Map<String, Object> reply = new LinkedHashMap<>();
                    reply.put("status", "revoked");
                    reply.put("id", keyId);
                    return reply;
                });
    }

    private Mono<Tenant> existing(String tenantId) {
        return tenants.find(tenantId).switchIfEmpty(Mono.error(() -> TenantAdminController.notFound(tenantId)));
    }
}
