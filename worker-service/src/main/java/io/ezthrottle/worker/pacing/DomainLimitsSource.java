package io.ezthrottle.worker.pacing;

import io.ezthrottle.core.throttle.DomainLimits;
import io.ezthrottle.core.throttle.PacingDefaults;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The current limits of a destination. */
@Component
public class DomainLimitsSource {

    private final PacingDefaults defaults;

    public DomainLimitsSource(PacingDefaults defaults) {
        this.defaults = defaults;
    }

    public Mono<DomainLimits> limits(String destination) {
        return Mono.just(defaults.limits());
    }
}
