package io.ezthrottle.api.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import io.ezthrottle.core.tenant.ApiKeys;
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
 * Guards {@code /admin/api/**} with HTTP Basic and the admin credentials. Without a configured password the whole
 * admin API answers 404, as if it did not exist. Credentials are compared in constant time (as SHA-256 digests,
 * so the lengths leak nothing either). Use it over TLS only: Basic sends the password with every request.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AdminAuthentication implements WebFilter {

    static final String PREFIX = "/admin/api";

    private final AdminApiProperties properties;

    public AdminAuthentication(AdminApiProperties properties) {
        this.properties = properties;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return chain.filter(exchange);
        }
        if (!properties.enabled()) {
            return reply(exchange, HttpStatus.NOT_FOUND,
                    "{\"error\":\"admin API disabled: set EZTHROTTLE_ADMIN_PASSWORD\"}");
        }
        if (!authorised(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))) {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                    "Basic realm=\"ezthrottle-admin\", charset=\"UTF-8\"");
            return reply(exchange, HttpStatus.UNAUTHORIZED, "{\"error\":\"admin credentials required\"}");
        }
        return chain.filter(exchange);
    }

    private boolean authorised(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean user = same(decoded.substring(0, colon), properties.user());
        boolean password = same(decoded.substring(colon + 1), properties.password());
        return user & password;
    }

    private static boolean same(String given, String expected) {
        return MessageDigest.isEqual(ApiKeys.sha256Hex(given).getBytes(StandardCharsets.US_ASCII),
                ApiKeys.sha256Hex(expected).getBytes(StandardCharsets.US_ASCII));
    }

    private static Mono<Void> reply(ServerWebExchange exchange, HttpStatus status, String json) {
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(json.getBytes(StandardCharsets.UTF_8))));
    }
}
