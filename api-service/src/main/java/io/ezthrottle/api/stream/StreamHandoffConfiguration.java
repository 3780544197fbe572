package io.ezthrottle.api.stream;

import io.ezthrottle.core.delivery.StreamHandoff;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The stream/webhook handoff store; only the API opens streams, so only it needs one. */
@Configuration(proxyBeanMethods = false)
class StreamHandoffConfiguration {

    @Bean
    StreamHandoff streamHandoff(RedissonReactiveClient redis, RedisKeys keys) {
        return new StreamHandoff(redis, keys);
    }
}
