package io.ezthrottle.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;

import io.ezthrottle.core.delivery.DeliveryView;
import io.ezthrottle.testsupport.HttpStub;
import io.ezthrottle.webhook.DeliveryIntegrationSupport;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A job's delivery is done when {@code webhook_quorum} voting webhooks answered 2xx. Voting webhooks still pending
 * then are no longer needed; non-voting ones keep their own retries (best effort) until delivered or dead-lettered.
 */
@TestPropertySource(properties = DeliveryIntegrationSupport.PATIENT)
class QuorumDeliveryIntegrationTests extends DeliveryIntegrationSupport {

    @Test
    void quorumOfTwoMetWhileAThirdVoterIsDownAndANonVoterKeepsRetrying() {
        AtomicBoolean observerUp = new AtomicBoolean(false);
        try (HttpStub a = new HttpStub(); HttpStub b = new HttpStub(); HttpStub down = new HttpStub();
             HttpStub observer = new HttpStub()) {
            down.respond(r -> HttpStub.Response.status(503));
            observer.respond(r -> observerUp.get() ? HttpStub.Response.ok("{}") : HttpStub.Response.status(500));
            String jobId = finishJob(newTenant(), """
                    {"url": "https://api.example.com/x", "webhook_quorum": 2, "webhooks": [
                      {"url": "%s/a", "has_quorum_vote": true}, {"url": "%s/b", "has_quorum_vote": true},
                      {"url": "%s/down", "has_quorum_vote": true}, {"url": "%s/observer", "has_quorum_vote": false}]}
                    """.formatted(a.url(), b.url(), down.url(), observer.url()));

            DeliveryView met = awaitStatus(jobId, "delivered");
            assertThat(met.votes()).isEqualTo(2);
            assertThat(met.votesNeeded()).isEqualTo(2);
            assertThat(met.targets().get(0).state()).isEqualTo("delivered");
            assertThat(met.targets().get(1).state()).isEqualTo("delivered");
            assertThat(met.targets().get(2).state()).as("a voter no longer needed stops").isEqualTo("cancelled");
            assertThat(met.targets().get(3).state()).as("the non-voter keeps trying").isEqualTo("pending");
            assertThat(a.count()).isEqualTo(1);
            assertThat(b.count()).isEqualTo(1);

            observerUp.set(true);
            DeliveryView later = awaitTarget(jobId, 3, "delivered");
            assertThat(observer.requests()).last().satisfies(r -> assertThat(r.path()).isEqualTo("/observer"));
            assertThat(later.targets().get(2).state()).isEqualTo("cancelled");
            assertThat(later.status().wire()).isEqualTo("delivered");
        }
    }

    @Test
    void everyWebhookGetsIdenticalBytes() {
        try (HttpStub a = new HttpStub(); HttpStub b = new HttpStub()) {
            String jobId = finishJob(newTenant(), """
                    {"url": "https://api.example.com/x", "webhooks": [{"url": "%s/a"}, {"url": "%s/b", "has_quorum_vote": false}]}
                    """.formatted(a.url(), b.url()));
            String bodyA = a.awaitCount(1, WAIT).get(0).bodyText();
            String bodyB = b.awaitCount(1, WAIT).get(0).bodyText();
            assertThat(bodyA).isEqualTo(bodyB);
            awaitTarget(jobId, 1, "delivered");
        }
    }
}
