package io.ezthrottle.api.job;

import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.tenant.ApiKeys;

/**
 * The HASH strategy of compat-protocol §4: when the client sends no key, the key is derived from the tenant,
 * method, URL and body (headers, webhooks and metadata excluded), hex so that it is path-safe.
 */
final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    static String hashKey(String tenantId, JobSpec spec) {
        String material = tenantId + "\n" + spec.method() + "\n" + spec.url() + "\n" + (spec.body() == null ? "" : spec.body());
        return "h_" + ApiKeys.sha256Hex(material);
    }
}
