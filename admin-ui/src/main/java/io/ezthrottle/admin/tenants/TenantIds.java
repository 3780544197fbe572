package io.ezthrottle.admin.tenants;

import java.util.List;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The ids of every tenant, read from the set {@link RedisKeys#tenants()} that {@code TenantStore} maintains. The
 * store offers only whole tenants (one hash read each); the Overview sampler needs just the ids, every couple of
 * seconds, to name the usage counters it sums.
 */
@Component
public class TenantIds {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;

    public TenantIds(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public Mono<List<String>> all() {
        return redis.<String>getSet(keys.tenants(), StringCodec.INSTANCE).readAll().map(List::copyOf)
                .defaultIfEmpty(List.of());
    }
}
