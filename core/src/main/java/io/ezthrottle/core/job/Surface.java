package io.ezthrottle.core.job;

/** Which HTTP surface created a job; it decides the webhook payload shape (compat-protocol A2). */
public enum Surface {
    /** {@code /api/v1/jobs}: §5.1 payload, signed with the tenant's secret. */
    CLOUD,
    /** {@code /jobs}: §5.2 payload. */
    LOCAL
}
