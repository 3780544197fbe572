package io.ezthrottle.webhook.pacing;

import java.util.concurrent.ConcurrentHashMap;

import io.ezthrottle.webhook.WebhookProperties;
import org.springframework.stereotype.Component;

/**
 * Caps concurrent requests to one receiver domain from this replica: the token bucket bounds the rate, this bounds
 * how many slow requests can pile up on an endpoint that stopped answering quickly.
 */
@Component
public class ReceiverSlots {

    private final int max;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    public ReceiverSlots(WebhookProperties properties) {
        this.max = properties.receiver().maxInFlight();
    }

    public boolean tryAcquire(String domain) {
        boolean[] taken = {false};
        inFlight.compute(domain, (d, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    public void release(String domain) {
        inFlight.compute(domain, (d, n) -> n == null || n <= 1 ? null : n - 1);
    }
}
