package io.ezthrottle.webhook.delivery;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.ezthrottle.core.throttle.Destination;
import org.springframework.stereotype.Component;

/**
 * Webhook URLs parsed once: the URI the request goes to and the receiver domain it is paced by. A tenant's
 * webhooks are the same few URLs for job after job, and parsing each twice per attempt (for the domain, then for
 * the request) showed in profiles at thousands of deliveries per second.
 */
@Component
public class WebhookAddresses {

    /** Bounds memory; a miss only costs a parse. */
    private static final int MAX_CACHED = 10_000;

    private final Map<String, Address> parsed = new ConcurrentHashMap<>();

    /**
     * @param uri    where the request goes
     * @param domain the receiver domain (host plus non-default port), see {@link Destination#of(String)}
     */
    public record Address(URI uri, String domain) {
    }

    /** The parsed address; throws {@link IllegalArgumentException} (or another runtime exception) for a bad URL. */
    public Address of(String url) {
        Address hit = parsed.get(url);
        if (hit != null) {
            return hit;
        }
        Address fresh = new Address(URI.create(url), Destination.of(url));
        if (parsed.size() >= MAX_CACHED) {
            parsed.clear();
        }
        parsed.put(url, fresh);
        return fresh;
    }
}
