package io.ezthrottle.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.ezthrottle.core.redis.RedisClientFactory;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** Tenants and API keys in a real Redis, under a key prefix of this class's own. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantStoreIntegrationTests {

    private static final Duration T = Duration.ofSeconds(10);

    private RedissonClient redisson;
    private RedisKeys keys;
    private ApiKeyStore apiKeys;
    private TenantStore tenants;

    @BeforeAll
    void connect() {
        redisson = RedisClientFactory.create(RedisTestServer.shared().url(), 4);
        keys = new RedisKeys("tst-" + UUID.randomUUID());
        apiKeys = new ApiKeyStore(redisson.reactive(), keys, new ApiKeys(), Clock.systemUTC());
        tenants = new TenantStore(redisson.reactive(), keys, apiKeys, Clock.systemUTC());
    }

    @AfterAll
    void disconnect() {
        redisson.shutdown();
    }

    @Test
    void issuedKeyAuthenticatesAndIsStoredOnlyAsItsHash() {
        Tenant tenant = tenants.create("Acme", Tier.INDIE).block(T);
        IssuedKey issued = apiKeys.issue(tenant.id(), "ci").block(T);

        assertThat(issued.apiKey()).matches("ezt_live_[A-Za-z0-9]{32}");
        assertThat(issued.info().prefix()).isEqualTo(issued.apiKey().substring(0, 12));
        assertThat(issued.info().label()).isEqualTo("ci");
        assertThat(issued.toString()).doesNotContain(issued.apiKey());
        assertThat(tenants.authenticate(issued.apiKey()).block(T)).isEqualTo(tenant);

        // nothing under our prefix holds the clear key, in a key name or a value
        for (String key : redisson.getKeys().getKeysByPattern(keys.prefix() + ":*")) {
            assertThat(key).doesNotContain(issued.apiKey());
            var type = redisson.getKeys().getType(key);
            String dump = switch (type) {
                case OBJECT -> String.valueOf(redisson.getBucket(key, StringCodec.INSTANCE).get());
                case MAP -> String.valueOf(redisson.getMap(key, StringCodec.INSTANCE).readAllMap());
                case SET -> String.valueOf(redisson.getSet(key, StringCodec.INSTANCE).readAll());
                default -> "";
            };
            assertThat(dump).as(key).doesNotContain(issued.apiKey());
        }
    }

    @Test
    void severalKeysPerTenantEachRevocableOnItsOwn() {
        Tenant tenant = tenants.create("Multi", Tier.FREE).block(T);
        IssuedKey first = apiKeys.issue(tenant.id(), "one").block(T);
        IssuedKey second = apiKeys.issue(tenant.id(), "two").block(T);

        List<ApiKeyInfo> listed = apiKeys.list(tenant.id()).collectList().block(T);
        assertThat(listed).extracting(ApiKeyInfo::id).containsExactlyInAnyOrder(first.info().id(), second.info().id());
        assertThat(listed).extracting(ApiKeyInfo::label).containsExactlyInAnyOrder("one", "two");

        assertThat(apiKeys.revoke(tenant.id(), first.info().id()).block(T)).isTrue();

        assertThat(tenants.authenticate(first.apiKey()).blockOptional(T)).isEmpty();
        assertThat(tenants.authenticate(second.apiKey()).block(T)).isEqualTo(tenant);
        assertThat(apiKeys.list(tenant.id()).collectList().block(T)).extracting(ApiKeyInfo::id)
                .containsExactly(second.info().id());
        assertThat(apiKeys.revoke(tenant.id(), first.info().id()).block(T)).isFalse();
    }

    @Test
    void aKeyCannotBeRevokedThroughAnotherTenant() {
        Tenant owner = tenants.create("Owner", Tier.FREE).block(T);
        Tenant other = tenants.create("Other", Tier.FREE).block(T);
        IssuedKey key = apiKeys.issue(owner.id(), "").block(T);

        assertThat(apiKeys.revoke(other.id(), key.info().id()).block(T)).isFalse();
        assertThat(tenants.authenticate(key.apiKey()).block(T)).isEqualTo(owner);
    }

    @Test
    void updateChangesTierAndNameAndDeleteRevokesEverything() {
        Tenant tenant = tenants.create("Before", Tier.FREE).block(T);
        IssuedKey key = apiKeys.issue(tenant.id(), "").block(T);

        Tenant updated = tenants.update(tenant.id(), "After", Tier.PRO).block(T);
        assertThat(updated.name()).isEqualTo("After");
        assertThat(updated.tier()).isEqualTo(Tier.PRO);
        assertThat(tenants.authenticate(key.apiKey()).block(T).tier()).isEqualTo(Tier.PRO);
        assertThat(tenants.list().collectList().block(T)).extracting(Tenant::id).contains(tenant.id());

        assertThat(tenants.delete(tenant.id()).block(T)).isTrue();

        assertThat(tenants.authenticate(key.apiKey()).blockOptional(T)).isEmpty();
        assertThat(tenants.find(tenant.id()).blockOptional(T)).isEmpty();
        assertThat(tenants.list().collectList().block(T)).extracting(Tenant::id).doesNotContain(tenant.id());
        assertThat(tenants.delete(tenant.id()).block(T)).isFalse();
        assertThat(tenants.update(tenant.id(), "x", null).blockOptional(T)).isEmpty();
    }

    @Test
    void bootstrapIsIdempotentAndKeepsATierChangedLater() {
        String key = "ezt_bootstrap_" + UUID.randomUUID();
        Tenant first = tenants.bootstrap(key).block(T);
        assertThat(first.tier()).isEqualTo(Tier.top());

        tenants.update(first.id(), null, Tier.GROWTH).block(T);
        Tenant again = tenants.bootstrap(key).block(T);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.tier()).isEqualTo(Tier.GROWTH);
        assertThat(apiKeys.list(first.id()).collectList().block(T)).hasSize(1);
        assertThat(tenants.authenticate(key).block(T).id()).isEqualTo(first.id());
    }

    @Test
    void implausibleIdsAndKeysNeverReachRedis() {
        assertThat(tenants.find("cust_}{evil").blockOptional(T)).isEmpty();
        assertThat(tenants.authenticate(null).blockOptional(T)).isEmpty();
        assertThat(tenants.authenticate("x".repeat(300)).blockOptional(T)).isEmpty();
    }
}
