package io.ezthrottle.api.proxy;

import java.util.Map;
import java.util.function.Function;

import io.ezthrottle.api.error.ApiErrors;
import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.api.job.JobController;
import io.ezthrottle.api.secret.WebhookSecretController;
import io.ezthrottle.api.usage.UsageController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Which of our own handlers serves an envelope's inner request, chosen by the path of {@code target_url} alone
 * (compat-protocol A14). Refusals of the inner handler become its reply, exactly as if it had been called
 * directly, so the SDK finds the same status and body inside the envelope.
 */
@Component
class InnerRoutes {

    private static final String JOBS = "/api/v1/jobs";
    private static final String SECRETS = "/api/v1/webhook-secrets";
    private static final String USAGE = "/api/v1/usage";

    private final JobController jobs;
    private final WebhookSecretController secrets;
    private final UsageController usage;

    InnerRoutes(JobController jobs, WebhookSecretController secrets, UsageController usage) {
        this.jobs = jobs;
        this.secrets = secrets;
        this.usage = usage;
    }

    /** Whether some handler serves this path (otherwise the envelope is refused with 400). */
    static boolean supports(String path) {
        return path.equals(JOBS) || path.equals(SECRETS) || path.equals(USAGE) || jobStatusId(path) != null;
    }

    /** The inner reply; errors only for failures that are not refusals (a bug or an outage). */
    Mono<ResponseEntity<Map<String, Object>>> serve(ServerWebExchange inner, String path, String method) {
        return route(inner, path, method)
                .onErrorResume(e -> ApiErrors.reply(e).map(Mono::just).orElseGet(() -> Mono.error(e)));
    }

    private Mono<ResponseEntity<Map<String, Object>>> route(ServerWebExchange inner, String path, String method) {
        if (path.equals(JOBS)) {
            return method.equals("POST") ? jobs.submit(inner) : notAllowed();
        }
        if (path.equals(SECRETS)) {
            return switch (method) {
                case "POST" -> ok(secrets.save(inner));
                case "GET" -> ok(secrets.read(inner));
                case "DELETE" -> ok(secrets.delete(inner));
                default -> notAllowed();
            };
        }
        if (path.equals(USAGE)) {
            return method.equals("GET") ? ok(usage.current(inner)) : notAllowed();
        }
        String id = jobStatusId(path);
        return method.equals("GET") ? ok(jobs.status(id, inner)) : notAllowed();
    }

    private static String jobStatusId(String path) {
        if (!path.startsWith(JOBS + "/")) {
            return null;
        }
        String id = path.substring(JOBS.length() + 1);
        return id.isEmpty() || id.contains("/") ? null : id;
    }

    private static Mono<ResponseEntity<Map<String, Object>>> ok(Mono<Map<String, Object>> body) {
        return body.map((Function<Map<String, Object>, ResponseEntity<Map<String, Object>>>) ResponseEntity::ok);
    }

    private static Mono<ResponseEntity<Map<String, Object>>> notAllowed() {
        return Mono.error(new ApiException(HttpStatus.METHOD_NOT_ALLOWED, "method not allowed"));
    }
}
