package io.ezthrottle.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.ezthrottle.testsupport.HttpStub;
import io.ezthrottle.webhook.DeliveryIntegrationSupport;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Deliveries to one receiver domain are paced (20/s, no burst, in this context); other domains are not held up. */
@TestPropertySource(properties = DeliveryIntegrationSupport.PATIENT)
class ReceiverPacingIntegrationTests extends DeliveryIntegrationSupport {

    @Test
    void aBurstOfResultsReachesOneReceiverAtItsPaceWhileAnotherDomainGoesFirst() {
        try (HttpStub busy = new HttpStub(); HttpStub other = new HttpStub()) {
            String tenant = newTenant();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add(finishJob(tenant, job(busy)));
            }
            String otherJob = finishJob(tenant, job(other));

            List<HttpStub.Request> arrivals = busy.awaitCount(10, WAIT);
            HttpStub.Request otherArrival = other.awaitCount(1, WAIT).get(0);
            List<Long> times = arrivals.stream().map(HttpStub.Request::arrivedNanos).sorted().toList();
            // Tokens are 50 ms apart; the pace governs when requests leave, so arrivals carry some scheduling noise
            // each, but ten of them cannot come faster than nine intervals, nor bunch up in any window.
            assertThat((times.get(9) - times.get(0)) / 1_000_000).as("span of ten arrivals").isGreaterThanOrEqualTo(405);
            for (int i = 3; i < times.size(); i++) {
                assertThat((times.get(i) - times.get(i - 3)) / 1_000_000).as("four arrivals ending with %d", i)
                        .isGreaterThanOrEqualTo(100);
            }
            assertThat(otherArrival.arrivedNanos()).as("the other domain did not queue behind the busy one")
                    .isLessThan(times.get(times.size() - 1));
            ids.forEach(id -> awaitStatus(id, "delivered"));
            awaitStatus(otherJob, "delivered");
        }
    }

    private static String job(HttpStub receiver) {
        return """
                {"url": "https://api.example.com/x", "webhooks": [{"url": "%s/hook"}]}
                """.formatted(receiver.url());
    }
}
