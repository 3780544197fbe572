package io.ezthrottle.api.auth;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates {@code /api/v1/**} with {@code Authorization: Bearer <api key>} and attaches the tenant to the
 * exchange. Unknown or missing keys get 401 JSON before any handler runs.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiKeyAuthentication implements WebFilter {

    /** Exchange attribute holding the authenticated {@link Tenant}. */
    public static final String TENANT = ApiKeyAuthentication.class.getName() + ".tenant";

    private final TenantStore tenants;

    public ApiKeyAuthentication(TenantStore tenants) {
        this.tenants = tenants;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/api/v1/")) {
            return chain.filter(exchange);
        }
        String key = bearer(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        return tenants.authenticate(key)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(tenant -> {
                    if (tenant.isEmpty()) {
                        return unauthorized(exchange);
                    }
                    exchange.getAttributes().put(TENANT, tenant.get());
                    return chain.filter(exchange);
                });
    }

    public static Tenant tenant(ServerWebExchange exchange) {
        return exchange.getRequiredAttribute(TENANT);
    }

    private static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange) {
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        byte[] body = "{\"error\":\"invalid or missing API key\"}".getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
