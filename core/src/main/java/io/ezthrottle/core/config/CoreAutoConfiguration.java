package io.ezthrottle.core.config;

import java.time.Clock;

import io.ezthrottle.core.egress.EgressPolicy;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobJson;
import io.ezthrottle.core.job.JobLimits;
import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobRetention;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.RedisClientFactory;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.secret.SecretCipher;
import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.signing.WebhookSigner;
import io.ezthrottle.core.tenant.ApiKeys;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.throttle.DomainRateLimiter;
import io.ezthrottle.core.throttle.PacingDefaults;
import org.redisson.api.RedissonClient;
import org.redisson.api.RedissonReactiveClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.PropertySource;

/**
 * The shared beans every service needs: Redis client, keyspace, job store, tenants, secrets, signer, egress
 * policy, per-domain limiter.
 */
@AutoConfiguration
@EnableConfigurationProperties(CoreProperties.class)
@PropertySource("classpath:ezthrottle-core.properties")
public class CoreAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CoreAutoConfiguration.class);
    /** Used only when no master key is configured, so a fresh local run works; never for production. */
    private static final String DEVELOPMENT_MASTER_KEY = "ezthrottle-development-master-key";

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    RedisKeys redisKeys(CoreProperties properties) {
        return new RedisKeys(properties.redis().keyPrefix());
    }

    @Bean(destroyMethod = "shutdown")
    @ConditionalOnMissingBean
    RedissonClient redissonClient(CoreProperties properties) {
        return RedisClientFactory.create(properties.redis().url(), properties.redis().poolSize());
    }

    @Bean
    RedissonReactiveClient redissonReactiveClient(RedissonClient client) {
        return client.reactive();
    }

    @Bean
    io.ezthrottle.core.redis.JobStreams jobStreams(RedissonReactiveClient redis, RedisKeys keys) {
        return new io.ezthrottle.core.redis.JobStreams(redis, keys);
    }

    @Bean
    io.ezthrottle.core.queue.AttemptLedger attemptLedger(RedissonReactiveClient redis, RedisKeys keys,
                                                         JobRetention retention, Clock clock) {
        return new io.ezthrottle.core.queue.AttemptLedger(redis, keys, retention, clock);
    }

    @Bean
    io.ezthrottle.core.queue.LiveRegions liveRegions(RedissonReactiveClient redis, RedisKeys keys, Clock clock) {
        return new io.ezthrottle.core.queue.LiveRegions(redis, keys, clock);
    }

    @Bean
    io.ezthrottle.core.queue.JobQueue jobQueue(RedissonReactiveClient redis, RedisKeys keys,
                                               io.ezthrottle.core.queue.AttemptLedger ledger,
                                               io.ezthrottle.core.queue.LiveRegions regions,
                                               io.ezthrottle.core.redis.JobStreams streams, Clock clock) {
        return new io.ezthrottle.core.queue.JobQueue(redis, keys, ledger, regions, streams, clock);
    }

    @Bean
    JobLimits jobLimits() {
        return JobLimits.DEFAULT;
    }

    @Bean
    JobPayloadParser jobPayloadParser(JobLimits limits) {
        return new JobPayloadParser(limits);
    }

    @Bean
    JobJson jobJson(JobPayloadParser parser) {
        return new JobJson(parser);
    }

    @Bean
    JobIds jobIds(Clock clock) {
        return new JobIds(clock);
    }

    @Bean
    JobRetention jobRetention(CoreProperties properties) {
        var r = properties.retention();
        return new JobRetention(r.queued(), r.completed(), r.failed());
    }

    @Bean
    RedisJobStore redisJobStore(RedissonReactiveClient redis, RedissonClient redisson, RedisKeys keys, JobJson json,
                                JobRetention retention, Clock clock) {
        return new RedisJobStore(redis, redisson, keys, json, retention, clock);
    }

    @Bean
    io.ezthrottle.core.tenant.ApiKeyStore apiKeyStore(RedissonReactiveClient redis, RedisKeys keys, ApiKeys apiKeys,
                                                      Clock clock) {
        return new io.ezthrottle.core.tenant.ApiKeyStore(redis, keys, apiKeys, clock);
    }

    @Bean
    TenantStore tenantStore(RedissonReactiveClient redis, RedisKeys keys,
                            io.ezthrottle.core.tenant.ApiKeyStore apiKeyStore, Clock clock) {
        return new TenantStore(redis, keys, apiKeyStore, clock);
    }

    @Bean
    io.ezthrottle.core.usage.UsageMeter usageMeter(RedissonReactiveClient redis, RedisKeys keys, Clock clock) {
        return new io.ezthrottle.core.usage.UsageMeter(redis, keys, clock);
    }

    @Bean
    ApiKeys apiKeys() {
        return new ApiKeys();
    }

    @Bean
    SecretCipher secretCipher(CoreProperties properties) {
        String master = properties.masterKey();
        if (master == null || master.isBlank()) {
            log.warn("EZTHROTTLE_MASTER_KEY is not set: webhook secrets are encrypted with the built-in development"
                    + " key. Set a random master key before storing real secrets.");
            master = DEVELOPMENT_MASTER_KEY;
        }
        return new SecretCipher(master);
    }

    @Bean
    WebhookSecretStore webhookSecretStore(RedissonReactiveClient redis, RedisKeys keys, SecretCipher cipher) {
        return new WebhookSecretStore(redis, keys, cipher);
    }

    @Bean
    WebhookSigner webhookSigner() {
        return new WebhookSigner();
    }

    @Bean
    EgressPolicy egressPolicy(CoreProperties properties) {
        return new EgressPolicy(properties.egress().allow());
    }

    @Bean
    PacingDefaults pacingDefaults(CoreProperties properties) {
        var p = properties.pacing();
        return new PacingDefaults(p.defaultRps(), p.floorRps(), p.defaultMaxConcurrent());
    }

    /**
     * Each reactive service gets event loops of its own: with Reactor Netty's global resources, closing one service
     * (the launcher runs several in one JVM) would shut down the loops of all the others.
     */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnClass(
            name = "org.springframework.http.client.ReactorResourceFactory")
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication(
            type = org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type.REACTIVE)
    static class OwnEventLoopsConfiguration {
        @Bean
        @ConditionalOnMissingBean
        org.springframework.http.client.ReactorResourceFactory reactorResourceFactory() {
            var factory = new org.springframework.http.client.ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            return factory;
        }
    }

    /** Registered only where Actuator's health support is present. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnClass(
            name = "org.springframework.boot.health.contributor.ReactiveHealthIndicator")
    static class RedisHealthConfiguration {
        @Bean
        io.ezthrottle.core.redis.RedisHealthIndicator redisHealthIndicator(RedissonReactiveClient redis) {
            return new io.ezthrottle.core.redis.RedisHealthIndicator(redis);
        }
    }

    @Bean
    io.ezthrottle.core.throttle.DomainLimitsStore domainLimitsStore(RedissonReactiveClient redis, RedisKeys keys,
                                                                    PacingDefaults defaults, CoreProperties properties,
                                                                    Clock clock) {
        java.util.Map<String, io.ezthrottle.core.throttle.DomainLimits> configured = new java.util.HashMap<>();
        properties.pacing().domains().forEach((host, pace) -> configured.put(host.toLowerCase(java.util.Locale.ROOT),
                new io.ezthrottle.core.throttle.DomainLimits(
                        pace.rps() == null ? defaults.rps() : pace.rps(),
                        pace.maxConcurrent() == null ? defaults.maxConcurrent() : pace.maxConcurrent(), 0, "configured")));
        return new io.ezthrottle.core.throttle.DomainLimitsStore(redis, keys, defaults, configured,
                properties.pacing().learnedIdle(), clock);
    }

    @Bean
    io.ezthrottle.core.throttle.InFlightLimiter inFlightLimiter(RedissonReactiveClient redis, RedisKeys keys, Clock clock) {
        return new io.ezthrottle.core.throttle.InFlightLimiter(redis, keys, clock);
    }

    @Bean(destroyMethod = "close")
    DomainRateLimiter domainRateLimiter(RedissonClient redisson, RedisKeys keys) {
        return new DomainRateLimiter(redisson, keys);
    }

    @Bean
    io.ezthrottle.core.event.JobEvents jobEvents(RedissonReactiveClient redis, RedisKeys keys) {
        return new io.ezthrottle.core.event.JobEvents(redis, keys);
    }

    @Bean
    io.ezthrottle.core.delivery.DeliveryStore deliveryStore(RedissonReactiveClient redis, RedisKeys keys) {
        return new io.ezthrottle.core.delivery.DeliveryStore(redis, keys);
    }

    @Bean
    io.ezthrottle.core.delivery.DeadLetterStore deadLetterStore(RedissonReactiveClient redis, RedisKeys keys) {
        return new io.ezthrottle.core.delivery.DeadLetterStore(redis, keys);
    }

    @Bean
    io.ezthrottle.core.delivery.WebhookSettingsStore webhookSettingsStore(RedissonReactiveClient redis, RedisKeys keys) {
        return new io.ezthrottle.core.delivery.WebhookSettingsStore(redis, keys);
    }
}
