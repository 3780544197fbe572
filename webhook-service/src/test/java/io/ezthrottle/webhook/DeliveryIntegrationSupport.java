package io.ezthrottle.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ezthrottle.core.delivery.DeadLetterStore;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.DeliveryView;
import io.ezthrottle.core.delivery.SignatureScheme;
import io.ezthrottle.core.delivery.WebhookSettingsStore;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.UpstreamResponse;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.secret.WebhookSecrets;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.RedisTestServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook dispatcher running for real (its own Spring context, the shared test Redis under a key prefix of its
 * own, loopback receivers) with a retry schedule shrunk from minutes to milliseconds. Tests play the worker: they
 * write a finished job record and publish it on the results stream, exactly as a worker does, and then watch what
 * the receivers get. Signatures are checked with the test's own HMAC code, never the application's.
 *
 * <p>Concrete classes choose a context with {@code @TestPropertySource(properties = PATIENT)} (a 30 s give-up horizon)
 * or {@link #IMPATIENT} (under a second, for dead letters); each context has its own Redis key prefix, so the two
 * dispatchers never see each other's streams.
 */
@SpringBootTest(classes = WebhookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "ezthrottle.egress.allow=127.0.0.1/32",
        "ezthrottle.webhook.retry-delays=0ms,100ms,200ms,400ms",
        "ezthrottle.webhook.jitter=0",
        "ezthrottle.webhook.timeout=1s",
        "ezthrottle.webhook.lease=2s",
        "ezthrottle.webhook.claim-interval=50ms",
        "ezthrottle.webhook.reclaim-idle=2s",
        // Rotation tests check the very next attempt, so secrets are read at every attempt here.
        "ezthrottle.webhook.signing-cache-ttl=0s",
        "ezthrottle.webhook.receiver.rps=20",
        "ezthrottle.webhook.receiver.burst=1"
})
public abstract class DeliveryIntegrationSupport {

    /** Keys of the context whose deliveries give up after 30 s. */
    public static final String PATIENT = "ezthrottle.redis.key-prefix=wt-patient\nezthrottle.webhook.give-up-after=30s";
    /** Keys of the context whose deliveries give up after 500 ms: attempts at 0, 100 and 300 ms, then dead. */
    public static final String IMPATIENT = "ezthrottle.redis.key-prefix=wt-impatient\nezthrottle.webhook.give-up-after=500ms";

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final Duration WAIT = Duration.ofSeconds(20);

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("ezthrottle.redis.url", () -> RedisTestServer.shared().url());
    }

    @Autowired
    protected RedisJobStore jobs;
    @Autowired
    protected JobStreams streams;
    @Autowired
    protected JobIds ids;
    @Autowired
    protected WebhookSecretStore secrets;
    @Autowired
    protected WebhookSettingsStore settings;
    @Autowired
    protected DeliveryStore deliveries;
    @Autowired
    protected DeadLetterStore deadLetters;

    private final JobPayloadParser parser = new JobPayloadParser();

    protected static String newTenant() {
        return "cust_wh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    protected void setSecrets(String tenant, String primary, String secondary) {
        secrets.save(tenant, new WebhookSecrets(primary, secondary)).block(Duration.ofSeconds(5));
    }

    protected void setScheme(String tenant, SignatureScheme scheme) {
        settings.saveScheme(tenant, scheme).block(Duration.ofSeconds(5));
    }

    /** Plays the worker: a job that finished with {@code response} (2xx = completed), published as a result. */
    protected String finishJob(String tenant, Surface surface, String jobJson, UpstreamResponse response) {
        String id = ids.next();
        recordFinished(id, tenant, surface, jobJson, response);
        streams.publishResult(id).block(Duration.ofSeconds(5));
        return id;
    }

    /** A finished cloud job's record, not yet published as a result. */
    protected void createFinishedJob(String id, String jobJson) {
        recordFinished(id, newTenant(), Surface.CLOUD, jobJson, new UpstreamResponse(200, Map.of(), "{}"));
    }

    private void recordFinished(String id, String tenant, Surface surface, String jobJson, UpstreamResponse response) {
        var spec = parser.parse(JSON.readTree(jobJson));
        String key = spec.idempotentKey() != null ? spec.idempotentKey() : "key-" + id;
        long now = System.currentTimeMillis();
        jobs.create(new JobRecord(id, tenant, surface, JobState.QUEUED, spec.withIdempotentKey(key), key, now, now, 0,
                null, null, null)).block(Duration.ofSeconds(5));
        JobState end = response != null && response.successful() ? JobState.COMPLETED : JobState.FAILED;
        String error = response == null ? "connection refused" : response.successful() ? null : "upstream answered " + response.statusCode();
        jobs.transition(id, end, jobs.outcomeFields(response, error, 1)).block(Duration.ofSeconds(5));
    }

    protected String finishJob(String tenant, String jobJson) {
        return finishJob(tenant, Surface.CLOUD, jobJson, new UpstreamResponse(200, Map.of("content-type", "application/json"), "{\"ok\":true}"));
    }

    protected DeliveryView view(String jobId) {
        return deliveries.view(jobId).block(Duration.ofSeconds(5));
    }

    protected DeliveryView awaitStatus(String jobId, String status) {
        Await.until(() -> {
            DeliveryView v = view(jobId);
            return v != null && v.status().wire().equals(status);
        }, WAIT, () -> "delivery of " + jobId + " to become " + status + ", is " + view(jobId));
        return view(jobId);
    }

    protected DeliveryView awaitTarget(String jobId, int index, String state) {
        Await.until(() -> {
            DeliveryView v = view(jobId);
            return v != null && v.targets().size() > index && v.targets().get(index).state().equals(state);
        }, WAIT, () -> "webhook " + index + " of " + jobId + " to become " + state + ", is " + view(jobId));
        return view(jobId);
    }

    protected static JsonNode json(byte[] body) {
        return JSON.readTree(body);
    }

    /** Independent check of {@code X-EZThrottle-Signature: t=<s>,v1=<hex HMAC-SHA256("<t>.<body>")>}. */
    protected static boolean ezthrottleSignatureValid(String header, byte[] body, String secret) {
        if (header == null) {
            return false;
        }
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                t = kv[1];
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null || Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) > 300) {
            return false;
        }
        return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), (t + ".").getBytes(StandardCharsets.UTF_8), body))
                .equals(v1);
    }

    protected static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
