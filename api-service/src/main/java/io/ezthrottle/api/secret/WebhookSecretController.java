package io.ezthrottle.api.secret;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.auth.ApiKeyAuthentication;
import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.api.error.RequestBodies;
import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.secret.WebhookSecrets;
import io.ezthrottle.core.tenant.Tenant;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/webhook-secrets} exactly as the SDKs call it (compat-protocol §1.4). */
@RestController
@RequestMapping("/api/v1/webhook-secrets")
public class WebhookSecretController {

    private final RequestBodies bodies;
    private final WebhookSecretStore secrets;

    public WebhookSecretController(RequestBodies bodies, WebhookSecretStore secrets) {
        this.bodies = bodies;
        this.secrets = secrets;
    }

    @PostMapping
    public Mono<Map<String, Object>> save(ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        return bodies.jsonObject(exchange.getRequest())
                .map(WebhookSecretController::parse)
                .flatMap(s -> secrets.save(tenant.id(), s))
                .thenReturn(Map.of("status", "ok", "message", "Webhook secrets saved"));
    }

    @GetMapping
    public Mono<Map<String, Object>> read(ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        return secrets.find(tenant.id())
                .map(s -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("customer_id", tenant.id());
                    body.put("primary_secret", WebhookSecrets.mask(s.primary()));
                    body.put("secondary_secret", WebhookSecrets.mask(s.secondary()));
                    body.put("has_secondary", s.secondary() != null);
                    return body;
                })
                .switchIfEmpty(Mono.error(ApiException.notFound("No webhook secrets configured")));
    }

    /** Idempotent: 200 whether or not secrets existed (Go's client errors on 404 here). */
    @DeleteMapping
    public Mono<Map<String, Object>> delete(ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        return secrets.delete(tenant.id()).thenReturn(Map.of("status", "ok", "message", "Webhook secrets deleted"));
    }

    private static WebhookSecrets parse(JsonNode body) {
        String primary = text(body, "primary_secret", "primarySecret");
        String secondary = text(body, "secondary_secret", "secondarySecret");
        if (primary == null) {
            throw ApiException.badRequest("primary_secret", "primary_secret is required");
        }
        check("primary_secret", primary);
        if (secondary != null) {
            check("secondary_secret", secondary);
        }
        return new WebhookSecrets(primary, secondary);
    }

    private static void check(String field, String secret) {
        if (secret.length() < WebhookSecrets.MIN_LENGTH) {
            throw ApiException.badRequest(field, field + " must be at least " + WebhookSecrets.MIN_LENGTH + " characters");
        }
        if (secret.length() > 512) {
            throw ApiException.badRequest(field, field + " must be at most 512 characters");
        }
    }

    private static String text(JsonNode body, String snake, String camel) {
        JsonNode v = body.get(snake);
        if (v == null || v.isNull()) {
            v = body.get(camel);
        }
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw ApiException.badRequest(snake, snake + " must be a string");
        }
        return v.stringValue().isEmpty() ? null : v.stringValue();
    }
}
