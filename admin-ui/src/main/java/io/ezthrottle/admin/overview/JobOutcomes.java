package io.ezthrottle.admin.overview;

import java.util.List;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Splits finished jobs into completed and failed by reading the {@code state} of each job's record. */
@Component
class JobOutcomes {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;

    JobOutcomes(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    Mono<Split> classify(List<String> jobIds) {
        return Flux.fromIterable(jobIds)
                .flatMap(id -> redis.<String, String>getMap(keys.job(id), StringCodec.INSTANCE).get("state"), 32)
                .reduce(new Split(0, 0), (split, state) -> switch (state) {
                    case "completed" -> new Split(split.completed() + 1, split.failed());
                    case "failed" -> new Split(split.completed(), split.failed() + 1);
                    default -> split;
                });
    }

    /** Completed and failed jobs among those read (a record that expired meanwhile counts as neither). */
    record Split(long completed, long failed) {

        /** The split scaled from the sample to {@code total} finished jobs. */
        Split scaledTo(long total) {
            long seen = completed + failed;
            if (seen == 0 || seen >= total) {
                return this;
            }
            long scaledCompleted = Math.round((double) total * completed / seen);
            return new Split(scaledCompleted, total - scaledCompleted);
        }
    }
}
