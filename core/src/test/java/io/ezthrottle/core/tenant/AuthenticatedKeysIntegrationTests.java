package io.ezthrottle.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import io.ezthrottle.core.redis.RedisClientFactory;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Authentication answers are remembered per replica, and a change made through another replica (its own Redis
 * client, as in a deployment) makes this one forget them at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticatedKeysIntegrationTests {

    private static final Duration T = Duration.ofSeconds(10);
    private static final Duration PROMPTLY = Duration.ofSeconds(1);

    private RedissonClient here;
    private RedissonClient there;
    private RedisKeys keys;
    private TenantStore tenants;
    private ApiKeyStore otherApiKeys;
    private TenantStore otherTenants;

    @BeforeAll
    void connect() {
        keys = new RedisKeys("tst-" + UUID.randomUUID());
        here = RedisClientFactory.create(RedisTestServer.shared().url(), 4);
        there = RedisClientFactory.create(RedisTestServer.shared().url(), 4);
        tenants = new TenantStore(here.reactive(), keys,
                new ApiKeyStore(here.reactive(), keys, new ApiKeys(), Clock.systemUTC()), Clock.systemUTC());
        otherApiKeys = new ApiKeyStore(there.reactive(), keys, new ApiKeys(), Clock.systemUTC());
        otherTenants = new TenantStore(there.reactive(), keys, otherApiKeys, Clock.systemUTC());
    }

    @AfterAll
    void disconnect() {
        here.shutdown();
        there.shutdown();
    }

    /** Authenticates here until the answer is served from memory (the subscription is confirmed in the background). */
    private void rememberedHere(IssuedKey key, Tenant tenant) {
        Await.until(() -> {
            assertThat(tenants.authenticate(key.apiKey()).block(T)).isEqualTo(tenant);
            // bypass the stores: only a remembered answer survives the mapping's absence
            String hash = ApiKeys.hash(key.apiKey());
            var mapping = here.<String>getBucket(keys.apiKey(hash), StringCodec.INSTANCE);
            mapping.delete();
            boolean remembered = tenant.equals(tenants.authenticate(key.apiKey()).block(T));
            mapping.set(tenant.id());
            return remembered;
        }, T, () -> "answer never remembered");
    }

    @Test
    void aKeyRevokedThroughAnotherReplicaIsForgottenAtOnce() {
        Tenant tenant = otherTenants.create("Remembered", Tier.FREE).block(T);
        IssuedKey key = otherApiKeys.issue(tenant.id(), "").block(T);
        rememberedHere(key, tenant);

        assertThat(otherApiKeys.revoke(tenant.id(), key.info().id()).block(T)).isTrue();

        Await.until(() -> tenants.authenticate(key.apiKey()).blockOptional(T).isEmpty(), PROMPTLY,
                () -> "revoked key still accepted here");
    }

    @Test
    void aTierChangedThroughAnotherReplicaIsSeenAtOnce() {
        Tenant tenant = otherTenants.create("Upgraded", Tier.FREE).block(T);
        IssuedKey key = otherApiKeys.issue(tenant.id(), "").block(T);
        rememberedHere(key, tenant);

        otherTenants.update(tenant.id(), null, Tier.PRO).block(T);

        Await.until(() -> tenants.authenticate(key.apiKey()).block(T).tier() == Tier.PRO, PROMPTLY,
                () -> "old tier still served here");
    }

    @Test
    void aDeletedTenantIsForgottenAtOnce() {
        Tenant tenant = otherTenants.create("Gone", Tier.FREE).block(T);
        IssuedKey key = otherApiKeys.issue(tenant.id(), "").block(T);
        rememberedHere(key, tenant);

        assertThat(otherTenants.delete(tenant.id()).block(T)).isTrue();

        Await.until(() -> tenants.authenticate(key.apiKey()).blockOptional(T).isEmpty(), PROMPTLY,
                () -> "deleted tenant's key still accepted here");
    }

    @Test
    void unknownKeysAreNeverRemembered() {
        Tenant tenant = otherTenants.create("Later", Tier.FREE).block(T);
        String key = new ApiKeys().generate();
        assertThat(tenants.authenticate(key).blockOptional(T)).isEmpty();

        // written behind the stores' back, so no change message: only a fresh read can find it
        here.getBucket(keys.apiKey(ApiKeys.hash(key)), StringCodec.INSTANCE).set(tenant.id());

        assertThat(tenants.authenticate(key).block(T)).isEqualTo(tenant);
    }
}
