package io.ezthrottle.webhook.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import io.ezthrottle.core.delivery.SignatureScheme;
import io.ezthrottle.testsupport.HttpStub;
import io.ezthrottle.webhook.DeliveryIntegrationSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Every webhook is signed with the tenant's primary secret, verifiable by the receiver with nothing but the secret
 * and an HMAC implementation: the compat-protocol §5.3 header by default, Standard Webhooks headers when the tenant
 * chose them. Verification here is the test's own HMAC code.
 */
@TestPropertySource(properties = DeliveryIntegrationSupport.PATIENT)
class WebhookSignatureIntegrationTests extends DeliveryIntegrationSupport {

    private final HttpStub receiver = new HttpStub();
    private final List<String> jobIds = new java.util.ArrayList<>();

    /** Receivers close only once their deliveries are settled, so no test leaves retries running behind it. */
    @AfterEach
    void close() {
        jobIds.forEach(id -> awaitStatus(id, "delivered"));
        receiver.close();
    }

    @Test
    void signsWithThePrimarySecretAndAFreshTimestamp() {
        String tenant = newTenant();
        setSecrets(tenant, "primary-secret-0123456789", null);

        jobIds.add(finishJob(tenant, job(receiver)));

        HttpStub.Request hook = receiver.awaitCount(1, WAIT).get(0);
        String header = hook.header("X-EZThrottle-Signature");
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        assertThat(ezthrottleSignatureValid(header, hook.body(), "primary-secret-0123456789")).isTrue();
        assertThat(ezthrottleSignatureValid(header, hook.body(), "some-other-secret-000000")).isFalse();
        assertThat(hook.header("webhook-signature")).as("Standard Webhooks headers only when chosen").isNull();
        assertThat(hook.header("content-type")).startsWith("application/json");
    }

    @Test
    void afterRotationSignsWithTheNewPrimaryNeverTheSecondary() {
        String tenant = newTenant();
        setSecrets(tenant, "old-primary-secret-000000", null);
        jobIds.add(finishJob(tenant, job(receiver)));
        HttpStub.Request before = receiver.awaitCount(1, WAIT).get(0);
        assertThat(ezthrottleSignatureValid(before.header("X-EZThrottle-Signature"), before.body(), "old-primary-secret-000000")).isTrue();

        // Rotation with overlap: the old secret stays as secondary so receivers can still verify older deliveries.
        setSecrets(tenant, "new-primary-secret-111111", "old-primary-secret-000000");
        jobIds.add(finishJob(tenant, job(receiver)));
        HttpStub.Request after = receiver.awaitCount(2, WAIT).get(1);
        String header = after.header("X-EZThrottle-Signature");
        assertThat(ezthrottleSignatureValid(header, after.body(), "new-primary-secret-111111")).isTrue();
        assertThat(ezthrottleSignatureValid(header, after.body(), "old-primary-secret-000000")).isFalse();
    }

    @Test
    void everyRetryIsSignedAgainSoARotationBetweenAttemptsApplies() {
        String tenant = newTenant();
        setSecrets(tenant, "first-primary-secret-0000", null);
        // The receiver only accepts the new secret: attempts signed with the old one are refused.
        receiver.respond(r -> ezthrottleSignatureValid(r.header("X-EZThrottle-Signature"), r.body(), "second-primary-secret-111")
                ? HttpStub.Response.ok("{}") : HttpStub.Response.status(401));
        String jobId = finishJob(tenant, job(receiver));
        jobIds.add(jobId);
        receiver.awaitCount(1, WAIT);

        setSecrets(tenant, "second-primary-secret-111", "first-primary-secret-0000");

        awaitStatus(jobId, "delivered");
        List<HttpStub.Request> all = receiver.requests();
        HttpStub.Request first = all.get(0);
        HttpStub.Request last = all.get(all.size() - 1);
        assertThat(ezthrottleSignatureValid(first.header("X-EZThrottle-Signature"), first.body(), "first-primary-secret-0000")).isTrue();
        assertThat(ezthrottleSignatureValid(last.header("X-EZThrottle-Signature"), last.body(), "second-primary-secret-111")).isTrue();
        assertThat(all).extracting(HttpStub.Request::bodyText).as("identical bytes on every attempt").containsOnly(first.bodyText());
    }

    @Test
    void standardWebhooksHeadersWithAWhsecSecretUseItsDecodedKey() {
        String tenant = newTenant();
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        setSecrets(tenant, secret, null);
        setScheme(tenant, SignatureScheme.STANDARD_WEBHOOKS);

        String jobId = finishJob(tenant, job(receiver));
        jobIds.add(jobId);

        HttpStub.Request hook = receiver.awaitCount(1, WAIT).get(0);
        assertThat(hook.header("webhook-id")).isEqualTo(jobId);
        long timestamp = Long.parseLong(hook.header("webhook-timestamp"));
        assertThat(Math.abs(System.currentTimeMillis() / 1000 - timestamp)).isLessThanOrEqualTo(300);
        assertThat(hook.header("webhook-signature")).isEqualTo("v1," + standardSignature(key, hook));
        assertThat(hook.header("X-EZThrottle-Signature")).as("only the chosen scheme").isNull();
    }

    @Test
    void standardWebhooksWithAPlainSecretUseItsUtf8Bytes() {
        String tenant = newTenant();
        setSecrets(tenant, "plain-secret-not-whsec-42", null);
        setScheme(tenant, SignatureScheme.STANDARD_WEBHOOKS);

        jobIds.add(finishJob(tenant, job(receiver)));

        HttpStub.Request hook = receiver.awaitCount(1, WAIT).get(0);
        assertThat(hook.header("webhook-signature"))
                .isEqualTo("v1," + standardSignature("plain-secret-not-whsec-42".getBytes(StandardCharsets.UTF_8), hook));
    }

    @Test
    void bothSchemesCarryBothHeaderSetsEachValid() {
        String tenant = newTenant();
        setSecrets(tenant, "both-schemes-secret-12345", null);
        setScheme(tenant, SignatureScheme.BOTH);

        jobIds.add(finishJob(tenant, job(receiver)));

        HttpStub.Request hook = receiver.awaitCount(1, WAIT).get(0);
        assertThat(ezthrottleSignatureValid(hook.header("X-EZThrottle-Signature"), hook.body(), "both-schemes-secret-12345")).isTrue();
        assertThat(hook.header("webhook-signature"))
                .isEqualTo("v1," + standardSignature("both-schemes-secret-12345".getBytes(StandardCharsets.UTF_8), hook));
    }

    @Test
    void withoutASecretNothingIsSigned() {
        jobIds.add(finishJob(newTenant(), job(receiver)));

        HttpStub.Request hook = receiver.awaitCount(1, WAIT).get(0);
        assertThat(hook.header("X-EZThrottle-Signature")).isNull();
        assertThat(hook.header("webhook-signature")).isNull();
    }

    private static String job(HttpStub receiver) {
        return """
                {"url": "https://api.example.com/x", "webhooks": [{"url": "%s/hook"}]}
                """.formatted(receiver.url());
    }

    /** base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>", computed here. */
    private static String standardSignature(byte[] key, HttpStub.Request hook) {
        String prefix = hook.header("webhook-id") + "." + hook.header("webhook-timestamp") + ".";
        return Base64.getEncoder().encodeToString(hmac(key, prefix.getBytes(StandardCharsets.UTF_8), hook.body()));
    }

}
