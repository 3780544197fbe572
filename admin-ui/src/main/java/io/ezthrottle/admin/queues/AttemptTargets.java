package io.ezthrottle.admin.queues;

import java.util.List;

import io.ezthrottle.core.queue.QueueEntry;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.throttle.Destination;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Which tenant and destination a queued attempt belongs to. The job record stores the whole spec as JSON, body
 * included (up to a megabyte); a script picks the stage's URL out of it inside Redis so only the URL crosses the
 * network. One key per call keeps it valid on a Redis Cluster.
 */
@org.springframework.stereotype.Component
class AttemptTargets {

    /** KEYS[1] job hash; ARGV[1] stage (n-th nested fallback_job). Returns {tenant, url} or {} when gone. */
    private static final String TARGET = """
            local h = redis.call('HMGET', KEYS[1], 'tenant', 'spec')
            if not h[1] or not h[2] then return {} end
            local ok, spec = pcall(cjson.decode, h[2])
            if not ok then return {h[1], ''} end
            for i = 1, tonumber(ARGV[1]) do
              if type(spec) ~= 'table' then break end
              spec = spec['fallback_job']
            end
            if type(spec) ~= 'table' or type(spec['url']) ~= 'string' then return {h[1], ''} end
            return {h[1], spec['url']}
            """;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;

    AttemptTargets(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    Mono<Target> of(QueueEntry entry) {
        return redis.getScript(StringCodec.INSTANCE)
                .<List<Object>>eval(RScript.Mode.READ_ONLY, TARGET, RScript.ReturnType.LIST, List.of(keys.job(entry.jobId())),
                        Integer.toString(entry.attempt().stage()))
                .filter(l -> l.size() == 2)
                .map(l -> new Target(l.get(0).toString(), destination(l.get(1).toString())));
    }

    private static String destination(String url) {
        try {
            return url.isEmpty() ? "?" : Destination.of(url);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** A queued attempt's tenant and destination ({@code ?} when its spec cannot be read). */
    record Target(String tenantId, String destination) {
    }
}
