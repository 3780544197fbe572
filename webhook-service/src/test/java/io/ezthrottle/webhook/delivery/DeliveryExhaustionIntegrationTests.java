package io.ezthrottle.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ezthrottle.core.delivery.DeadLetter;
import io.ezthrottle.core.delivery.DeliveryView;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import io.ezthrottle.testsupport.RedisTestServer;
import io.ezthrottle.webhook.DeliveryIntegrationSupport;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A delivery either reaches its quorum or ends in the dead-letter stream with its last error; a replayed letter is
 * delivered like a new one. Here the schedule gives up after 500 ms: attempts at 0, 100 and 300 ms.
 */
@TestPropertySource(properties = DeliveryIntegrationSupport.IMPATIENT)
class DeliveryExhaustionIntegrationTests extends DeliveryIntegrationSupport {

    @Test
    void anExhaustedScheduleEndsInADeadLetterThatReplaysToADelivery() {
        AtomicBoolean fixed = new AtomicBoolean(false);
        try (HttpStub receiver = new HttpStub()) {
            receiver.respond(r -> fixed.get() ? HttpStub.Response.ok("{}") : HttpStub.Response.status(500));
            String tenant = newTenant();
            String jobId = finishJob(tenant, job(receiver.url("/hook")));

            DeliveryView failed = awaitStatus(jobId, "failed");
            assertThat(failed.targets().get(0).state()).isEqualTo("dead");
            assertThat(failed.targets().get(0).attempts()).isEqualTo(3);
            assertThat(receiver.count()).isEqualTo(3);
            DeadLetter letter = onlyLetter(tenant);
            assertThat(letter.jobId()).isEqualTo(jobId);
            assertThat(letter.url()).isEqualTo(receiver.url("/hook"));
            assertThat(letter.lastStatus()).isEqualTo(500);
            assertThat(letter.lastError()).isEqualTo("receiver answered 500");
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.body()).isEqualTo(receiver.requests().get(0).bodyText());
            assertThat(failed.targets().get(0).deadLetter()).isEqualTo(letter.id());

            fixed.set(true);
            deliveries.replay(letter, Duration.ofMinutes(5)).block(Duration.ofSeconds(5));
            deadLetters.remove(tenant, letter.id()).block(Duration.ofSeconds(5));

            DeliveryView delivered = awaitStatus(jobId, "delivered");
            assertThat(delivered.targets().get(0).state()).isEqualTo("delivered");
            assertThat(receiver.count()).as("three refused, then exactly one accepted").isEqualTo(4);
            assertThat(receiver.requests().get(3).bodyText()).isEqualTo(letter.body());
            assertThat(deadLetters.list(tenant, 10, null).block(Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void quorumNotMetWhenAVoterNeverAnswers() {
        int closedPort = RedisTestServer.freePort(); // nothing listens there: connection refused
        try (HttpStub up = new HttpStub()) {
            String tenant = newTenant();
            String jobId = finishJob(tenant, """
                    {"url": "https://api.example.com/x", "webhook_quorum": 2,
                     "webhooks": [{"url": "%s/up"}, {"url": "http://127.0.0.1:%d/down"}]}
                    """.formatted(up.url(), closedPort));

            DeliveryView failed = awaitStatus(jobId, "failed");
            assertThat(failed.votes()).isEqualTo(1);
            assertThat(failed.targets().get(0).state()).isEqualTo("delivered");
            assertThat(failed.targets().get(1).state()).isEqualTo("dead");
            DeadLetter letter = onlyLetter(tenant);
            assertThat(letter.url()).isEqualTo("http://127.0.0.1:" + closedPort + "/down");
            assertThat(letter.lastStatus()).as("no HTTP answer").isZero();
            assertThat(letter.lastError()).containsIgnoringCase("refused");
        }
    }

    @Test
    void aForbiddenAddressIsDeadLetteredWithoutRetrying() {
        String tenant = newTenant();
        String jobId = finishJob(tenant, job("http://10.20.30.40/hook"));

        DeliveryView failed = awaitStatus(jobId, "failed");
        assertThat(failed.targets().get(0).attempts()).isEqualTo(1);
        assertThat(onlyLetter(tenant).lastError()).startsWith("webhook address refused");
    }

    private DeadLetter onlyLetter(String tenant) {
        Await.until(() -> !deadLetters.list(tenant, 10, null).block(Duration.ofSeconds(5)).isEmpty(), WAIT,
                () -> "a dead letter for " + tenant);
        List<DeadLetter> letters = deadLetters.list(tenant, 10, null).block(Duration.ofSeconds(5));
        assertThat(letters).hasSize(1);
        return letters.get(0);
    }

    private static String job(String webhook) {
        return """
                {"url": "https://api.example.com/x", "webhooks": [{"url": "%s"}]}
                """.formatted(webhook);
    }
}
