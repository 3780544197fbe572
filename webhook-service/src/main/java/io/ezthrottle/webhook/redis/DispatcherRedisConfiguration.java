package io.ezthrottle.webhook.redis;

import io.ezthrottle.core.config.CoreProperties;
import io.ezthrottle.core.redis.RedisClientFactory;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The dispatcher's Redis client, tuned for its hot path (a few script calls and pipelined reads per batch of
 * deliveries, thousands of deliveries per second):
 *
 * <ul>
 *   <li>scripts go as EVALSHA ({@code useScriptCache}): the delivery scripts are kilobytes long, and sending and
 *       hashing their text on every call was a large share of Redis's CPU per delivery;</li>
 *   <li>few event-loop threads: all of them would spin on the same couple of cores anyway, and fewer threads mean
 *       fewer context switches and more commands written per flush;</li>
 *   <li>no Redisson references ({@code referenceEnabled}): every value is a string here, yet with references on,
 *       each argument of each command (a delivery's scripts take dozens) is first checked for being a Redisson
 *       object, an annotation lookup by class name that showed in profiles.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class DispatcherRedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedissonClient redissonClient(CoreProperties properties) {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        return RedisClientFactory.create(properties.redis().url(), properties.redis().poolSize(), config -> {
            config.setUseScriptCache(true)
                    .setNettyThreads(threads)
                    .setThreads(threads);
            config.setReferenceEnabled(false);
        });
    }
}
