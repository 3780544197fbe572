package io.ezthrottle.webhook.delivery;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.ezthrottle.core.egress.EgressDeniedException;
import io.ezthrottle.core.egress.EgressPolicy;
import io.ezthrottle.core.egress.GuardedAddressResolverGroup;
import io.ezthrottle.webhook.WebhookProperties;
import io.ezthrottle.webhook.retry.RetryAfter;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.ReadTimeoutException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Makes one POST of a webhook body and classifies the result; never errors. Redirects are not followed (a
 * receiver must answer at the URL it registered) and every address goes through the SSRF guard.
 *
 * <p>Uses Reactor Netty's client directly rather than {@code WebClient}: a delivery needs neither codecs nor
 * filters, and at thousands of deliveries per second their per-request cost shows.
 */
@Component
public class WebhookSender implements DisposableBean {

    private static final String USER_AGENT = "EZThrottle-Webhooks/1.0";

    private final HttpClient client;
    private final ConnectionProvider pool;
    private final LoopResources loops;
    private final Duration timeout;
    private final Clock clock;

    public WebhookSender(EgressPolicy egress, WebhookProperties properties, Clock clock) {
        this.timeout = properties.timeout();
        this.clock = clock;
        // Keep-alive connections per receiver, reused across deliveries.
        this.pool = ConnectionProvider.builder("webhooks")
                .maxConnections(properties.maxConnections())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(properties.timeout())
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        // Event loops of its own, one per core (Reactor Netty's default is at least four): deliveries are short
        // non-blocking exchanges, and on a small machine extra loop threads only add context switches.
        this.loops = LoopResources.create("webhook-http", Math.max(1, Runtime.getRuntime().availableProcessors()), true);
        this.client = GuardedAddressResolverGroup.guard(HttpClient.create(pool)
                .runOn(loops)
                .followRedirect(false)
                // No responseTimeout: it adds and removes a read-timeout handler on the connection for every
                // request; the whole attempt is bounded by the timeout on the Mono in send() instead.
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeout().toMillis()), egress);
    }

    public Mono<AttemptOutcome> send(URI url, byte[] body, Map<String, String> signatureHeaders) {
        return client.post()
                .uri(url)
                .send((request, out) -> {
                    request.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .header(HttpHeaderNames.USER_AGENT, USER_AGENT)
                            .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
                    signatureHeaders.forEach(request::header);
                    return out.send(Mono.just(Unpooled.wrappedBuffer(body)));
                })
                // The body is read (and released) but not used: only the status and Retry-After matter.
                .responseSingle((response, content) -> content.then(Mono.fromSupplier(() ->
                        classify(response.status().code(), response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER)))))
                // take(timeout) rather than timeout(timeout): the timeout operator builds a descriptive name of its
                // source (class names, string work) on every subscription, a measurable cost at thousands of
                // requests per second; take cancels the exchange the same way and completes empty instead.
                .take(timeout)
                .switchIfEmpty(Mono.fromSupplier(this::timedOut))
                .onErrorResume(e -> Mono.just(unreachable(e)));
    }

    /** Closes the connections and the event loops once the dispatcher has stopped (after in-flight attempts). */
    @Override
    public void destroy() {
        pool.disposeLater().then(loops.disposeLater()).block(timeout.plusSeconds(5));
    }

    private AttemptOutcome classify(int status, String retryAfter) {
        if (status >= 200 && status < 300) {
            return new AttemptOutcome.Delivered(status);
        }
        return new AttemptOutcome.Refused(status, RetryAfter.parse(retryAfter, clock.instant()));
    }

    private AttemptOutcome timedOut() {
        return new AttemptOutcome.Unreachable("no answer within " + timeout.toMillis() + " ms", false);
    }

    private AttemptOutcome unreachable(Throwable e) {
        Throwable root = e;
        while (!(root instanceof EgressDeniedException) && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof EgressDeniedException) {
            return new AttemptOutcome.Unreachable("webhook address refused: " + root.getMessage(), true);
        }
        if (root instanceof TimeoutException || root instanceof ReadTimeoutException) {
            return timedOut();
        }
        String message = root.getMessage();
        return new AttemptOutcome.Unreachable(message == null || message.isBlank() ? root.getClass().getSimpleName() : message,
                false);
    }
}
