package io.ezthrottle.core.tenant;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.redisson.api.RTopicReactive;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * API keys this replica has resolved to their tenant (key hash → tenant), remembered for a few seconds so that a
 * request costs no Redis read to authenticate. Two Redis reads per request were a third of a submission's round
 * trips.
 *
 * <p>Security first, so a remembered answer never outlives the change that makes it wrong:
 * <ul>
 *   <li>every change that could (a key added or revoked, a tenant changed or deleted) calls {@link #changed} after
 *       it is written: that forgets everything here at once and publishes on a Redis pub/sub channel, on which
 *       every other replica forgets everything too;</li>
 *   <li>answers are remembered only while this replica's subscription is up, and everything is forgotten whenever
 *       it is (re)established, since messages published while it was down are lost;</li>
 *   <li>a lookup that overlapped a change is not remembered (a generation count tells), so a read of the old
 *       value that returns after the change cannot bring it back;</li>
 *   <li>entries expire after {@link #TTL} whatever happens, which bounds the damage of a message lost in flight;</li>
 *   <li>unknown keys are never remembered: a revoked key is refused by a Redis read, and guessing costs memory
 *       nothing.</li>
 * </ul>
 * Forgetting everything on any change is deliberate: such changes are operator actions, rare next to requests, and
 * the cache refills with one read per key in use.
 */
public final class AuthenticatedKeys {

    /** Longest an answer is trusted without a change message (the backstop if one is lost). */
    static final Duration TTL = Duration.ofSeconds(5);
    /** Distinct keys remembered at most; beyond this everything is forgotten (bounded memory under key spraying). */
    static final int MAX_ENTRIES = 10_000;
    private static final Logger log = LoggerFactory.getLogger(AuthenticatedKeys.class);

    private record Entry(Tenant tenant, long expiresAtNanos) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicBoolean subscribing = new AtomicBoolean();
    private final RTopicReactive topic;
    private volatile boolean subscribed;
    private volatile boolean statusListening;
    private volatile boolean messageListening;

    AuthenticatedKeys(RedissonReactiveClient redis, String channel) {
        this.topic = redis.getTopic(channel, StringCodec.INSTANCE);
    }

    /** The tenant remembered for this key hash, or null (then look it up and {@link #remember} it). */
    Tenant get(String keyHash) {
        Entry e = entries.get(keyHash);
        if (e == null) {
            return null;
        }
        if (System.nanoTime() - e.expiresAtNanos() > 0) {
            entries.remove(keyHash, e);
            return null;
        }
        return e.tenant();
    }

    /** Taken before a lookup: {@link #remember} keeps its answer only if nothing changed meanwhile. */
    long generation() {
        ensureSubscribed();
        return generation.get();
    }

    void remember(String keyHash, Tenant tenant, long generationBeforeLookup) {
        if (!subscribed || generation.get() != generationBeforeLookup) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        Entry e = new Entry(tenant, System.nanoTime() + TTL.toNanos());
        entries.put(keyHash, e);
        // A change that landed between the check above and the put has bumped the generation: undo.
        if (generation.get() != generationBeforeLookup) {
            entries.remove(keyHash, e);
        }
    }

    /**
     * Call after a change to keys or tenants is written to Redis: forgets everything here, then tells the other
     * replicas. Completes when Redis has taken the message.
     */
    Mono<Void> changed() {
        return Mono.defer(() -> {
            forgetAll();
            return topic.publish("changed").then();
        });
    }

    private void forgetAll() {
        generation.incrementAndGet();
        entries.clear();
    }

    /**
     * Subscribes in the background; until that is confirmed nothing is remembered. A failed attempt is retried by
     * the next lookup (each listener is registered once).
     */
    private void ensureSubscribed() {
        if (subscribed || !subscribing.compareAndSet(false, true)) {
            return;
        }
        Mono<Integer> status = statusListening ? Mono.empty()
                : topic.addListener(new StatusListener() {
                    @Override
                    public void onSubscribe(String channel) {
                        // (re)subscribed after a disconnection: whatever was published meanwhile is lost
                        forgetAll();
                        subscribed = messageListening;
                    }

                    @Override
                    public void onUnsubscribe(String channel) {
                        subscribed = false;
                        forgetAll();
                    }
                }).doOnNext(id -> statusListening = true);
        Mono<Integer> messages = messageListening ? Mono.empty()
                : topic.addListener(String.class, (channel, message) -> forgetAll())
                        .doOnNext(id -> messageListening = true);
        status.then(messages)
                .doFinally(signal -> subscribing.set(false))
                .subscribe(null, e -> log.warn("API key cache off until the change channel is subscribed: {}",
                        e.toString()), () -> {
                    forgetAll();
                    subscribed = messageListening;
                });
    }
}
