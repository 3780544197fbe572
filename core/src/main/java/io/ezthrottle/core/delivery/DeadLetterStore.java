package io.ezthrottle.core.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Dead letters as one Redis stream per tenant: listing a tenant's letters reads only that tenant's key, so one
 * tenant can never see another's (isolation by keyspace, not by filtering). Streams are trimmed to a maximum length
 * and expire when no letter was added for the retention period.
 */
public final class DeadLetterStore {

    private static final Pattern ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

    /** XADD with approximate trimming plus a lifetime, in one step. KEYS[1] stream; ARGV max length, ttl ms, fields. */
    private static final String ADD = """
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 3))
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return id
            """;

    /** Newest first, strictly older than ARGV[1] ({@code +} for the newest). */
    private static final String PAGE = """
            return redis.call('XREVRANGE', KEYS[1], ARGV[1], '-', 'COUNT', ARGV[2])
            """;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;

    public DeadLetterStore(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Stores a letter (its {@code id} is ignored) and emits the id it got. */
    public Mono<String> add(DeadLetter letter, int maxPerTenant, Duration retention) {
        List<Object> args = new ArrayList<>(List.of(Integer.toString(maxPerTenant), Long.toString(retention.toMillis())));
        letter.fields().forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return redis.getScript(StringCodec.INSTANCE)
                .<String>eval(RScript.Mode.READ_WRITE, ADD, RScript.ReturnType.STRING,
                        List.of(keys.deadLetters(letter.tenantId())), args.toArray())
                .flatMap(id -> redis.getSet(keys.deadLetterTenants(), StringCodec.INSTANCE).add(letter.tenantId())
                        .thenReturn(id));
    }

    /** Up to {@code limit} of a tenant's letters, newest first, older than {@code before} (null = from the newest). */
    public Mono<List<DeadLetter>> list(String tenantId, int limit, String before) {
        String start = before == null ? "+" : "(" + before;
        if (before != null && !plausibleId(before)) {
            return Mono.just(List.of());
        }
        return redis.getScript(StringCodec.INSTANCE)
                .<List<Object>>eval(RScript.Mode.READ_ONLY, PAGE, RScript.ReturnType.LIST,
                        List.of(keys.deadLetters(tenantId)), start, Integer.toString(limit))
                .map(entries -> {
                    List<DeadLetter> out = new ArrayList<>();
                    for (Object entry : entries) {
                        List<?> pair = (List<?>) entry;
                        out.add(DeadLetter.from(pair.get(0).toString(), tenantId, fields((List<?>) pair.get(1))));
                    }
                    return out;
                })
                .defaultIfEmpty(List.of());
    }

    /** One of the tenant's letters; empty when it is not theirs or does not exist. */
    public Mono<DeadLetter> find(String tenantId, String id) {
        if (!plausibleId(id)) {
            return Mono.empty();
        }
        return redis.getScript(StringCodec.INSTANCE)
                .<List<Object>>eval(RScript.Mode.READ_ONLY, "return redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])",
                        RScript.ReturnType.LIST, List.of(keys.deadLetters(tenantId)), id)
                .flatMap(entries -> {
                    if (entries == null || entries.isEmpty()) {
                        return Mono.empty();
                    }
                    List<?> pair = (List<?>) entries.get(0);
                    return Mono.just(DeadLetter.from(pair.get(0).toString(), tenantId, fields((List<?>) pair.get(1))));
                });
    }

    /** Removes one of the tenant's letters; emits whether it existed. */
    public Mono<Boolean> remove(String tenantId, String id) {
        if (!plausibleId(id)) {
            return Mono.just(false);
        }
        return redis.getScript(StringCodec.INSTANCE)
                .<Long>eval(RScript.Mode.READ_WRITE, "return redis.call('XDEL', KEYS[1], ARGV[1])", RScript.ReturnType.LONG,
                        List.of(keys.deadLetters(tenantId)), id)
                .map(n -> n > 0);
    }

    /** How many letters a tenant has. */
    public Mono<Long> count(String tenantId) {
        return redis.getStream(keys.deadLetters(tenantId), StringCodec.INSTANCE).size();
    }

    /** Tenants that have had dead letters (operators iterate these; each tenant's stream holds its letters). */
    public Mono<List<String>> tenants() {
        return redis.<String>getSet(keys.deadLetterTenants(), StringCodec.INSTANCE).readAll().map(List::copyOf);
    }

    public static boolean plausibleId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    private static Map<String, String> fields(List<?> flat) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put(flat.get(i).toString(), flat.get(i + 1).toString());
        }
        return m;
    }
}
