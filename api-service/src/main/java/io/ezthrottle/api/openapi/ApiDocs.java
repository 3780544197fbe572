package io.ezthrottle.api.openapi;

/** Examples shown in the OpenAPI description (annotation values must be compile-time constants). */
public final class ApiDocs {

    public static final String JOB_EXAMPLE = """
            {"url": "https://api.example.com/orders", "method": "POST",
             "headers": {"Authorization": "Bearer sk_test_123"}, "body": "{\\"amount\\": 1000}",
             "webhooks": [{"url": "https://hooks.example.com/ezthrottle", "has_quorum_vote": true}],
             "idempotent_key": "order-42", "metadata": {"order": 42}}""";

    public static final String SUBMITTED_EXAMPLE = """
            {"job_id": "job_1764000000000_123456789", "idempotent_key": "order-42", "status": "queued",
             "queued_at": 1764000000000}""";

    public static final String PROXY_EXAMPLE = """
            {"scope": "customer", "metric_name": "", "target_url": "https://ezthrottle.fly.dev/api/v1/jobs",
             "method": "POST", "headers": {"Content-Type": "application/json"},
             "body": "{\\"url\\": \\"https://api.example.com/orders\\", \\"method\\": \\"GET\\"}"}""";

    public static final String PROXY_REPLY_EXAMPLE = """
            {"status": "allowed", "forwarded_response": {"status_code": 201,
             "body": "{\\"job_id\\":\\"job_1764000000000_123456789\\",\\"idempotent_key\\":\\"h_…\\",\\"status\\":\\"queued\\",\\"queued_at\\":1764000000000}",
             "headers": {"Content-Type": "application/json"}}}""";

    private ApiDocs() {
    }
}
