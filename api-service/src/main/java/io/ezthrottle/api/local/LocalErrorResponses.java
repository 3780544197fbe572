package io.ezthrottle.api.local;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Unrouted paths and framework errors of the local surface answer as the local server's framework does
 * (compat-protocol §1.5): {@code {"errors": {"detail": "<status text>"}}}, e.g. 404 {@code "Not Found"} or 405
 * {@code "Method Not Allowed"}. Refusals the local routes make themselves (400 "user_id is required", 404 "job not
 * found", 413, 429) keep their documented {@code {"error": ...}} body; they never reach this handler.
 *
 * <p>The cloud surface, the operator API and the platform's own endpoints keep their error shapes, so this handler
 * steps aside for them. It runs before Spring Boot's error handler (order -1).
 */
@Component
@Order(-2)
@ConditionalOnProperty(name = "ezthrottle.local.enabled", havingValue = "true", matchIfMissing = true)
public class LocalErrorResponses implements WebExceptionHandler {

    /** Path prefixes that are not the local surface. */
    private static final List<String> NOT_LOCAL = List.of("/api/", "/admin/", "/actuator", "/v3/api-docs", "/swagger-ui",
            "/webjars/");

    private final JsonMapper json = JsonMapper.builder().build();

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted() || !local(exchange.getRequest().getPath().value())) {
            return Mono.error(error);
        }
        HttpStatusCode status = error instanceof ResponseStatusException e ? e.getStatusCode() : HttpStatus.INTERNAL_SERVER_ERROR;
        ObjectNode body = json.createObjectNode();
        body.putObject("errors").put("detail", statusText(status));
        byte[] bytes = json.writeValueAsBytes(body);
        response.setStatusCode(status);
        if (error instanceof ResponseStatusException e) {
            response.getHeaders().addAll(e.getHeaders()); // e.g. Allow on a 405
        }
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    static boolean local(String path) {
        return NOT_LOCAL.stream().noneMatch(path::startsWith) && !path.equals("/api") && !path.equals("/admin");
    }

    private static String statusText(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? Integer.toString(status.value()) : known.getReasonPhrase();
    }
}
