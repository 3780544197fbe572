package io.ezthrottle.worker.region;

import java.util.UUID;

import io.ezthrottle.core.config.CoreProperties;
import io.ezthrottle.worker.WorkerProperties;
import org.springframework.stereotype.Component;

/** Who this worker is: its region and its (process-unique) consumer name in every consumer group. */
@Component
public class WorkerIdentity {

    private final String region;
    private final String consumer;

    public WorkerIdentity(CoreProperties core, WorkerProperties properties) {
        this.region = core.region();
        this.consumer = properties.consumerName() != null && !properties.consumerName().isBlank()
                ? properties.consumerName()
                : region + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String region() {
        return region;
    }

    public String consumer() {
        return consumer;
    }
}
