package io.ezthrottle.api.usage;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.auth.ApiKeyAuthentication;
import io.ezthrottle.core.usage.Usage;
import io.ezthrottle.core.usage.UsageMeter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code GET /api/v1/usage}: the caller's own requests this month against its tier. */
@RestController
@Tag(name = "Usage", description = "Requests counted this month against the tier's included amount and hard cap")
public class UsageController {

    private final UsageMeter usage;

    public UsageController(UsageMeter usage) {
        this.usage = usage;
    }

    @GetMapping("/api/v1/usage")
    @Operation(summary = "This month's usage",
            description = "`used` counts jobs accepted this calendar month (UTC); duplicates, retries and webhook"
                    + " attempts are free. `overage` is what was used past `included`; at `cap` submissions get 429"
                    + " until `period_end`.")
    public Mono<Map<String, Object>> current(ServerWebExchange exchange) {
        return usage.current(ApiKeyAuthentication.tenant(exchange)).map(UsageController::view);
    }

    /** The usage JSON, shared with the admin API. */
    public static Map<String, Object> view(Usage u) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customer_id", u.tenantId());
        body.put("tier", u.tier().wire());
        body.put("period", u.period().id());
        body.put("period_start", u.period().startMillis());
        body.put("period_end", u.period().endMillis());
        body.put("used", u.used());
        body.put("included", u.included());
        body.put("cap", u.cap());
        body.put("overage", u.overage());
        body.put("remaining", u.remaining());
        return body;
    }
}
