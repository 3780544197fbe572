package io.ezthrottle.api.settings;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.auth.ApiKeyAuthentication;
import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.api.error.RequestBodies;
import io.ezthrottle.core.delivery.SignatureScheme;
import io.ezthrottle.core.delivery.WebhookSettingsStore;
import io.ezthrottle.core.tenant.Tenant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/webhook-settings}: per-tenant delivery options. Today one: {@code signature_scheme}, which
 * signature headers webhooks carry ({@code ezthrottle} (default, what the SDKs verify), {@code standard_webhooks},
 * or {@code both}). Every scheme signs with the primary secret set through {@code /api/v1/webhook-secrets}.
 */
@RestController
@RequestMapping("/api/v1/webhook-settings")
public class WebhookSettingsController {

    private final RequestBodies bodies;
    private final WebhookSettingsStore settings;

    public WebhookSettingsController(RequestBodies bodies, WebhookSettingsStore settings) {
        this.bodies = bodies;
        this.settings = settings;
    }

    @GetMapping
    public Mono<Map<String, Object>> read(ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        return settings.scheme(tenant.id()).map(scheme -> view(tenant, scheme));
    }

    @PutMapping
    public Mono<Map<String, Object>> replace(ServerWebExchange exchange) {
        return save(exchange);
    }

    /** Same as PUT, for clients (like the SDK proxy envelope) that only speak GET, POST and DELETE. */
    @PostMapping
    public Mono<Map<String, Object>> save(ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        return bodies.jsonObject(exchange.getRequest())
                .map(WebhookSettingsController::scheme)
                .flatMap(scheme -> settings.saveScheme(tenant.id(), scheme).thenReturn(view(tenant, scheme)));
    }

    private static SignatureScheme scheme(JsonNode body) {
        JsonNode value = body.get("signature_scheme");
        if (value == null || value.isNull()) {
            value = body.get("signatureScheme");
        }
        if (value == null || value.isNull()) {
            throw ApiException.badRequest("signature_scheme", "signature_scheme is required");
        }
        SignatureScheme scheme = value.isString() ? SignatureScheme.fromWire(value.stringValue()) : null;
        if (scheme == null) {
            throw ApiException.badRequest("signature_scheme",
                    "signature_scheme must be one of ezthrottle, standard_webhooks, both");
        }
        return scheme;
    }

    private static Map<String, Object> view(Tenant tenant, SignatureScheme scheme) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customer_id", tenant.id());
        body.put("signature_scheme", scheme.wire());
        return body;
    }
}
