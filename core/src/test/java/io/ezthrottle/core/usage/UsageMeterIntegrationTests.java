package io.ezthrottle.core.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import io.ezthrottle.core.redis.RedisClientFactory;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageMeterIntegrationTests {

    private static final Duration T = Duration.ofSeconds(10);
    private static final Instant NOW = Instant.parse("2026-04-30T23:00:00Z");

    private RedissonClient redisson;
    private RedisKeys keys;
    private UsageMeter meter;

    @BeforeAll
    void connect() {
        redisson = RedisClientFactory.create(RedisTestServer.shared().url(), 2);
        keys = new RedisKeys("tst-" + UUID.randomUUID());
        meter = new UsageMeter(redisson.reactive(), keys, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    void disconnect() {
        redisson.shutdown();
    }

    @Test
    void unusedMonthReadsZeroWithTheTiersNumbers() {
        Tenant tenant = new Tenant("cust_" + UUID.randomUUID().toString().replace("-", ""), "t", Tier.GROWTH, 0);

        Usage usage = meter.current(tenant).block(T);

        assertThat(usage.period().id()).isEqualTo("2026-04");
        assertThat(usage.used()).isZero();
        assertThat(usage.included()).isEqualTo(5_000_000);
        assertThat(usage.cap()).isEqualTo(10_000_000);
        assertThat(usage.overage()).isZero();
        assertThat(usage.remaining()).isEqualTo(10_000_000);
    }

    @Test
    void overageIsWhatWasUsedPastTheIncludedAmount() {
        Tenant tenant = new Tenant("cust_" + UUID.randomUUID().toString().replace("-", ""), "t", Tier.INDIE, 0);
        redisson.getBucket(meter.counterKey(tenant.id(), meter.currentPeriod()), StringCodec.INSTANCE).set("2000042");

        Usage usage = meter.current(tenant).block(T);

        assertThat(usage.used()).isEqualTo(2_000_042);
        assertThat(usage.overage()).isEqualTo(42);
        assertThat(usage.remaining()).isEqualTo(5_000_000 - 2_000_042);
    }

    @Test
    void counterLivesUntilWellAfterItsMonthAndSharesTheTenantsHashTag() {
        UsagePeriod april = meter.currentPeriod();

        assertThat(meter.counterTtl(april)).isEqualTo(Duration.ofHours(1).plus(UsageMeter.KEPT_AFTER_PERIOD));
        assertThat(meter.counterKey("cust_a", april)).contains("{cust_a}").endsWith("2026-04");
        assertThat(keys.idempotency("cust_a", "h")).contains("{cust_a}");
    }
}
