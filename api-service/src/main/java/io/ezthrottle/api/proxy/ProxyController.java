package io.ezthrottle.api.proxy;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.api.error.RequestBodies;
import io.ezthrottle.api.openapi.ApiDocs;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/proxy}: the metering proxy every SDK talks to (compat-protocol §1.2). The inner request is
 * served in-process by our own jobs, webhook-secrets and usage handlers; it is never sent anywhere.
 *
 * <p>Reply rules the SDKs depend on: 200 with {@code status: "allowed"} whenever the inner handler answered, its
 * status as an integer and its body as JSON text (never empty: Python parses it), headers as single strings (Go
 * decodes a {@code map[string]string}). An inner 429 is lifted to the outer reply with its integer
 * {@code Retry-After} and {@code retry_at}, otherwise the SDKs could not see the limit.
 */
@RestController
@Tag(name = "SDK proxy", description = "The envelope the official Node, Python and Go SDKs send")
public class ProxyController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RequestBodies bodies;
    private final InnerRoutes routes;

    ProxyController(RequestBodies bodies, InnerRoutes routes) {
        this.bodies = bodies;
        this.routes = routes;
    }

    @PostMapping("/api/v1/proxy")
    @Operation(summary = "SDK envelope",
            description = "Routes by the path of `target_url` only (`/api/v1/jobs`, `/api/v1/jobs/{id}`,"
                    + " `/api/v1/webhook-secrets`, `/api/v1/usage`); scheme and host are ignored and never contacted."
                    + " `body` is the inner body as JSON text (or an object).",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = "application/json", examples = @ExampleObject(value = ApiDocs.PROXY_EXAMPLE))))
    @ApiResponse(responseCode = "200", description = "`{status: \"allowed\", forwarded_response: {status_code, body,"
            + " headers}}`", content = @Content(mediaType = "application/json",
            examples = @ExampleObject(value = ApiDocs.PROXY_REPLY_EXAMPLE)))
    @ApiResponse(responseCode = "400", description = "bad envelope, or `{\"error\": \"target_url not supported\"}`")
    @ApiResponse(responseCode = "429", description = "plan cap or load shedding: integer `Retry-After`, `{error, retry_at}`")
    public Mono<ResponseEntity<Map<String, Object>>> proxy(ServerWebExchange exchange) {
        return bodies.jsonObject(exchange.getRequest())
                .map(ProxyEnvelope::parse)
                .flatMap(envelope -> {
                    if (!InnerRoutes.supports(envelope.path())) {
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "target_url not supported"));
                    }
                    return routes.serve(InnerRequest.exchange(exchange, envelope), envelope.path(), envelope.method());
                })
                .map(ProxyController::envelope);
    }

    private static ResponseEntity<Map<String, Object>> envelope(ResponseEntity<Map<String, Object>> inner) {
        if (inner.getStatusCode().value() == HttpStatus.TOO_MANY_REQUESTS.value()) {
            return inner;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
        inner.getHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        Map<String, Object> forwarded = new LinkedHashMap<>();
        forwarded.put("status_code", inner.getStatusCode().value());
        forwarded.put("body", inner.getBody() == null ? "{}" : JSON.writeValueAsString(inner.getBody()));
        forwarded.put("headers", headers);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "allowed");
        body.put("forwarded_response", forwarded);
        return ResponseEntity.ok(body);
    }
}
