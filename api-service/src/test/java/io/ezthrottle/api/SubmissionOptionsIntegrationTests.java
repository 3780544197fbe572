package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.ezthrottle.core.queue.LiveRegions;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.core.throttle.DomainLimitsStore;
import org.junit.jupiter.api.Test;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;

/**
 * What a submission can ask for besides the job itself: the account-queue switch (headers of compat-protocol §1.5,
 * also on the cloud surface and through the proxy) and a strict region that is unavailable (the job fails at once,
 * the reply says so, the failed webhook is on its way).
 */
class SubmissionOptionsIntegrationTests extends ApiIntegrationSupport {

    private static final String JOBS = "/api/v1/jobs";

    @Autowired
    DomainLimitsStore domainLimits;

    @Autowired
    LiveRegions liveRegions;

    @Test
    void accountQueueHeaderSwitchesTheDestinationOnAndOff() {
        String host = "aq-" + unique() + ".example.com";
        String url = "https://" + host + "/path";

        Reply on = send(HttpMethod.POST, JOBS, BOOTSTRAP_KEY, job(url), Map.of("X-EZThrottle-Account-Queue", "Enabled "));
        assertThat(on.status()).as(on.toString()).isEqualTo(201);
        assertThat(accountQueue(host)).isTrue();

        // unknown values are ignored, the setting stays
        send(HttpMethod.POST, JOBS, BOOTSTRAP_KEY, job(url), Map.of("X-EZThrottle-Account-Queue", "maybe"));
        assertThat(accountQueue(host)).isTrue();

        // the Aqueduct spelling is read first
        send(HttpMethod.POST, JOBS, BOOTSTRAP_KEY, job(url),
                Map.of("X-Aqueduct-Account-Queue", "disabled", "X-EZThrottle-Account-Queue", "enabled"));
        assertThat(accountQueue(host)).isFalse();
    }

    @Test
    void accountQueueHeaderAlsoWorksInsideAProxyEnvelopeAndKeysByHostAndPort() {
        String host = "aq-proxy-" + unique() + ".example.com";
        String envelope = JSON.createObjectNode().put("target_url", "https://ezthrottle.fly.dev/api/v1/jobs")
                .put("method", "POST").put("body", job("https://" + host + ":8443/x"))
                .set("headers", JSON.createObjectNode().put("X-Aqueduct-Account-Queue", "enabled")).toString();

        Reply reply = post("/api/v1/proxy", BOOTSTRAP_KEY, envelope);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(accountQueue(host + ":8443")).isTrue();
        assertThat(accountQueue(host)).isFalse();
    }

    @Test
    void invalidSubmissionDoesNotTouchTheDestination() {
        String host = "aq-invalid-" + unique() + ".example.com";

        Reply refused = send(HttpMethod.POST, JOBS, BOOTSTRAP_KEY,
                "{\"url\": \"https://" + host + "/\", \"method\": 5}", Map.of("X-EZThrottle-Account-Queue", "enabled"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(redisson.getMap(keys.domainLimits(host)).isExists()).isFalse();
    }

    @Test
    void strictRegionThatIsUnavailableFailsTheJobAtOnceAndSaysSo() {
        // some worker is alive, just not in the region asked for (as a worker announces itself)
        liveRegions.beat("it-elsewhere", "it-worker", 60_000).block(Duration.ofSeconds(10));
        try {
            strictRegionFailsAtOnce();
        } finally {
            liveRegions.leave("it-elsewhere", "it-worker").block(Duration.ofSeconds(10));
        }
    }

    private void strictRegionFailsAtOnce() {
        String key = "strict-" + unique();
        String body = """
                {"url": "https://api.example.com/strict/%s", "regions": ["zz-nowhere"], "region_policy": "strict",
                 "webhooks": [{"url": "https://hooks.example.com/w"}], "idempotent_key": "%s"}""".formatted(unique(), key);
        long intake = intakeSize();

        Reply reply = post(JOBS, BOOTSTRAP_KEY, body);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.text("status")).isEqualTo("failed");
        assertThat(reply.text("error")).contains("region unavailable").contains("zz-nowhere");
        assertThat(reply.text("idempotent_key")).isEqualTo(key);
        String jobId = reply.text("job_id");
        assertThat(intakeSize()).isEqualTo(intake);
        // its result goes to the webhook dispatcher like any finished job
        assertThat(redisson.<String, String>getStream(keys.resultStream(), StringCodec.INSTANCE)
                .range(StreamMessageId.MIN, StreamMessageId.MAX).values())
                .anySatisfy(e -> assertThat(e.get(StreamGroups.JOB_ID)).isEqualTo(jobId));
        Reply status = get(JOBS + "/" + jobId, BOOTSTRAP_KEY);
        assertThat(status.text("status")).isEqualTo("failed");

        // a repeat reports the same outcome
        Reply again = post(JOBS, BOOTSTRAP_KEY, body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("job_id")).isEqualTo(jobId);
        assertThat(again.text("status")).isEqualTo("failed");
        assertThat(again.text("error")).contains("region unavailable");
    }

    private boolean accountQueue(String destination) {
        return domainLimits.read(destination).block(Duration.ofSeconds(10)).accountQueue();
    }

    private static String job(String url) {
        return "{\"url\": \"" + url + "\", \"idempotent_key\": \"aq-" + unique() + "\"}";
    }
}
