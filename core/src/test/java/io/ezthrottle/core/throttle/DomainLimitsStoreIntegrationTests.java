package io.ezthrottle.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ezthrottle.core.redis.RedisClientFactory;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.Disposable;

/** The destination's shared pause after failed answers, and the last 429 kept for operators, in a real Redis. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DomainLimitsStoreIntegrationTests {

    private static final Duration T = Duration.ofSeconds(10);
    private static final Duration BASE = Duration.ofMillis(500);
    private static final Duration MAX = Duration.ofSeconds(30);

    private RedissonClient redisson;
    private RedisKeys keys;
    private DomainLimitsStore store;

    @BeforeAll
    void connect() {
        redisson = RedisClientFactory.create(RedisTestServer.shared().url(), 4);
        keys = new RedisKeys("dls-" + UUID.randomUUID());
        store = new DomainLimitsStore(redisson.reactive(), keys, PacingDefaults.DEFAULT, Map.of(),
                Duration.ofMinutes(5), Clock.systemUTC());
    }

    @AfterAll
    void disconnect() {
        redisson.shutdown();
    }

    private static String fresh() {
        return "api-" + UUID.randomUUID() + ".example.test";
    }

    private Map<String, String> hash(String destination) {
        return redisson.<String, String>getMap(keys.domainLimits(destination), StringCodec.INSTANCE).readAllMap();
    }

    private long pausedFor(String destination) {
        return store.read(destination).block(T).pausedUntil() - System.currentTimeMillis();
    }

    /** Makes the pause in force end now, as if it had run out, keeping the streak. */
    private void expirePause(String destination) {
        redisson.<String, String>getMap(keys.domainLimits(destination), StringCodec.INSTANCE)
                .put("paused_until", Long.toString(System.currentTimeMillis() - 1));
    }

    private boolean fail(String destination) {
        return store.slowDown(destination, false, Optional.empty(), BASE, MAX).block(T);
    }

    @RepeatedTest(5)
    void consecutiveFailuresPauseLongerEachTimeWithJitterUpToTheCap() {
        String d = fresh();
        long expected = BASE.toMillis();
        for (int failure = 1; failure <= 9; failure++) {
            assertThat(fail(d)).as("failure %d moves the pause", failure).isTrue();
            long pause = pausedFor(d);
            long full = Math.min(expected, MAX.toMillis());
            // equal jitter: between half and all of the step (slack for the time the calls take on a loaded box)
            assertThat(pause).as("pause after failure %d", failure).isBetween(full / 2 - 500, full);
            expected *= 2;
            expirePause(d);
        }
        assertThat(hash(d)).containsEntry("fail_streak", "9");
    }

    @Test
    void failuresArrivingWhileAPauseIsInForceDoNotGrowIt() {
        String d = fresh();
        fail(d);
        long until = store.read(d).block(T).pausedUntil();
        // the rest of a batch that was already on its way when the outage began
        for (int i = 0; i < 5; i++) {
            assertThat(fail(d)).isFalse();
        }
        assertThat(store.read(d).block(T).pausedUntil()).isEqualTo(until);
        assertThat(hash(d)).containsEntry("fail_streak", "1");
    }

    @Test
    void aFailingDestinationTakesOneProbeAtATimeAndTheFirstSuccessClearsEverything() {
        String d = fresh();
        store.override(d, 50.0, 20).block(T);
        assertThat(store.read(d).block(T).maxConcurrent()).isEqualTo(20);
        fail(d);
        fail(d);
        assertThat(store.read(d).block(T).maxConcurrent()).isEqualTo(1);

        assertThat(store.recover(d).block(T)).isTrue();
        DomainLimits after = store.read(d).block(T);
        assertThat(after.maxConcurrent()).isEqualTo(20);
        assertThat(after.pausedUntil()).isZero();
        assertThat(hash(d)).doesNotContainKeys("fail_streak", "backoff_until", "paused_until");
        assertThat(store.recover(d).block(T)).as("nothing left to clear").isFalse();
        // the next failure starts from the base again
        fail(d);
        assertThat(pausedFor(d)).isLessThanOrEqualTo(BASE.toMillis());
        // an operator override keeps its hash forever: the pause gave it no expiry
        assertThat(redisson.getMap(keys.domainLimits(d)).remainTimeToLive()).isEqualTo(-1);
    }

    @Test
    void retryAfterWinsOverTheStreakAndASuccessDoesNotCutItShort() {
        String d = fresh();
        fail(d);
        expirePause(d);
        assertThat(store.slowDown(d, false, Optional.of(Duration.ofSeconds(20)), BASE, MAX).block(T)).isTrue();
        assertThat(pausedFor(d)).isBetween(15_000L, 20_000L);
        assertThat(hash(d)).as("a Retry-After is not a guess: the streak stays").containsEntry("fail_streak", "1");
        // a shorter Retry-After never shortens a pause in force
        assertThat(store.slowDown(d, false, Optional.of(Duration.ofSeconds(2)), BASE, MAX).block(T)).isFalse();
        assertThat(pausedFor(d)).isGreaterThan(15_000L);
        // a request that was in flight before the pause succeeds: the streak ends, the upstream's pause stands
        store.recover(d).block(T);
        assertThat(pausedFor(d)).isGreaterThan(15_000L);
        assertThat(hash(d)).doesNotContainKey("fail_streak");
        assertThat(redisson.getMap(keys.domainLimits(d)).remainTimeToLive()).isGreaterThan(15_000L);
    }

    @Test
    void a429IsRecordedWithItsRetryAfterOrZero() {
        String d = fresh();
        assertThat(store.last429(d).block(T)).isEqualTo(DomainLimitsStore.Last429.NEVER);
        long before = System.currentTimeMillis();
        store.slowDown(d, true, Optional.of(Duration.ofMillis(1500)), BASE, MAX).block(T);
        DomainLimitsStore.Last429 first = store.last429(d).block(T);
        assertThat(first.at()).isBetween(before, System.currentTimeMillis());
        assertThat(first.retryAfterMs()).isEqualTo(1500);

        store.slowDown(d, true, Optional.empty(), BASE, MAX).block(T);
        assertThat(store.last429(d).block(T).retryAfterMs()).isZero();
        assertThat(hash(d)).containsEntry("last_429_retry_after_ms", "0").containsKey("last_429_at");
        // a 503 is no 429
        String other = fresh();
        fail(other);
        assertThat(hash(other)).doesNotContainKey("last_429_at");
        // the hash does not outlive its use
        assertThat(redisson.getMap(keys.domainLimits(other)).remainTimeToLive()).isPositive();
    }

    @Test
    void everyReplicaHearsOfAMovedPause() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Disposable listening = store.changes().subscribe(heard::add);
        try {
            String d = fresh();
            // the subscription is made asynchronously: keep failing until it is in place
            Await.until(() -> {
                expirePause(d);
                fail(d);
                return heard.contains(d);
            }, T, () -> "pause announced");
            heard.clear();
            store.recover(d).block(T);
            Await.until(() -> heard.contains(d), T, () -> "recovery announced");
        } finally {
            listening.dispose();
        }
    }
}
