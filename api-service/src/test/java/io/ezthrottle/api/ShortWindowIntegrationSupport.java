package io.ezthrottle.api;

import org.springframework.test.context.TestPropertySource;

/**
 * The API with a 2-second idempotency window (queued-job lifetime) and no admin password: a second, minimal
 * configuration shared by the classes that need either.
 */
@TestPropertySource(properties = {"ezthrottle.retention.queued=2s", "ezthrottle.admin.password="})
abstract class ShortWindowIntegrationSupport extends ApiIntegrationSupport {
}
